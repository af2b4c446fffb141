import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export { freePort } from '@envoy-fleet/testing';

const ROOT = resolve(__dirname, '../..');

/** A built app running as its own process, as it runs in production. */
export class AppProcess {
  private output = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts `dist/apps/<name>/src/main.js` and waits until `/readyz` answers 200 on every port. */
  static async start(
    name: string,
    env: Record<string, string>,
    httpPorts: number[],
    timeoutMs = 20_000,
  ): Promise<AppProcess> {
    const main = resolve(ROOT, 'dist/apps', name, 'src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
    const child = spawn(process.execPath, [main], { cwd: ROOT, env: { ...process.env, ...env } });
    const app = new AppProcess(name, child);
    for (const port of httpPorts) await app.waitReady(port, Date.now() + timeoutMs);
    return app;
  }

  /** Everything the process printed, for failure messages. */
  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private async waitReady(port: number, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited:\n${this.output}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`${this.name} not ready in time:\n${this.output}`);
  }
}

/**
 * Runs `start` again (with the fresh ports it picks itself) when a port it picked was taken in the
 * meantime: freePort's answer is only true until someone else binds the port.
 */
export async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}
