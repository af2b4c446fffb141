import type { Snapshot } from './snapshot';
import { answerWatch } from './answer';
import type { CancelWatch, ConfigWatcher, WatchRequest, WatchResponse } from './watcher';

interface OpenWatch {
  request: WatchRequest;
  respond: (response: WatchResponse) => void;
}

/** Snapshots by node id; open watches are answered when their node's snapshot changes. */
export class SnapshotCache implements ConfigWatcher {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly watches = new Map<string, Set<OpenWatch>>();

  /** Sets a node's snapshot and answers every open watch that now has something to send. */
  setSnapshot(nodeId: string, snapshot: Snapshot): void {
    this.snapshots.set(nodeId, snapshot);
    const open = this.watches.get(nodeId);
    if (!open) return;
    for (const watch of [...open]) {
      const response = answerWatch(snapshot, watch.request);
      if (response) {
        open.delete(watch);
        watch.respond(response);
      }
    }
    if (open.size === 0 && this.watches.get(nodeId) === open) this.watches.delete(nodeId);
  }

  /** The node's current snapshot, if any. */
  getSnapshot(nodeId: string): Snapshot | undefined {
    return this.snapshots.get(nodeId);
  }

  /** Forgets a node's snapshot; its open watches stay open until a new one is set. */
  clearSnapshot(nodeId: string): void {
    this.snapshots.delete(nodeId);
  }

  /** Open watches, for one node or all. */
  openWatchCount(nodeId?: string): number {
    if (nodeId !== undefined) return this.watches.get(nodeId)?.size ?? 0;
    let count = 0;
    for (const open of this.watches.values()) count += open.size;
    return count;
  }

  createWatch(request: WatchRequest, respond: (response: WatchResponse) => void): CancelWatch {
    const snapshot = this.snapshots.get(request.nodeId);
    const response = snapshot && answerWatch(snapshot, request);
    if (response) {
      respond(response);
      return () => undefined;
    }
    const watch: OpenWatch = { request, respond };
    let open = this.watches.get(request.nodeId);
    if (!open) {
      open = new Set();
      this.watches.set(request.nodeId, open);
    }
    open.add(watch);
    return () => {
      open.delete(watch);
      if (open.size === 0 && this.watches.get(request.nodeId) === open) this.watches.delete(request.nodeId);
    };
  }
}
