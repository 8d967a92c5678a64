import type { DeliveryIntent } from '../db/delivery-ledger.js';
import type { Recipient, RosterTeam } from '../db/roster-repo.js';
import { firstLocalTimeAtOrAfter, lastWeekEnd, lastWeekKey } from './due.js';

export type WeeklyKind = 'rep_nudge' | 'manager_digest' | 'team_recap';

/** One weekly message of a team: its ledger intent and whom it goes to. */
export interface PlannedMessage {
  intent: DeliveryIntent;
  kind: WeeklyKind;
  weekKey: string;
  to: { kind: 'member'; recipient: Recipient } | { kind: 'channel'; channel: string };
}

/**
 * The weekly messages of a team that are due at `now`: each at the recipient's first local send
 * time at or after the end of the team's last complete week (App Home settings win over the
 * config). `immediately` (run-job) makes every one of them due now.
 */
export function planWeekly(team: RosterTeam, workspace: { id: number; slackTeamId: string }, now: Date, kinds: ReadonlySet<WeeklyKind>, options: { immediately?: boolean } = {}): PlannedMessage[] {
  const end = lastWeekEnd(now, team.week);
  const weekKey = lastWeekKey(now, team.week);
  const planned: PlannedMessage[] = [];
  const add = (kind: WeeklyKind, recipientKey: string, dueAt: Date, to: PlannedMessage['to']) => {
    if (!options.immediately && dueAt.getTime() > now.getTime()) return;
    planned.push({
      kind,
      weekKey,
      to,
      intent: {
        workspaceId: workspace.id,
        key: `${kind}:${workspace.slackTeamId}:${recipientKey}:${weekKey}`,
        kind,
        recipient: to.kind === 'member' ? String(to.recipient.memberId) : to.channel,
        dueAt: options.immediately ? now : dueAt,
      },
    });
  };
  if (kinds.has('rep_nudge')) {
    for (const rep of team.reps) {
      if (rep.nudgesEnabled === false) continue;
      add('rep_nudge', String(rep.memberId), firstLocalTimeAtOrAfter(end, rep.sendTime ?? team.schedule.nudge, rep.timezone), { kind: 'member', recipient: rep });
    }
  }
  if (kinds.has('manager_digest')) {
    for (const manager of team.managers) {
      if (manager.digestEnabled === false) continue;
      add('manager_digest', `${team.id}:${manager.memberId}`, firstLocalTimeAtOrAfter(end, manager.sendTime ?? team.schedule.digest, manager.timezone), { kind: 'member', recipient: manager });
    }
  }
  if (kinds.has('team_recap') && team.channel) {
    add('team_recap', String(team.id), firstLocalTimeAtOrAfter(end, team.schedule.recap, team.week.timezone), { kind: 'channel', channel: team.channel });
  }
  return planned;
}
