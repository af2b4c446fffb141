import Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { BOOTSTRAP_MOUNT, ContainerRuntime, ProxyContainer, ProxyContainerSpec } from './container-runtime';

/** Connection options for dockerode from a DOCKER_HOST value (`unix:///path` or `tcp://host:port`). */
export function dockerOptions(dockerHost: string): Docker.DockerOptions {
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port), protocol: 'http' };
}

function labelFilter(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}

/**
 * The Docker Engine API through dockerode; also podman's compatible API (4.3 tried). Deaths are
 * watched through `die` events, not `POST /containers/{id}/wait`, which busy-loops in podman 4.3.
 */
export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;

  constructor(dockerHost: string) {
    this.docker = new Docker(dockerOptions(dockerHost));
  }

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  async list(labels: Record<string, string>): Promise<ProxyContainer[]> {
    const found = await this.docker.listContainers({ all: true, filters: { label: labelFilter(labels) } });
    return Promise.all(
      found.map(async (summary) => {
        // The summary's state is enough to act on; inspect gives the exit code for reports.
        const info = await this.docker.getContainer(summary.Id).inspect();
        return {
          id: summary.Id,
          name: (summary.Names[0] ?? '').replace(/^\//, ''),
          labels: summary.Labels,
          running: info.State.Running,
          ...(info.State.Running ? {} : { exitCode: info.State.ExitCode }),
        };
      }),
    );
  }

  async ensureImage(image: string): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    const stream = (await this.docker.pull(image)) as Readable;
    // A failed pull can still answer 200: the failure is an `error` entry in the progress stream.
    const output = await new Promise<{ error?: string }[]>((done, fail) =>
      this.docker.modem.followProgress(stream, (error: Error | null, result: { error?: string }[]) =>
        error ? fail(error) : done(result),
      ),
    );
    const failed = output.find((entry) => entry.error);
    if (failed) throw new Error(`pulling ${image} failed: ${failed.error}`);
  }

  async create(spec: ProxyContainerSpec): Promise<string> {
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      ...(spec.command.length > 0 ? { Cmd: spec.command } : {}),
      Labels: spec.labels,
      Env: [`BOOTSTRAP_PATH=${BOOTSTRAP_MOUNT}`],
      ExposedPorts: Object.fromEntries(spec.ports.map((port) => [`${port}/tcp`, {}])),
      HostConfig: {
        // Envoy on a VM serves on the VM's own addresses; host networking avoids a NAT hop.
        NetworkMode: 'host',
        Binds: [`${spec.bootstrapPath}:${BOOTSTRAP_MOUNT}:ro`],
        ...(spec.memoryBytes > 0 ? { Memory: spec.memoryBytes } : {}),
        ...(spec.nanoCpus > 0 ? { NanoCpus: spec.nanoCpus } : {}),
        // The agent restarts crashed proxies itself (with backoff, reporting each crash).
        RestartPolicy: { Name: 'no' },
      },
    });
    return container.id;
  }

  async start(id: string): Promise<void> {
    await ignoring(304, () => this.docker.getContainer(id).start());
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    await ignoring(304, () => this.docker.getContainer(id).stop({ t: graceSeconds }));
  }

  async remove(id: string): Promise<void> {
    await ignoring(404, () => this.docker.getContainer(id).remove({ force: true }));
  }

  async watchDeaths(labels: Record<string, string>, onDie: (id: string) => void): Promise<() => void> {
    const filters = { type: ['container' as const], event: ['die'], label: labelFilter(labels) };
    const stream = (await this.docker.getEvents({ filters })) as unknown as Readable;
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim())) {
        const event = JSON.parse(line) as { id?: string; Actor?: { ID?: string } };
        const id = event.Actor?.ID ?? event.id;
        if (id) onDie(id);
      }
    });
    stream.on('error', () => undefined);
    return () => stream.destroy();
  }
}

/** Runs `call`, treating the engine's `status` answer (304 not modified, 404 gone) as success. */
async function ignoring(status: number, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== status) throw error;
  }
}
