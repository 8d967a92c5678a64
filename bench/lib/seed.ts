import { createApiKey, findOrCreateWorkspace } from '../../src/db/api-keys.js';
import type { Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { BENCH_MEMBERS, BENCH_SLACK_TEAM_ID, BENCH_TEAM } from './generate.js';

export interface SeededWorkspace {
  workspaceId: number;
  slackTeamId: string;
  /** An ingest key, when one was asked for. */
  ingestKey: string | undefined;
}

/**
 * Migrates the database and writes what a config would: the workspace, the team with its
 * pipeline and its 20 members (their email identities are created by the first batch, as in
 * production). Optionally creates an ingest key.
 */
export async function seedWorkspace(db: Database, options: { ingestKey: boolean }): Promise<SeededWorkspace> {
  await migrate(db);
  const ws = await findOrCreateWorkspace(db, BENCH_SLACK_TEAM_ID);
  const team = await db.prisma.team.create({
    data: {
      workspaceId: ws.id,
      name: BENCH_TEAM.name,
      timezone: BENCH_TEAM.timezone,
      pipelineStages: BENCH_TEAM.pipelineStages,
      focus: ['cadence.call', 'cadence.meeting', 'speed_to_lead_hours', 'stage_conversion.demo'],
    },
    select: { id: true },
  });
  let managerId: number | null = null;
  for (const m of BENCH_MEMBERS) {
    const member = await db.prisma.member.create({ data: { workspaceId: ws.id, email: m.email, name: m.name }, select: { id: true } });
    if (m.role === 'manager') managerId = member.id;
    await db.prisma.teamMembership.create({
      data: { teamId: team.id, memberId: member.id, role: m.role, managerId: m.role === 'rep' ? managerId : null },
    });
  }
  const key = options.ingestKey ? (await createApiKey(db, ws.id, 'ingest')).key : undefined;
  return { workspaceId: ws.id, slackTeamId: BENCH_SLACK_TEAM_ID, ingestKey: key };
}
