import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's `prisma/migrations`, found by walking up from this file: the same answer from
 * the TypeScript sources (tests, scripts) and from the build in `dist/`.
 */
export function findMigrationsDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no prisma/migrations folder above ${from}`);
  }
}
