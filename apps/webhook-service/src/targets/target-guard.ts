import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a webhook may not reach unless allowed: loopback, private, link-local, ULA, metadata. */
const RESTRICTED: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'private'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fc00::', 7, 'ipv6', 'private'],
];

const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'],
};

/** A target refused because of where it resolves. */
export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/**
 * The SSRF guard: resolves a target's host (every address) and refuses it when one is restricted
 * and not allowed by WEBHOOK_ALLOWED_TARGETS. Run at every attempt: DNS answers change.
 */
export class TargetGuard {
  private readonly allowed = new BlockList();
  private readonly restricted: { kind: string; list: BlockList }[];

  /** `allowed`: comma-separated CIDRs, addresses, or `loopback` / `private`. */
  constructor(allowed: string) {
    for (const entry of allowed
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      for (const cidr of NAMED[entry] ?? [entry]) this.allow(cidr);
    }
    this.restricted = RESTRICTED.map(([net, prefix, family, kind]) => {
      const list = new BlockList();
      list.addSubnet(net, prefix, family);
      return { kind, list };
    });
  }

  private allow(cidr: string): void {
    const [address, prefix] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (!isIP(address))
      throw new Error(`WEBHOOK_ALLOWED_TARGETS: '${cidr}' is not a CIDR, address, loopback or private`);
    if (prefix === undefined) this.allowed.addAddress(address, family);
    else this.allowed.addSubnet(address, Number(prefix), family);
  }

  /** Why `address` is refused, or null when it may be reached. */
  refusal(address: string): string | null {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const mapped = family === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
    if (mapped) return this.refusal(mapped);
    if (this.allowed.check(address, family)) return null;
    if (address === '169.254.169.254' || address.toLowerCase() === 'fd00:ec2::254') return 'metadata';
    return this.restricted.find((r) => r.list.check(address, family))?.kind ?? null;
  }

  /** Resolves `url`'s host; throws TargetRefusedError when any address it has is refused. */
  async check(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    for (const address of addresses) {
      const kind = this.refusal(address);
      if (kind) throw new TargetRefusedError(`target ${url.host} resolves to ${kind} address ${address}`);
    }
  }
}
