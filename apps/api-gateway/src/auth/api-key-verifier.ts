import { ApiKeyRepository, Database } from '@envoy-fleet/data-access';
import { DomainError, Principal, Role } from '@envoy-fleet/domain';
import { Injectable, Logger } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { ApiConfig } from '../api-config';
import { hashSecret, parseApiKey } from '../api-keys/api-key-format';

/** Keys remembered at most; past it the memo starts again (a burst of new callers). */
const MEMO_LIMIT = 10_000;

/** A key that passed: whose it is, and when it stops working (absent: never). */
export interface VerifiedKey {
  principal: Principal;
  keyId: string;
  expiresAt?: Date;
}

interface Remembered {
  principal: Principal;
  keyId: string;
  untilMs: number;
  expiresAt?: Date;
}

/** The verifier the guards use (one per process, like JwtStrategy's registry). */
const registry: { active?: ApiKeyVerifier } = {};

/** The process's API key verifier; throws when AuthModule has not made one. */
export function activeApiKeyVerifier(): ApiKeyVerifier {
  if (!registry.active) throw new Error('no ApiKeyVerifier: AuthModule is not loaded');
  return registry.active;
}

/** Drops a just-revoked key from this replica's memo, so its next request is refused. */
export function forgetApiKey(keyId: string): void {
  registry.active?.forget(keyId);
}

/**
 * Checks a presented API key against its stored hash and revocation, for both uses of a key: the
 * exchange at `POST /v1/auth/token` (`verify`, every time) and a key sent directly on a request
 * (`authenticate`, remembered for API_KEY_CACHE_MS so a busy caller costs a map lookup, and one look-up
 * at a time per key). The principal is the one an exchanged token carries (`api-key:<id>`), so
 * roles, tenant and audit rows are the same either way.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly logger = new Logger(ApiKeyVerifier.name);
  private readonly memo = new Map<string, Remembered>();
  private readonly pending = new Map<string, Promise<Principal>>();
  /** Bumped by every revoke: a look-up that started before one is answered but not remembered. */
  private revocations = 0;

  /**
   * How long a verified key is trusted without a look-up (API_KEY_CACHE_MS). A revoke on this
   * replica drops the key at once (`forgetApiKey`), one on another replica when its event arrives
   * here (ApiKeyRevocations), and within this time at the latest.
   */
  private readonly memoMs: number;

  constructor(
    private readonly db: Database,
    private readonly apiKeys: ApiKeyRepository,
    config: ApiConfig,
  ) {
    this.memoMs = config.API_KEY_CACHE_MS;
    registry.active = this;
  }

  /** The principal of a key verified within API_KEY_CACHE_MS, without any I/O; else undefined. */
  remembered(key: string): Principal | undefined {
    const entry = this.memo.get(key);
    if (!entry) return undefined;
    if (Date.now() < entry.untilMs) return entry.principal;
    this.memo.delete(key);
    return undefined;
  }

  /** When a remembered key expires (epoch ms); undefined when it never does or is not remembered. */
  expiryOf(key: string): number | undefined {
    return this.memo.get(key)?.expiresAt?.getTime();
  }

  /** The key's principal: at once when remembered, else after a look-up; UNAUTHENTICATED if refused. */
  authenticate(key: string): Principal | Promise<Principal> {
    return this.remembered(key) ?? this.lookUpOnce(key);
  }

  /** Looks the key up (hash, revocation, expiry), records its use, and answers its principal and expiry. */
  async verify(key: string): Promise<VerifiedKey> {
    return this.lookUp(key);
  }

  /** Forgets the key (after its revocation), and any look-up of a key in flight. */
  forget(keyId: string): void {
    this.revocations += 1;
    this.pending.clear();
    for (const [key, entry] of this.memo) if (entry.keyId === keyId) this.memo.delete(key);
  }

  private lookUpOnce(key: string): Promise<Principal> {
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const seen = this.revocations;
    const lookUp: Promise<Principal> = this.lookUp(key)
      .then(({ principal, keyId, expiresAt }) => {
        if (this.revocations === seen) {
          if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
          // Never remembered past the key's expiry.
          const untilMs = Math.min(Date.now() + this.memoMs, expiresAt?.getTime() ?? Infinity);
          this.memo.set(key, { principal, keyId, untilMs, ...(expiresAt ? { expiresAt } : {}) });
        }
        return principal;
      })
      .finally(() => {
        if (this.pending.get(key) === lookUp) this.pending.delete(key);
      });
    this.pending.set(key, lookUp);
    return lookUp;
  }

  private async lookUp(key: string): Promise<VerifiedKey> {
    const parsed = parseApiKey(key);
    if (!parsed) throw unauthenticated('malformed API key (expected fleet_<prefix>_<secret>)');
    // Looking up by prefix spans tenants: the key is what tells the tenant.
    const outcome = await this.db.asSystem(async (tx) => {
      const record = await this.apiKeys.findByPrefix(tx, parsed.prefix);
      // "Revoked" is said only to whoever holds the real secret; anyone else learns nothing.
      if (!record || !sameHash(record.secretHash, hashSecret(parsed.secret))) return 'unknown' as const;
      if (record.revokedAt) return { refused: 'revoked', at: record.revokedAt } as const;
      if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) {
        return { refused: 'expired', at: record.expiresAt } as const;
      }
      await this.apiKeys.touch(tx, record.id);
      return record;
    });
    if (outcome === 'unknown') throw unauthenticated('unknown API key');
    if ('refused' in outcome) {
      this.logger.warn(
        `refused API key fleet_${parsed.prefix}_…: ${outcome.refused} at ${outcome.at.toISOString()}`,
      );
      throw unauthenticated(`API key ${outcome.refused}`);
    }
    // Shared by every request bearing the key: nobody may change it.
    const principal: Principal = Object.freeze({
      subject: `api-key:${outcome.id}`,
      tenantId: outcome.tenantId,
      roles: Object.freeze([...outcome.roles]) as Role[],
    });
    return { principal, keyId: outcome.id, ...(outcome.expiresAt ? { expiresAt: outcome.expiresAt } : {}) };
  }
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function unauthenticated(reason: string): DomainError {
  return new DomainError('UNAUTHENTICATED', `authentication failed: ${reason}`);
}
