import type { ProxyRecord, VmRecord } from '@envoy-fleet/data-access';
import { vmStatusAt, type VmStatus } from '@envoy-fleet/domain';

/** Missed heartbeats after which a VM counts as offline (agents heartbeat every 10 s by default). */
export const VM_OFFLINE_AFTER_MS = 30_000;

/** A VM as the API shows it: the status computed now, never a stale stored one. */
export interface VmView extends Omit<VmRecord, 'agentTokenGeneration' | 'rolloutPending' | 'status'> {
  status: VmStatus;
  agentTokenIssued: boolean;
  rolloutPending: boolean;
}

export function vmView(vm: VmRecord, now = new Date()): VmView {
  const { agentTokenGeneration, status: _stored, ...rest } = vm;
  return {
    ...rest,
    status: vmStatusAt(vm.lastHeartbeatAt, now, VM_OFFLINE_AFTER_MS),
    agentTokenIssued: agentTokenGeneration > 0,
  };
}

/** A VM with the proxies assigned to it and what their containers do. */
export interface VmDetailView extends VmView {
  proxies: Pick<ProxyRecord, 'id' | 'nodeId' | 'lifecycle'>[];
}
