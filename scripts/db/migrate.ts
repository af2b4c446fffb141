// Applies prisma/migrations to the database at DATABASE_ADMIN_URL (a role that may create roles
// and tables, e.g. postgres). Usage: DATABASE_ADMIN_URL=postgres://... npm run db:migrate
import { applyMigrations, findMigrationsDir } from '@envoy-fleet/db-migrations';

async function main(): Promise<void> {
  const adminUrl = process.env['DATABASE_ADMIN_URL'];
  if (!adminUrl) throw new Error('DATABASE_ADMIN_URL is not set');
  const result = await applyMigrations(adminUrl, findMigrationsDir());
  for (const name of result.applied) console.log(`applied ${name}`);
  console.log(`${result.applied.length} applied, ${result.skipped.length} already applied`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
