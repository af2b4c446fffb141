import { randomUUID } from 'node:crypto';
import { ContainerRuntime, ProxyContainer, ProxyContainerSpec } from './container-runtime';

/** A container held by InMemoryRuntime, with what it was created from. */
export interface InMemoryContainer extends ProxyContainer {
  spec: ProxyContainerSpec;
  starts: number;
  stops: number;
}

/** A container engine in memory, for unit tests of the reconcile logic: no processes, only state. */
export class InMemoryRuntime implements ContainerRuntime {
  readonly containers = new Map<string, InMemoryContainer>();
  readonly images = new Set<string>();
  private readonly watchers = new Set<{ labels: Record<string, string>; onDie: (id: string) => void }>();

  async list(labels: Record<string, string>): Promise<ProxyContainer[]> {
    return [...this.containers.values()]
      .filter((container) => matches(container.labels, labels))
      .map(({ id, name, labels: own, running, exitCode }) => ({
        id,
        name,
        labels: own,
        running,
        ...(exitCode === undefined ? {} : { exitCode }),
      }));
  }

  async ensureImage(image: string): Promise<void> {
    if (!this.images.has(image)) throw new Error(`pulling ${image} failed: not found`);
  }

  async create(spec: ProxyContainerSpec): Promise<string> {
    if ([...this.containers.values()].some((c) => c.name === spec.name)) {
      throw new Error(`the container name ${spec.name} is already in use`);
    }
    const id = randomUUID();
    this.containers.set(id, {
      id,
      name: spec.name,
      labels: spec.labels,
      running: false,
      spec,
      starts: 0,
      stops: 0,
    });
    return id;
  }

  async start(id: string): Promise<void> {
    const container = this.get(id);
    container.running = true;
    delete container.exitCode;
    container.starts += 1;
  }

  async stop(id: string): Promise<void> {
    const container = this.get(id);
    container.stops += 1;
    this.exit(container, 0);
  }

  async remove(id: string): Promise<void> {
    this.containers.delete(id);
  }

  async watchDeaths(labels: Record<string, string>, onDie: (id: string) => void): Promise<() => void> {
    const watcher = { labels, onDie };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Makes the container exit as a crash would. */
  crash(id: string, exitCode = 137): void {
    this.exit(this.get(id), exitCode);
  }

  private exit(container: InMemoryContainer, exitCode: number): void {
    if (!container.running) return;
    container.running = false;
    container.exitCode = exitCode;
    for (const watcher of this.watchers) {
      if (matches(container.labels, watcher.labels)) watcher.onDie(container.id);
    }
  }

  private get(id: string): InMemoryContainer {
    const container = this.containers.get(id);
    if (!container) throw new Error(`no such container ${id}`);
    return container;
  }
}

function matches(own: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => own[key] === value);
}
