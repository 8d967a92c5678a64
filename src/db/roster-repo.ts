import { readTeamSettings } from '../config/team-settings.js';
import type { Schedule } from '../config/coaching-schema.js';
import { isoToDay, type WeekSettings } from '../metrics/windows.js';
import type { Database } from './client.js';

/** A person who receives scheduled messages, with what decides when and whether. */
export interface Recipient {
  memberId: number;
  workspaceId: number;
  email: string;
  name: string;
  slackUserId: string | null;
  /** Config's zone, else the Slack profile's, else the team's. */
  timezone: string;
  /** App Home settings (null: the config's). */
  nudgesEnabled: boolean | null;
  digestEnabled: boolean | null;
  sendTime: string | null;
}

export interface RosterTeam {
  id: number;
  name: string;
  week: WeekSettings;
  channel: string | null;
  schedule: Schedule;
  reps: Recipient[];
  managers: Recipient[];
}

/** The active teams of a workspace with their reps and managers, as the scheduler needs them. */
export async function loadRoster(db: Database, workspaceId: number): Promise<RosterTeam[]> {
  const [teams, slackUsers] = await Promise.all([
    db.prisma.team.findMany({
      where: { workspaceId, active: true },
      include: { memberships: { where: { member: { active: true } }, include: { member: { include: { preference: true } } } } },
      orderBy: { name: 'asc' },
    }),
    db.prisma.slackUser.findMany({ where: { workspaceId, memberId: { not: null } }, select: { memberId: true, timezone: true } }),
  ]);
  const profileZone = new Map(slackUsers.filter((u) => u.timezone).map((u) => [u.memberId, u.timezone]));
  return teams.map((team) => {
    const recipient = (m: (typeof team.memberships)[number]): Recipient => ({
      memberId: m.member.id,
      workspaceId,
      email: m.member.email,
      name: m.member.name,
      slackUserId: m.member.slackUserId,
      timezone: m.member.timezone ?? profileZone.get(m.member.id) ?? team.timezone,
      nudgesEnabled: m.member.preference?.nudgesEnabled ?? null,
      digestEnabled: m.member.preference?.digestEnabled ?? null,
      sendTime: m.member.preference?.sendTime ?? null,
    });
    return {
      id: team.id,
      name: team.name,
      week: { timezone: team.timezone, weekStartsOn: isoToDay(team.weekStartsOn) },
      channel: team.channel,
      schedule: readTeamSettings(team.settings).schedule,
      reps: team.memberships.filter((m) => m.role === 'rep').map(recipient),
      managers: team.memberships.filter((m) => m.role === 'manager').map(recipient),
    };
  });
}
