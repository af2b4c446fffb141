import type { AgentAssignments } from '@envoy-fleet/domain';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AcceptedConfig } from './last-good-bootstrap';

/**
 * The agent's memory across restarts, on disk: the last assignments the API gave (each proxy's
 * bootstrap with them), the bootstrap files mounted into the containers, and the config each proxy
 * last accepted from xds-server. With it the agent starts the proxies after a VM reboot while the
 * control plane is still down, serving their last good config.
 */
export class AssignmentCache {
  constructor(private readonly dir: string) {}

  async load(): Promise<AgentAssignments | undefined> {
    try {
      return JSON.parse(await readFile(this.assignmentsPath(), 'utf8')) as AgentAssignments;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async save(assignments: AgentAssignments): Promise<void> {
    await this.writeAtomically(this.assignmentsPath(), JSON.stringify(assignments, null, 2));
  }

  /** Writes the bootstrap a container mounts; returns its path. */
  async writeBootstrap(proxyId: string, bootstrap: Record<string, unknown>): Promise<string> {
    const path = this.bootstrapPath(proxyId);
    await this.writeAtomically(path, `${JSON.stringify(bootstrap, null, 2)}\n`);
    return path;
  }

  /** Writes the bootstrap a container started without the control plane mounts; returns its path. */
  async writeLastGoodBootstrap(proxyId: string, bootstrap: Record<string, unknown>): Promise<string> {
    const path = join(this.dir, 'bootstraps', `${proxyId}.last-good.json`);
    await this.writeAtomically(path, `${JSON.stringify(bootstrap, null, 2)}\n`);
    return path;
  }

  /** Keeps what the proxy has accepted from xds-server. */
  async saveAcceptedConfig(proxyId: string, config: AcceptedConfig): Promise<void> {
    await this.writeAtomically(this.acceptedPath(proxyId), JSON.stringify(config));
  }

  async loadAcceptedConfig(proxyId: string): Promise<AcceptedConfig | undefined> {
    try {
      return JSON.parse(await readFile(this.acceptedPath(proxyId), 'utf8')) as AcceptedConfig;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Forgets everything kept for a proxy no longer assigned here. */
  async removeBootstrap(proxyId: string): Promise<void> {
    await rm(this.bootstrapPath(proxyId), { force: true });
    await rm(join(this.dir, 'bootstraps', `${proxyId}.last-good.json`), { force: true });
    await rm(this.acceptedPath(proxyId), { force: true });
  }

  bootstrapPath(proxyId: string): string {
    return join(this.dir, 'bootstraps', `${proxyId}.json`);
  }

  acceptedPath(proxyId: string): string {
    return join(this.dir, 'accepted', `${proxyId}.json`);
  }

  private assignmentsPath(): string {
    return join(this.dir, 'assignments.json');
  }

  /** A crash mid-write leaves the old file, never half of the new one. */
  private async writeAtomically(path: string, content: string): Promise<void> {
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, content, { mode: 0o600 });
    await rename(temporary, path);
  }
}
