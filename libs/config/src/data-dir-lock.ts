import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A lock file this young without a pid is still being written by the process taking it. */
const PID_WRITE_GRACE_MS = 10_000;

/** What a data folder holds, for the message when it is taken. */
export interface DataDirUse {
  /** e.g. 'the embedded database'. */
  what: string;
  /** The variable that switches to a server instead, e.g. 'DATABASE_URL'. */
  serverVariable: string;
}

/** Thrown when another process (or this one) has the data folder open. */
export class DataDirInUseError extends Error {
  constructor(dir: string, holder: string, use: DataDirUse) {
    super(
      `${use.what} in ${dir} is in use by ${holder}: run every app in one process (npm start), ` +
        `or set ${use.serverVariable} to use a server`,
    );
    this.name = DataDirInUseError.name;
  }
}

/**
 * Exclusive use of an embedded service's data folder, held as `fleet.lock` with the holder's
 * pid: two processes writing one embedded store would corrupt it. A lock whose process is gone
 * (a crash) is stale and taken over.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  /** Takes the lock on `dir`, or rejects with DataDirInUseError while a live process holds it. */
  static async acquire(dir: string, use: DataDirUse): Promise<DataDirLock> {
    const path = join(dir, 'fleet.lock');
    for (;;) {
      try {
        const file = await open(path, 'wx');
        try {
          await file.writeFile(String(process.pid));
        } finally {
          await file.close();
        }
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await holderOf(path);
      if (holder === 'gone') continue;
      if (holder !== 'stale') throw new DataDirInUseError(dir, holder, use);
      await rm(path, { force: true });
    }
  }

  async release(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/** Who holds the lock file at `path`: a description, 'stale' if nobody alive, 'gone' if released meanwhile. */
async function holderOf(path: string): Promise<string> {
  let content: string;
  let modified: number;
  try {
    [content, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const pid = Number(content.trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    return Date.now() - modified < PID_WRITE_GRACE_MS ? 'a process that is opening it' : 'stale';
  }
  if (pid === process.pid) return `this process (pid ${pid})`;
  return isAlive(pid) ? `process ${pid}` : 'stale';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
