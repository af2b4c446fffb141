import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The remote TCP ports of every socket process `pid` holds open (Linux /proc): which servers it
 * is talking to right now.
 */
export function remotePortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]);
    } catch {
      // closed while we looked
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9])) continue;
      const remotePort = parseInt(fields[2].split(':')[1], 16);
      if (remotePort !== 0) ports.push(remotePort);
    }
  }
  return ports;
}
