import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export { freePort } from '@envoy-fleet/testing';

const ROOT = resolve(__dirname, '../..');
/** Held (exclusively) by whoever rebuilds dist/ on this shared machine; a half-built dist/ does not boot. */
const BUILD_LOCK = '/tmp/fleet-build.lock';

/** A built app (`dist/apps/<name>/src/main.js`) running as its own process, as in production. */
export class AppProcess {
  private output = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts the app and waits until `/readyz` answers 200 on `httpPort`. */
  static async start(
    name: string,
    env: Record<string, string>,
    httpPort: number,
    nodeArgs: string[] = [],
  ): Promise<AppProcess> {
    // XDS_BENCH_DIST: another build's output (a folder inside the repo, so node_modules resolve).
    const main = resolve(ROOT, process.env['XDS_BENCH_DIST'] || 'dist', 'apps', name, 'src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
    if (existsSync(BUILD_LOCK)) execFileSync('flock', ['-s', '-w', '300', BUILD_LOCK, 'true']);
    const child = spawn(process.execPath, [...nodeArgs, main], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    const app = new AppProcess(name, child);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${name} exited:\n${app.output}`);
      const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return app;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`${name} not ready in time:\n${app.output}`);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The last of what the process printed, for error messages. */
  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
