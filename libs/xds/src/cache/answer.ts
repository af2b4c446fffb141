import { WILDCARD_TYPES } from '../resource-types';
import type { Snapshot } from './snapshot';
import type { WatchRequest, WatchResponse } from './watcher';

/**
 * Decides what a watch gets from a snapshot, or nothing yet. Wildcard: everything, when the
 * version moved or a name is new. Named: the named resources that exist, when the version moved or a name is new;
 * for RDS/EDS/SDS only once at least one exists (absence there is not a deletion), while on
 * LDS/CDS an empty answer tells the client its resource does not exist. With `previous` (the
 * snapshot this one replaces), an LDS/CDS answer that adds and removes at once bridges first.
 */
export function answerWatch(
  snapshot: Snapshot,
  request: WatchRequest,
  previous?: Snapshot,
): WatchResponse | undefined {
  const entry = snapshot.resources(request.type);
  const versionMoved = entry.version !== request.sentVersion;
  const existing = request.resourceNames.filter((name) => entry.byName.has(name));
  const newlyNamed = existing.some((name) => !request.sentNames.has(name));
  if (!versionMoved && !newlyNamed) return undefined;
  if (request.wildcard) return respond(snapshot, request, undefined, entry.version, previous);
  if (existing.length === 0 && !WILDCARD_TYPES.has(request.type)) return undefined;
  return respond(snapshot, request, request.resourceNames, entry.version, previous);
}

function respond(
  snapshot: Snapshot,
  request: WatchRequest,
  names: readonly string[] | undefined,
  version: string,
  previous: Snapshot | undefined,
): WatchResponse {
  const { body, names: resourceNames } = snapshot.responseBody(request.type, names);
  const response = { type: request.type, version, resourceNames, body };
  return previous ? bridged(snapshot, previous, request, response) : response;
}

/**
 * Make before break on LDS/CDS, where a missing resource is a deletion: "providing a CDS/EDS
 * update with both X and Y, then the RDS update repointing from X to Y and then a CDS/EDS update
 * dropping X". An answer that adds Y and drops X first carries both; the one dropping X follows
 * when the proxy acknowledges it, after the listeners and routes of the same push.
 */
function bridged(snapshot: Snapshot, previous: Snapshot, request: WatchRequest, response: WatchResponse) {
  if (!WILDCARD_TYPES.has(request.type)) return response;
  const names = new Set(response.resourceNames);
  if (!response.resourceNames.some((name) => !request.sentNames.has(name))) return response;
  const before = previous.resources(request.type).byName;
  const kept = [...request.sentNames].filter((name) => !names.has(name) && before.has(name));
  if (kept.length === 0) return response;
  const bridge = snapshot.bridgingBody(request.type, response.resourceNames, previous, kept);
  return { type: request.type, version: bridge.version, resourceNames: bridge.names, body: bridge.body };
}
