import { readTeamSettings } from '../config/team-settings.js';
import type { Schedule } from '../config/coaching-schema.js';
import type { Database } from './client.js';

/** The config's send times of a team (team-local HH:mm). */
export async function teamSchedule(db: Database, workspaceId: number, teamName: string): Promise<Schedule | null> {
  const team = await db.prisma.team.findUnique({ where: { workspaceId_name: { workspaceId, name: teamName } }, select: { settings: true } });
  return team ? readTeamSettings(team.settings).schedule : null;
}
