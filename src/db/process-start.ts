import { readFile } from 'node:fs/promises';

/**
 * The start time of a process as the kernel counts it (field 22 of /proc/<pid>/stat, clock ticks
 * since boot). With its pid it names one process for good: a pid reused later has another start.
 * The command name (field 2) is in parentheses and may itself hold spaces and parentheses, so the
 * fields are counted from the last ")".
 */
export function parseProcStatStart(stat: string): string | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

/** The start time of `pid`, or undefined where /proc is not available (macOS, Windows) or the process is gone. */
export async function processStart(pid: number): Promise<string | undefined> {
  try {
    return parseProcStatStart(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (also when it belongs to another user). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
}
