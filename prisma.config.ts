// Prisma CLI configuration. Only `prisma generate` is used here (see scripts/db/); the URL is read
// for the CLI's sake and is never needed by generate.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  },
});
