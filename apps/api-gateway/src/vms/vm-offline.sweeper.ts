import { Database, OutboxRepository, VmRepository } from '@envoy-fleet/data-access';
import { AgentSubjects, OutboxRelayService, VmEvent } from '@envoy-fleet/messaging';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { VM_OFFLINE_AFTER_MS } from './vm-view';

const SWEEP_INTERVAL_MS = 5_000;

/**
 * Stores `offline` for VMs whose heartbeats stopped and publishes `fleet.vm.offline` once per
 * outage. The API computes the status on read anyway; this is for the event. The conditional
 * update makes replicas sweeping at once publish one event, not one each.
 */
@Injectable()
export class VmOfflineSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(VmOfflineSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly vms: VmRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelayService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.logger.warn(`VM offline sweep: ${String(error)}`));
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Marks every VM silent for longer than VM_OFFLINE_AFTER_MS offline; returns how many. */
  async sweep(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - VM_OFFLINE_AFTER_MS);
    const marked = await this.db.asSystem(async (tx) => {
      let count = 0;
      for (const vm of await this.vms.listStale(tx, before)) {
        if (!(await this.vms.markOffline(tx, vm.id, before))) continue;
        const event: VmEvent = {
          tenantId: vm.tenantId,
          vmId: vm.id,
          name: vm.name,
          action: 'offline',
          actor: 'system',
          occurredAt: now.toISOString(),
        };
        await this.outbox.add(tx, vm.tenantId, AgentSubjects.vmOffline(vm.tenantId), { ...event });
        count += 1;
      }
      return count;
    });
    if (marked > 0) this.relay.kick();
    return marked;
  }
}
