import { mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { DatabaseLockedError } from '../errors.js';

/**
 * Holds the embedded database directory for this process. PGlite corrupts a directory opened
 * by two processes, so a second one must stop with a clear message instead. The lock is a
 * directory refreshed every few seconds; one left by a killed process goes stale and is taken over.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  try {
    return await lockfile.lock(dir, {
      lockfilePath: `${dir}/pglite.lock`,
      stale: 15_000,
      update: 5_000,
      realpath: false,
      onCompromised: (err) => {
        // Another process took the lock over (ours went stale): stop rather than corrupt the data.
        throw new DatabaseLockedError(dir, { cause: err });
      },
    });
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ELOCKED') throw new DatabaseLockedError(dir, { cause: err });
    throw err;
  }
}
