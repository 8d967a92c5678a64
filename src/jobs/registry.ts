import type { JobContext, JobSummary } from './context.js';
import type { WeeklyKind } from './plan.js';

/** The jobs `pacer run-job` names (docs/interfaces.md), each with what it runs. */
export const JOBS = {
  'rep-nudges': { description: 'weekly nudge to each rep', kinds: ['rep_nudge'] },
  'manager-digests': { description: 'weekly coaching digest to each manager', kinds: ['manager_digest'] },
  'team-recaps': { description: 'weekly leading-vs-lagging recap in each team channel', kinds: ['team_recap'] },
  'alert-scan': { description: 'behaviour alerts to reps (untouched leads, stalled deals, missed follow-ups, activity drops)', kinds: [] },
} as const satisfies Record<string, { description: string; kinds: readonly WeeklyKind[] }>;

export type JobName = keyof typeof JOBS;

export const isJobName = (name: string): name is JobName => Object.hasOwn(JOBS, name);

/**
 * Runs a job now, as run-job does: every weekly message of the last complete week is due at
 * once (not at each recipient's local time), alerts ignore working hours; the ledger still makes
 * each message go out once.
 */
export async function runJobNow(ctx: JobContext, name: JobName, now: Date): Promise<JobSummary> {
  // Imported here: `pacer --help` lists the jobs from this module without loading what they run.
  if (name === 'alert-scan') return (await import('./alert-scan.js')).runAlertScan(ctx, { now, ignoreWorkingHours: true });
  return (await import('./weekly.js')).runWeekly(ctx, new Set(JOBS[name].kinds), { now, immediately: true });
}
