import type { Snapshot } from './snapshot';
import { type DeltaResource, type DeltaWatchRequest, type DeltaWatchResponse, KNOWN_ABSENT } from './watcher';

/**
 * Decides what a Delta watch gets from a snapshot, or nothing yet: each resource of interest
 * whose version differs from the one the proxy holds, and the names it holds (or asked for)
 * that do not exist. Removals wait while there are updates, so that a push adds before it
 * removes (make before break): the stream gets them with its next answer, after the proxy's ACK.
 */
export function answerDeltaWatch(
  snapshot: Snapshot,
  request: DeltaWatchRequest,
): DeltaWatchResponse | undefined {
  const entry = snapshot.resources(request.type);
  const names = new Set<string>(request.subscribed);
  if (request.wildcard) for (const name of entry.byName.keys()) names.add(name);
  for (const name of request.known.keys()) names.add(name);

  const resources: DeltaResource[] = [];
  const removed: string[] = [];
  for (const name of [...names].sort()) {
    const resource = entry.byName.get(name);
    const held = request.known.get(name);
    if (resource) {
      if (held === resource.version) continue;
      const encoded = snapshot.deltaResource(request.type, name);
      if (encoded) resources.push({ name, version: resource.version, encoded });
    } else if (held !== KNOWN_ABSENT && (held !== undefined || request.subscribed.has(name))) {
      // "When a resource subscribed to by a client does not exist, the server will send a
      // DeltaDiscoveryResponse message that contains that resource's name in the removed_resources"
      removed.push(name);
    }
  }
  if (resources.length > 0) return { type: request.type, version: entry.version, resources, removed: [] };
  if (removed.length > 0 || request.mustRespond) {
    return { type: request.type, version: entry.version, resources: [], removed };
  }
  return undefined;
}
