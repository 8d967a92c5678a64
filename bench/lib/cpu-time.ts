import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  /** utime + stime, and the same for waited-for children, in seconds. */
  own: number;
  children: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at field 3.
    const f = text
      .slice(text.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const [ppid, utime, stime, cutime, cstime] = [f[1]!, f[11]!, f[12]!, f[13]!, f[14]!];
    return { ppid, own: (utime + stime) / CLOCK_TICKS_PER_SECOND, children: (cutime + cstime) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** CPU seconds a process has used (all its threads). */
export function processCpuSeconds(pid: number): number {
  return readStat(pid)?.own ?? 0;
}

/**
 * CPU seconds used by a process and its live children, plus the children that already exited
 * (the parent's cutime): for PostgreSQL, the postmaster and all its backends.
 */
export function treeCpuSeconds(rootPid: number): number {
  const root = readStat(rootPid);
  if (!root) return 0;
  let total = root.own + root.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s && s.ppid === rootPid) total += s.own;
  }
  return total;
}
