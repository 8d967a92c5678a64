import type { Database } from '../db/client.js';
import { keepTeamPaces, readTeamPaces, type KeptTeamPaces } from '../db/team-paces-repo.js';
import type { WeekSettings } from '../metrics/windows.js';
import { teamReport } from '../reports/build-report.js';
import type { TeamReport } from '../reports/types.js';
import { lastWeekEnd } from './due.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** What "who improved" needs of a report: each rep's leading paces, kept for next week. */
export function pacesOf(report: TeamReport): KeptTeamPaces {
  return { asOf: new Date(report.asOf), reps: report.members.map((m) => ({ email: m.rep.email, leading: m.leading.map(({ key, pace, n }) => ({ key, pace, n })) })) };
}

/** The end of the complete week before the team's last one as of `now`: where the paces "who improved" compares with are kept. */
export function weekBeforeEnd(now: Date, week: WeekSettings): Date {
  return lastWeekEnd(new Date(lastWeekEnd(now, week).getTime() - 1), week);
}

/**
 * The team's paces a week before `now`, as "who improved" compares them: the ones kept for the
 * week before its last (by last week's run), or, none kept (a first run, a new team), those of a
 * report as of a week earlier (`computed`), kept unless `keep` is false (a dry run writes nothing).
 */
export async function pacesAWeekEarlier(
  db: Database,
  workspaceId: number,
  team: { id: number; name: string; week: WeekSettings },
  now: Date,
  keep: boolean,
): Promise<{ paces: KeptTeamPaces; computed: boolean }> {
  const end = weekBeforeEnd(now, team.week);
  const kept = await readTeamPaces(db, team.id, end);
  if (kept) return { paces: kept, computed: false };
  // Without links: paces do not depend on them, and last week's links cost every team's permutation tests again.
  const paces = pacesOf(await teamReport(db, workspaceId, team.name, new Date(now.getTime() - WEEK_MS), now, { links: false }));
  if (keep) await keepTeamPaces(db, team.id, end, paces);
  return { paces, computed: true };
}
