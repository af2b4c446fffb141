import { DataDirLock } from '@envoy-fleet/config';
import { mkdir, open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEntry } from './stream-state';

const JOURNAL_FILE = 'journal.jsonl';

interface PendingWrite {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The append-only journal of an in-process event stream, in `<dir>/journal.jsonl`, one JSON entry
 * per line. Appends go through one queue in order; lines that queue up while a write is running go
 * out together in the next write. A write survives the process crashing (it is in the OS), not the
 * machine losing power: no fsync, which would cost a disk flush per event on a local run.
 */
export class EventJournal {
  private queued: string[] = [];
  private waiting: PendingWrite[] = [];
  private writing?: Promise<void>;
  private failure?: Error;
  private closed = false;

  private constructor(
    private readonly file: FileHandle,
    private readonly lock: DataDirLock,
    /** The journal file, for messages. */
    readonly path: string,
  ) {}

  /**
   * Locks `dir` (creating it), reads its journal, and rewrites it as `compact` returns it before
   * appending. The rewrite goes to a temp file renamed over the journal, so a crash leaves either.
   */
  static async open(
    dir: string,
    compact: (entries: JournalEntry[]) => JournalEntry[],
  ): Promise<EventJournal> {
    await mkdir(dir, { recursive: true });
    const lock = await DataDirLock.acquire(dir, {
      what: 'the in-process event bus journal',
      serverVariable: 'NATS_URL',
    });
    try {
      const path = join(dir, JOURNAL_FILE);
      const entries = compact(await readEntries(path));
      const temp = `${path}.tmp`;
      await writeFile(temp, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      await rename(temp, path);
      return new EventJournal(await open(path, 'a'), lock, path);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Appends `entry`; resolves once its line is written. After a failed write every append rejects. */
  append(entry: JournalEntry): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error(`event journal ${this.path} is closed`));
    return new Promise((resolve, reject) => {
      this.queued.push(`${JSON.stringify(entry)}\n`);
      this.waiting.push({ resolve, reject });
      this.writing ??= this.writeQueued();
    });
  }

  private async writeQueued(): Promise<void> {
    while (this.queued.length > 0) {
      const lines = this.queued.join('');
      const waiting = this.waiting;
      this.queued = [];
      this.waiting = [];
      try {
        await this.file.appendFile(lines);
        for (const write of waiting) write.resolve();
      } catch (error) {
        // A half-written line may follow; appending after it would corrupt the journal.
        const reason = error instanceof Error ? error.message : String(error);
        this.failure = new Error(`event journal ${this.path}: write failed (${reason}); restart to recover`);
        for (const write of [...waiting, ...this.waiting]) write.reject(this.failure);
        this.queued = [];
        this.waiting = [];
      }
    }
    this.writing = undefined;
  }

  /** Waits for queued lines, then closes the file and releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    await this.file.close();
    await this.lock.release();
  }
}

/** The journal's entries; a torn last line (a crash mid-write) is ignored, a torn middle line is an error. */
async function readEntries(path: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  const entries: JournalEntry[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      const isLast = lines.slice(index + 1).every((rest) => rest.trim() === '');
      if (!isLast) throw new Error(`event journal ${path}: line ${index + 1} is not JSON`);
    }
  }
  return entries;
}
