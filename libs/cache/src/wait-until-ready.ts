import type Redis from 'ioredis';

/**
 * Starts a lazy client's connection and resolves once it is ready. ioredis's connect() rejects on
 * the first failed attempt although the client goes on retrying, so this waits for the `ready`
 * event instead, up to `timeoutMs`, and rejects with the last connection error seen.
 */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  let lastError: Error | undefined;
  const remember = (error: Error) => (lastError = error);
  let onReady: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    timer = setTimeout(() => reject(lastError ?? new Error('no answer')), timeoutMs);
  });
  client.on('error', remember);
  client.once('ready', onReady);
  client.connect().catch(() => undefined);
  return ready.finally(() => {
    clearTimeout(timer);
    client.off('error', remember);
    client.off('ready', onReady);
  });
}
