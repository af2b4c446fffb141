/** How many built config versions per tenant are remembered for latency (older ones are dropped). */
const KEPT_VERSIONS = 8;
/** A tenant's changes waiting for a build, at most (a burst beyond it keeps the earliest times). */
const KEPT_CHANGES = 256;

/**
 * When the changes behind each pushed config version were written: a push's latency counts from
 * the earliest change it carries that the previous push did not. Times are the writer's clock.
 */
export class PushOrigins {
  /** Changes not built yet, per tenant: config version and when it was written (ms). */
  private readonly pending = new Map<string, { version: number; at: number }[]>();
  /** Built config versions and the time of the earliest change each carried, per tenant. */
  private readonly built = new Map<string, Map<number, number>>();

  /** A config change of `tenantId` was written at `at` (ms since the epoch). */
  changed(tenantId: string, version: number, at: number): void {
    const changes = this.pending.get(tenantId) ?? [];
    if (changes.length < KEPT_CHANGES) changes.push({ version, at });
    this.pending.set(tenantId, changes);
  }

  /** A snapshot of `configVersion` was built for `tenantId` and is about to be pushed. */
  pushed(tenantId: string, configVersion: number): void {
    const changes = this.pending.get(tenantId);
    if (!changes) return;
    const carried = changes.filter((change) => change.version <= configVersion);
    const later = changes.filter((change) => change.version > configVersion);
    if (later.length > 0) this.pending.set(tenantId, later);
    else this.pending.delete(tenantId);
    if (carried.length === 0) return;
    const versions = this.built.get(tenantId) ?? new Map<number, number>();
    const earliest = Math.min(...carried.map((change) => change.at));
    versions.set(configVersion, Math.min(earliest, versions.get(configVersion) ?? Infinity));
    for (const old of versions.keys()) if (versions.size > KEPT_VERSIONS) versions.delete(old);
    this.built.set(tenantId, versions);
  }

  /** When the changes pushed as `configVersion` were written (ms), if this process pushed it. */
  originOf(tenantId: string, configVersion: number): number | undefined {
    return this.built.get(tenantId)?.get(configVersion);
  }

  /** Nobody of `tenantId` is connected any more. */
  forget(tenantId: string): void {
    this.pending.delete(tenantId);
    this.built.delete(tenantId);
  }
}
