export {
  applyMigrations,
  readMigrations,
  type MigrationFile,
  type MigrationResult,
} from './apply-migrations';
export { createDatabaseIfMissing } from './create-database';
export { findMigrationsDir } from './migrations-dir';
export { pgliteSession, postgresSession, type MigrationSession } from './migration-session';
