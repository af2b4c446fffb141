import { resolve } from 'node:path';
import { InProcessStream } from './in-process-stream';

interface SharedStream {
  stream: Promise<InProcessStream>;
  users: number;
}

/** One stream per journal directory for the whole process; several apps in it share it. */
const openStreams = new Map<string, SharedStream>();
/** Streams being closed, so that reopening waits for their lock to be released. */
const closing = new Map<string, Promise<void>>();

/** A use of a shared stream; `release` once, and the last release closes the stream. */
export interface SharedStreamLease {
  stream: InProcessStream;
  release(): Promise<void>;
}

/** Opens the stream journaled in `dir`, or joins it when this process has it open already. */
export async function leaseSharedStream(dir: string): Promise<SharedStreamLease> {
  const key = resolve(dir);
  let shared = openStreams.get(key);
  if (!shared) {
    const previous = closing.get(key) ?? Promise.resolve();
    const opening: SharedStream = { stream: previous.then(() => InProcessStream.open(key)), users: 0 };
    // A failed open is not kept: the next caller tries again.
    opening.stream.catch(() => openStreams.get(key) === opening && openStreams.delete(key));
    openStreams.set(key, opening);
    shared = opening;
  }
  const lease = shared;
  lease.users++;
  let stream: InProcessStream;
  try {
    stream = await lease.stream;
  } catch (error) {
    lease.users--;
    throw error;
  }
  let released = false;
  return {
    stream,
    release: async () => {
      if (released) return;
      released = true;
      if (--lease.users > 0) return;
      openStreams.delete(key);
      const closed = stream.close().finally(() => closing.get(key) === closed && closing.delete(key));
      closing.set(key, closed);
      await closed;
    },
  };
}
