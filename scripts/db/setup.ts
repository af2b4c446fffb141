// Creates the database if it does not exist yet, then applies prisma/migrations to it.
// Usage: DATABASE_ADMIN_URL=postgres://postgres@127.0.0.1:5432/fleet npm run db:setup
import { applyMigrations, createDatabaseIfMissing, findMigrationsDir } from '@envoy-fleet/db-migrations';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/fleet';

async function main(): Promise<void> {
  const adminUrl = process.env['DATABASE_ADMIN_URL'] || DEFAULT_ADMIN_URL;
  await createDatabaseIfMissing(adminUrl);
  const result = await applyMigrations(adminUrl, findMigrationsDir());
  console.log(`database ready (${result.applied.length} migrations applied)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
