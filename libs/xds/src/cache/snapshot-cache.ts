import { WILDCARD_TYPES } from '../resource-types';
import { answerWatch } from './answer';
import { answerDeltaWatch } from './delta-answer';
import { pushRank } from './push-order';
import type { Snapshot } from './snapshot';
import type {
  CancelWatch,
  ConfigWatcher,
  DeltaWatchRequest,
  DeltaWatchResponse,
  WatchRequest,
  WatchResponse,
} from './watcher';

/** An open watch, SotW or Delta, with what answers it from a snapshot. */
interface OpenWatch {
  key: string;
  /** The answer from this snapshot, ready to deliver, or undefined when there is nothing new. */
  answer(snapshot: Snapshot, previous?: Snapshot): Answer | undefined;
}

interface Answer {
  rank: number;
  deliver(): void;
}

/**
 * Snapshots by stream key (StreamInfo.key: the node id, unless the server keys its streams by
 * something else); open watches are answered when their key's snapshot changes, across all of the
 * key's streams in make-before-break order (see push-order.ts).
 */
export class SnapshotCache implements ConfigWatcher {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly watches = new Map<string, Set<OpenWatch>>();

  /** Sets a key's snapshot and answers every open watch that now has something to send. */
  setSnapshot(key: string, snapshot: Snapshot): void {
    const previous = this.snapshots.get(key);
    this.snapshots.set(key, snapshot);
    const open = this.watches.get(key);
    if (!open) return;
    const answers: Answer[] = [];
    for (const watch of [...open]) {
      const answer = watch.answer(snapshot, previous);
      if (answer) {
        open.delete(watch);
        answers.push(answer);
      }
    }
    if (open.size === 0 && this.watches.get(key) === open) this.watches.delete(key);
    // Stable sort: equal ranks keep the order the watches were opened in.
    answers.sort((a, b) => a.rank - b.rank);
    for (const answer of answers) answer.deliver();
  }

  /** The key's current snapshot, if any. */
  getSnapshot(key: string): Snapshot | undefined {
    return this.snapshots.get(key);
  }

  /** Forgets a key's snapshot; its open watches stay open until a new one is set. */
  clearSnapshot(key: string): void {
    this.snapshots.delete(key);
  }

  /** Open watches, for one key or all. */
  openWatchCount(key?: string): number {
    if (key !== undefined) return this.watches.get(key)?.size ?? 0;
    let count = 0;
    for (const open of this.watches.values()) count += open.size;
    return count;
  }

  createWatch(request: WatchRequest, respond: (response: WatchResponse) => void): CancelWatch {
    return this.open({
      key: request.key,
      answer: (snapshot, previous) => {
        const response = answerWatch(snapshot, request, previous);
        if (!response) return undefined;
        return {
          rank: pushRank(request.type, removesSotw(request, response)),
          deliver: () => respond(response),
        };
      },
    });
  }

  createDeltaWatch(request: DeltaWatchRequest, respond: (response: DeltaWatchResponse) => void): CancelWatch {
    return this.open({
      key: request.key,
      answer: (snapshot) => {
        const response = answerDeltaWatch(snapshot, request);
        if (!response) return undefined;
        return {
          rank: pushRank(request.type, response.removed.length > 0),
          deliver: () => respond(response),
        };
      },
    });
  }

  private open(watch: OpenWatch): CancelWatch {
    const snapshot = this.snapshots.get(watch.key);
    const answer = snapshot && watch.answer(snapshot);
    if (answer) {
      answer.deliver();
      return () => undefined;
    }
    let open = this.watches.get(watch.key);
    if (!open) {
      open = new Set();
      this.watches.set(watch.key, open);
    }
    open.add(watch);
    return () => {
      open.delete(watch);
      if (open.size === 0 && this.watches.get(watch.key) === open) this.watches.delete(watch.key);
    };
  }
}

/**
 * Whether a SotW answer deletes something: only LDS/CDS carry the full state, where "if a
 * previously seen resource is not present in a new response, that indicates that the resource
 * has been removed". One that also adds or changes resources counts as an update: what it adds
 * may be needed by the listeners and routes that follow.
 */
function removesSotw(request: WatchRequest, response: WatchResponse): boolean {
  if (!WILDCARD_TYPES.has(request.type)) return false;
  const names = new Set(response.resourceNames);
  const dropsOne = [...request.sentNames].some((name) => !names.has(name));
  const addsOne = response.resourceNames.some((name) => !request.sentNames.has(name));
  return dropsOne && !addsOne;
}
