import { ConfigRejection, ProxyTypeStatus, ResourceType } from '@envoy-fleet/domain';
import { ResourceDigests, rejectedObjects } from './resource-digests';

/** One type's sync on a stream. */
export interface TypeSync {
  sentVersion: string;
  ackedVersion: string;
  sent: ResourceDigests;
  acked: ResourceDigests;
  configVersion: number;
  /** The proxy's error text while its last answer for the type is a NACK. */
  errorDetail?: string;
}

/** What one stream's proxy was sent and accepted, per type: enough to say what a NACK rejected. */
export class StreamSync {
  private readonly types = new Map<ResourceType, TypeSync>();

  /** Starts from what the proxy accepted before it reconnected. */
  constructor(stored: ProxyTypeStatus[] = []) {
    for (const status of stored) {
      const acked = { ...status.ackedResources };
      this.types.set(status.type, {
        sentVersion: status.ackedVersion,
        ackedVersion: status.ackedVersion,
        sent: acked,
        acked,
        configVersion: 0,
      });
    }
  }

  sent(type: ResourceType, version: string, resources: ResourceDigests, configVersion: number): TypeSync {
    const state = this.state(type);
    Object.assign(state, { sentVersion: version, sent: resources, configVersion });
    return state;
  }

  acked(type: ResourceType): TypeSync {
    const state = this.state(type);
    Object.assign(state, { ackedVersion: state.sentVersion, acked: state.sent, errorDetail: undefined });
    return state;
  }

  /** The proxy rejected the last version sent; its accepted version and resources stay as they were. */
  nacked(type: ResourceType, errorDetail: string): TypeSync & { rejection: ConfigRejection } {
    const state = this.state(type);
    state.errorDetail = errorDetail;
    const objects = rejectedObjects(type, state.sent, state.acked, errorDetail);
    return { ...state, rejection: { configVersion: state.configVersion, objects } };
  }

  /** The tenant config version last sent of `type` (0 if none). */
  configVersionOf(type: ResourceType): number {
    return this.types.get(type)?.configVersion ?? 0;
  }

  /** Every type this stream was sent or had accepted, for status reports (CSDS). */
  entries(): [ResourceType, Readonly<TypeSync>][] {
    return [...this.types.entries()];
  }

  private state(type: ResourceType): TypeSync {
    let state = this.types.get(type);
    if (!state) {
      state = { sentVersion: '', ackedVersion: '', sent: {}, acked: {}, configVersion: 0 };
      this.types.set(type, state);
    }
    return state;
  }
}
