import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { BaselineCommand, BaselineEvent } from './baseline-server';
import type { HarnessCommand, HarnessEvent } from './protocol';

/** A bench process of ours (harness or baseline server) spoken to over fork IPC. */
class BenchChild<Command, Event extends { evt: string }> {
  private readonly child: ChildProcess;
  private readonly events: Event[] = [];
  private waiter?: () => void;

  constructor(file: string) {
    // Each child compiles its TypeScript with tsx, like the driver; a large heap for 10k streams.
    const execArgv = ['--import', 'tsx', '--max-old-space-size=8192'];
    this.child = fork(join(__dirname, file), [], { execArgv });
    this.child.on('message', (event: Event) => {
      this.events.push(event);
      this.waiter?.();
    });
    this.child.on('exit', () => this.waiter?.());
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(command: Command): void {
    this.child.send(command as object);
  }

  /** The next event named `evt` (earlier ones of other names are dropped). */
  async next<E extends Event['evt']>(evt: E, timeoutMs: number): Promise<Extract<Event, { evt: E }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((event) => event.evt === evt);
      if (index >= 0) return this.events.splice(0, index + 1)[index] as Extract<Event, { evt: E }>;
      if (this.child.exitCode !== null) throw new Error(`bench child exited before ${evt}`);
      if (Date.now() > deadline) throw new Error(`no ${evt} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 1000);
      });
    }
  }

  async exit(close: Command): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.send(close);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The fake-proxy harness process. */
export class Harness extends BenchChild<HarnessCommand, HarnessEvent> {
  constructor() {
    super('harness.ts');
  }

  close(): Promise<void> {
    return this.exit({ cmd: 'close' });
  }
}

/** The bare @grpc/grpc-js baseline server process. */
export class BaselineServer extends BenchChild<BaselineCommand, BaselineEvent> {
  constructor() {
    super('baseline-server.ts');
  }

  /** Its V8 heap in use, as xds-server's nodejs_heap_size_used_bytes reports it. */
  async heapUsed(): Promise<number> {
    this.send({ cmd: 'heap' });
    return (await this.next('heap', 10_000)).bytes;
  }

  close(): Promise<void> {
    return this.exit({ cmd: 'close' });
  }
}
