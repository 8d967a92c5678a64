import type { AlertJson } from '../reports/types.js';
import type { Database } from './client.js';

export interface AlertStateRow {
  memberId: number;
  alertKey: string;
  status: 'open' | 'snoozed' | 'dismissed' | 'done';
  snoozedUntil: Date | null;
  snoozeCount: number;
}

/** What reps did with their alerts, keyed `${memberId}|${alertKey}`. */
export async function alertStates(db: Database, workspaceId: number, memberIds: readonly number[]): Promise<Map<string, AlertStateRow>> {
  const rows = await db.prisma.alertState.findMany({ where: { workspaceId, memberId: { in: [...memberIds] } } });
  return new Map(rows.map((r) => [`${r.memberId}|${r.alertKey}`, { memberId: r.memberId, alertKey: r.alertKey, status: r.status, snoozedUntil: r.snoozedUntil, snoozeCount: r.snoozeCount }]));
}

/** Whether an alert still needs the rep: not dismissed, not done, not snoozed right now. */
export function alertIsOpen(state: AlertStateRow | undefined, now: Date): boolean {
  if (!state) return true;
  if (state.status === 'dismissed' || state.status === 'done') return false;
  return !(state.status === 'snoozed' && state.snoozedUntil && state.snoozedUntil.getTime() > now.getTime());
}

/** Each rep's alerts of a report still open now (alertIsOpen), by email: what a manager's surfaces list. */
export async function openAlertsByRep(
  db: Database,
  workspaceId: number,
  report: { members: readonly { rep: { email: string }; alerts: readonly AlertJson[] }[] },
  now: Date,
): Promise<Record<string, AlertJson[]>> {
  const members = await db.prisma.member.findMany({ where: { workspaceId, email: { in: report.members.map((m) => m.rep.email) } }, select: { id: true, email: true } });
  const idOf = new Map(members.map((m) => [m.email, m.id]));
  const states = await alertStates(
    db,
    workspaceId,
    members.map((m) => m.id),
  );
  return Object.fromEntries(report.members.map((m) => [m.rep.email, m.alerts.filter((a) => alertIsOpen(states.get(`${idOf.get(m.rep.email)}|${a.key}`), now))]));
}
