export {
  applyMigrations,
  readMigrations,
  type MigrationFile,
  type MigrationResult,
} from './apply-migrations';
