#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded offline. `prisma generate`
# only needs the path to exist; exiting 1 makes any `prisma migrate` call fail loudly instead of
# silently doing nothing. Migrations are written by scripts/db/new-migration.ts and applied by
# scripts/db/migrate.ts.
echo "The native Prisma schema engine is not available; use npm run db:migrate / db:new-migration." >&2
exit 1
