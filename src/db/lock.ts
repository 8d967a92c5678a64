import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseLockedError } from '../errors.js';
import { pidExists, processStart } from './process-start.js';

/** Who holds the lock: a pid and that process's start time (undefined where it cannot be read). */
interface LockOwner {
  pid: number;
  start?: string;
}

const LOCK_FILE = 'pacer.lock';
/** Rounds of trying, and the wait while another process clears a dead owner's lock (about 2 s in all). */
const TAKEOVER_ROUNDS = 100;
const TAKEOVER_WAIT_MS = 20;

function isCode(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || !('pid' in value) || !Number.isSafeInteger(value.pid)) return undefined;
    const start = 'start' in value && typeof value.start === 'string' ? value.start : undefined;
    return { pid: Number(value.pid), ...(start === undefined ? {} : { start }) };
  } catch {
    return undefined;
  }
}

/** The lock file's text, or undefined when there is none. */
async function readLock(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (isCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** A live owner is one whose pid exists and, where start times can be read, started when the lock says. */
async function isAlive(owner: LockOwner): Promise<boolean> {
  if (!pidExists(owner.pid)) return false;
  if (owner.start === undefined) return true;
  const start = await processStart(owner.pid);
  return start === undefined || start === owner.start;
}

/** Creates the lock with its content in one step (link fails if it exists), so no one reads it half-written. */
async function create(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, text);
  try {
    await link(temp, file);
    return true;
  } catch (err) {
    if (isCode(err, 'EEXIST')) return false;
    throw err;
  } finally {
    await unlink(temp);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Removes the lock if it still holds `staleText`, under a takeover lock of its own: only its
 * holder removes a lock it did not make, so no one can remove a lock that another starting
 * process made meanwhile (putting back a lock renamed away could not be done atomically: two
 * processes ended up holding the directory). Returns false when another process is taking over.
 */
async function removeStale(file: string, staleText: string, mine: string): Promise<boolean> {
  const takeover = `${file}.takeover`;
  if (!(await create(takeover, mine))) {
    // A process that died while taking over leaves its takeover lock: cleared the same way.
    const text = await readLock(takeover);
    const owner = text === undefined ? undefined : parseOwner(text);
    if (text !== undefined && !(owner && (await isAlive(owner))) && (await readLock(takeover)) === text) await unlink(takeover).catch(() => undefined);
    return false;
  }
  try {
    if ((await readLock(file)) === staleText) await unlink(file);
  } finally {
    await unlink(takeover);
  }
  return true;
}

/**
 * Holds the embedded database directory for this process. PGlite corrupts a directory opened by
 * two processes, so a second one must stop with a clear message instead. The lock file names its
 * owner by pid and start time: a lock left by a process that is gone (killed, or its pid now used
 * by another process) is taken over at once. Returns the function that releases it.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const start = await processStart(process.pid);
  const mine = JSON.stringify({ pid: process.pid, ...(start === undefined ? {} : { start }) });
  // Each round either takes the lock, finds a live owner, or clears a dead one's (waiting while
  // another starting process clears it).
  for (let round = 0; round < TAKEOVER_ROUNDS; round += 1) {
    if (await create(file, mine)) {
      return async () => {
        if ((await readLock(file)) === mine) await unlink(file);
      };
    }
    const text = await readLock(file);
    if (text === undefined) continue;
    const owner = parseOwner(text);
    if (owner && (await isAlive(owner))) throw new DatabaseLockedError(dir, owner.pid);
    if (!(await removeStale(file, text, mine))) await sleep(TAKEOVER_WAIT_MS);
  }
  throw new DatabaseLockedError(dir, undefined);
}
