import { WILDCARD_TYPES } from '../resource-types';
import type { Snapshot } from './snapshot';
import type { WatchRequest, WatchResponse } from './watcher';

/**
 * Decides what a watch gets from a snapshot, or nothing yet. Wildcard: everything, when the
 * version moved. Named: the named resources that exist, when the version moved or a name is new;
 * for RDS/EDS/SDS only once at least one exists (absence there is not a deletion), while on
 * LDS/CDS an empty answer tells the client its resource does not exist.
 */
export function answerWatch(snapshot: Snapshot, request: WatchRequest): WatchResponse | undefined {
  const entry = snapshot.resources(request.type);
  const versionMoved = entry.version !== request.sentVersion;
  if (request.wildcard) {
    return versionMoved ? respond(snapshot, request, undefined, entry.version) : undefined;
  }
  const existing = request.resourceNames.filter((name) => entry.byName.has(name));
  const newlyNamed = existing.some((name) => !request.sentNames.has(name));
  if (!versionMoved && !newlyNamed) return undefined;
  if (existing.length === 0 && !WILDCARD_TYPES.has(request.type)) return undefined;
  return respond(snapshot, request, request.resourceNames, entry.version);
}

function respond(
  snapshot: Snapshot,
  request: WatchRequest,
  names: readonly string[] | undefined,
  version: string,
): WatchResponse {
  const { body, names: resourceNames } = snapshot.responseBody(request.type, names);
  return { type: request.type, version, resourceNames, body };
}
