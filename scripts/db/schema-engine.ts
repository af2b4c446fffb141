// Loads Prisma's WASM schema engine (pinned to this prisma version's engine hash) over an
// in-memory PGlite, so migrations can be diffed without the native engine, which cannot be
// downloaded offline.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type * as Engine from '@prisma/schema-engine-wasm';

type Bindings = typeof Engine & {
  __wbg_set_wasm(exports: Record<string, unknown>): void;
};

// The compiler's ES2022 lib (no DOM) does not declare WebAssembly; Node has it. Only this is used.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The engine's public surface, re-exported for the scripts that drive it. */
export type { DiffTarget, MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';

/** Starts a schema engine whose database (and shadow database) is a fresh in-memory PGlite. */
export async function startSchemaEngine(schema: string): Promise<Engine.SchemaEngine> {
  const pkgDir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  // The package's entry imports the .wasm file as an ES module, which only bundlers understand;
  // wire the wasm-bindgen glue to the instance by hand instead.
  const bindings = (await import(join(pkgDir, 'schema_engine_bg.js'))) as Bindings;
  const module = new wasm.Module(readFileSync(join(pkgDir, 'schema_engine_bg.wasm')));
  const instance = new wasm.Instance(module, {
    './schema_engine_bg.js': bindings,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports['__wbindgen_start'] as () => void)();

  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(new PGlite()));
  const log = (message: string): void => {
    if (process.env['SCHEMA_ENGINE_DEBUG']) console.error(message);
  };
  return bindings.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, log, adapter);
}
