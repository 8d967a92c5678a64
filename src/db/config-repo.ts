/**
 * Writes a resolved coaching config to the database in one transaction: the workspace, its
 * teams, members, memberships, targets and CRM sources, then re-links identities so events that
 * named a person before they were configured are credited to them without rewriting any event.
 *
 * Rows are compared before they are written, so applying the same config twice changes nothing
 * (same ids, no updatedAt churn) and the summary counts only real changes. Nothing is deleted
 * that events depend on: members and teams that leave the config are deactivated.
 */
import { stringify } from 'safe-stable-stringify';
import { settingsHash, type SourceChanges, type StoredSourceSettings } from '../config/apply-sources.js';
import { isoWeekday, type CoachingConfig, type PersonConfig, type TeamConfig } from '../config/coaching.js';
import type { SourceConfig, SyncConfig } from '../config/sources-rules.js';
import { teamSettingsOf } from '../config/team-settings.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Database } from './client.js';
import { syncRollupZones } from './rollups-write.js';

type Tx = Prisma.TransactionClient;

// ---------------------------------------------------------------------------------------------
// Summary

export interface ChangeCounts {
  added: number;
  updated: number;
  deactivated: number;
  unchanged: number;
}

export interface ApplySummary {
  workspace: { id: number; slackTeamId: string; created: boolean; updated: boolean };
  teams: ChangeCounts;
  members: ChangeCounts;
  memberships: { added: number; updated: number; removed: number };
  /** `total` in the config; `added`/`removed` rows (a changed target is one of each). */
  targets: { total: number; added: number; removed: number };
  /** Identities whose member changed: now naming a member (`linked`), or none (`unlinked`). */
  identities: { linked: number; unlinked: number };
  /** CRM sources (config `sources:`). */
  sources: SourceChanges;
  /** Whether `admins:` changed (it decides who is told when a source stops, not what reports say). */
  admins: { total: number; changed: boolean };
}

const counts = (): ChangeCounts => ({ added: 0, updated: 0, deactivated: 0, unchanged: 0 });

/** Config dates are plain `YYYY-MM-DD`; `@db.Date` columns take them as UTC midnight. */
const toDbDate = (d: string | undefined): Date | null => (d === undefined ? null : new Date(`${d}T00:00:00Z`));
const fromDbDate = (d: Date | null): string | null => (d === null ? null : d.toISOString().slice(0, 10));

/** Stable JSON, so arrays and settings objects compare by content and not by key order. */
const same = (a: unknown, b: unknown): boolean => stringify(a) === stringify(b);

// ---------------------------------------------------------------------------------------------
// Steps, each inside the caller's transaction

async function applyWorkspace(tx: Tx, ws: CoachingConfig['workspace']): Promise<ApplySummary['workspace']> {
  const data = {
    currency: ws.currency,
    timezone: ws.timezone,
    touchTypes: ws.touchTypes,
    staleAfterHours: ws.staleAfterHours,
    // The name may come from the Slack install; the config only overrides it when it gives one.
    ...(ws.name === null ? {} : { name: ws.name }),
  };
  const existing = await tx.workspace.findUnique({ where: { slackTeamId: ws.id } });
  if (!existing) {
    const created = await tx.workspace.create({ data: { slackTeamId: ws.id, ...data }, select: { id: true } });
    return { id: created.id, slackTeamId: ws.id, created: true, updated: false };
  }
  const changed =
    existing.currency !== data.currency ||
    existing.timezone !== data.timezone ||
    existing.staleAfterHours !== data.staleAfterHours ||
    !same(existing.touchTypes, data.touchTypes) ||
    (data.name !== undefined && existing.name !== data.name);
  if (changed) await tx.workspace.update({ where: { id: existing.id }, data });
  return { id: existing.id, slackTeamId: ws.id, created: false, updated: changed };
}

/** Upserts the config's teams by name, deactivates the others; returns team ids by name. */
async function applyTeams(tx: Tx, workspaceId: number, teams: TeamConfig[], tally: ChangeCounts): Promise<Map<string, number>> {
  const existing = new Map((await tx.team.findMany({ where: { workspaceId } })).map((t) => [t.name, t]));
  const ids = new Map<string, number>();
  for (const team of teams) {
    const data = {
      timezone: team.timezone,
      channel: team.channel,
      pipelineStages: team.pipelineStages,
      focus: team.focus,
      touchTypes: team.touchTypes,
      performanceMetric: team.performanceMetric,
      weekStartsOn: isoWeekday(team.weekStartsOn),
      settings: teamSettingsOf(team),
      active: true,
    };
    const row = existing.get(team.name);
    if (!row) {
      const created = await tx.team.create({ data: { workspaceId, name: team.name, ...data }, select: { id: true } });
      ids.set(team.name, created.id);
      tally.added += 1;
      continue;
    }
    ids.set(team.name, row.id);
    const stored = {
      timezone: row.timezone,
      channel: row.channel,
      pipelineStages: row.pipelineStages,
      focus: row.focus,
      touchTypes: row.touchTypes,
      performanceMetric: row.performanceMetric,
      weekStartsOn: row.weekStartsOn,
      settings: row.settings,
      active: row.active,
    };
    if (same(stored, data)) {
      tally.unchanged += 1;
    } else {
      await tx.team.update({ where: { id: row.id }, data });
      tally.updated += 1;
    }
  }
  const gone = [...existing.values()].filter((t) => t.active && !ids.has(t.name)).map((t) => t.id);
  if (gone.length > 0) await tx.team.updateMany({ where: { id: { in: gone } }, data: { active: false } });
  tally.deactivated += gone.length;
  return ids;
}

/** Upserts people by lower-cased email, deactivates the others; returns member ids by email. */
async function applyMembers(tx: Tx, workspaceId: number, people: PersonConfig[], tally: ChangeCounts): Promise<Map<string, number>> {
  const existing = new Map((await tx.member.findMany({ where: { workspaceId } })).map((m) => [m.email, m]));
  const ids = new Map<string, number>();
  for (const person of people) {
    const data = {
      name: person.name,
      slackUserId: person.slackUserId ?? null,
      crmOwnerId: person.crmOwnerId ?? null,
      startDate: toDbDate(person.startDate),
      timezone: person.timezone ?? null,
      active: true,
    };
    const row = existing.get(person.email);
    if (!row) {
      const created = await tx.member.create({ data: { workspaceId, email: person.email, ...data }, select: { id: true } });
      ids.set(person.email, created.id);
      tally.added += 1;
      continue;
    }
    ids.set(person.email, row.id);
    const unchanged =
      row.name === data.name &&
      row.slackUserId === data.slackUserId &&
      row.crmOwnerId === data.crmOwnerId &&
      fromDbDate(row.startDate) === (person.startDate ?? null) &&
      row.timezone === data.timezone &&
      row.active;
    if (unchanged) {
      tally.unchanged += 1;
    } else {
      await tx.member.update({ where: { id: row.id }, data });
      tally.updated += 1;
    }
  }
  // Never deleted: their identities, and through them their events, stay theirs.
  const gone = [...existing.values()].filter((m) => m.active && !ids.has(m.email)).map((m) => m.id);
  if (gone.length > 0) await tx.member.updateMany({ where: { id: { in: gone } }, data: { active: false } });
  tally.deactivated += gone.length;
  return ids;
}

/** Makes the workspace's memberships exactly the config's listings (role and own manager). */
async function applyMemberships(tx: Tx, workspaceId: number, teams: TeamConfig[], teamIds: Map<string, number>, memberIds: Map<string, number>): Promise<ApplySummary['memberships']> {
  const key = (teamId: number, memberId: number) => `${teamId}:${memberId}`;
  const wanted = new Map<string, { teamId: number; memberId: number; role: 'rep' | 'manager'; managerId: number | null }>();
  for (const team of teams) {
    const teamId = teamIds.get(team.name)!;
    for (const m of team.members) {
      const memberId = memberIds.get(m.email)!;
      const managerId = m.manager === undefined ? null : memberIds.get(m.manager)!;
      wanted.set(key(teamId, memberId), { teamId, memberId, role: m.role, managerId });
    }
  }
  const existing = await tx.teamMembership.findMany({ where: { team: { workspaceId } } });
  const result = { added: 0, updated: 0, removed: 0 };
  const stale = existing.filter((e) => !wanted.has(key(e.teamId, e.memberId))).map((e) => e.id);
  if (stale.length > 0) await tx.teamMembership.deleteMany({ where: { id: { in: stale } } });
  result.removed = stale.length;
  const byKey = new Map(existing.map((e) => [key(e.teamId, e.memberId), e]));
  for (const [k, w] of wanted) {
    const row = byKey.get(k);
    if (!row) {
      await tx.teamMembership.create({ data: w });
      result.added += 1;
    } else if (row.role !== w.role || row.managerId !== w.managerId) {
      await tx.teamMembership.update({ where: { id: row.id }, data: { role: w.role, managerId: w.managerId } });
      result.updated += 1;
    }
  }
  return result;
}

/** Replaces the workspace's targets with the config's, keeping rows that did not change. */
async function applyTargets(tx: Tx, workspaceId: number, teams: TeamConfig[], teamIds: Map<string, number>, memberIds: Map<string, number>): Promise<ApplySummary['targets']> {
  // Decimal(19,4): compare at the stored precision.
  const keyOf = (t: { teamId: number; memberId: number | null; metric: string; periodKind: string; start: string | null; end: string | null; value: string; ramped: boolean }) =>
    [t.teamId, t.memberId ?? '', t.metric, t.periodKind, t.start ?? '', t.end ?? '', t.value, t.ramped].join('|');
  const existing = await tx.target.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } });
  const unmatched = new Map<string, number[]>();
  for (const t of existing) {
    const k = keyOf({ ...t, start: fromDbDate(t.periodStart), end: fromDbDate(t.periodEnd), value: t.value.toFixed(4) });
    unmatched.set(k, [...(unmatched.get(k) ?? []), t.id]);
  }
  const result = { total: 0, added: 0, removed: 0 };
  for (const team of teams) {
    const teamId = teamIds.get(team.name)!;
    for (const t of team.targets) {
      result.total += 1;
      const custom = typeof t.period === 'string' ? null : t.period;
      const row = {
        teamId,
        memberId: t.member === undefined ? null : memberIds.get(t.member)!,
        metric: t.metric,
        periodKind: typeof t.period === 'string' ? t.period : ('custom' as const),
        ramped: t.ramped ?? false,
      };
      const k = keyOf({ ...row, start: custom?.start ?? null, end: custom?.end ?? null, value: t.value.toFixed(4) });
      const kept = unmatched.get(k);
      if (kept && kept.length > 0) {
        kept.shift();
        continue;
      }
      await tx.target.create({
        data: { workspaceId, ...row, periodStart: toDbDate(custom?.start), periodEnd: toDbDate(custom?.end), value: t.value },
      });
      result.added += 1;
    }
  }
  const stale = [...unmatched.values()].flat();
  if (stale.length > 0) await tx.target.deleteMany({ where: { id: { in: stale } } });
  result.removed = stale.length;
  return result;
}

/**
 * Points every identity of the workspace at the member it names (NULL when none). An active
 * member wins over a deactivated one with the same Slack or CRM id, as in ingestion.
 */
async function relinkIdentities(tx: Tx, workspaceId: number): Promise<ApplySummary['identities']> {
  const changed = await tx.$queryRawUnsafe<{ member_id: number | null }[]>(
    `WITH resolved AS (
       SELECT i.id,
         (SELECT m.id FROM member m
           WHERE m.workspace_id = i.workspace_id
             AND CASE i.kind WHEN 'email' THEN m.email = lower(i.value)
                             WHEN 'slack' THEN m.slack_user_id = i.value
                             ELSE m.crm_owner_id = i.value END
           ORDER BY m.active DESC, m.id LIMIT 1) AS member_id
       FROM identity i
       WHERE i.workspace_id = $1
     )
     UPDATE identity i SET member_id = r.member_id
     FROM resolved r
     WHERE i.id = r.id AND i.member_id IS DISTINCT FROM r.member_id
     RETURNING i.member_id`,
    workspaceId,
  );
  const linked = changed.filter((r) => r.member_id !== null).length;
  return { linked, unlinked: changed.length - linked };
}

/**
 * The config's `sources:` and `sync:` written to `crm_source`. A source whose event-shaping
 * settings changed (maps, `since`, the API it reads) loses its checkpoints, so its next sync reads
 * everything again under the new maps; one left out of the config is deactivated (its events and
 * history stay).
 */
async function applySources(tx: Tx, workspaceId: number, sources: readonly SourceConfig[], sync: SyncConfig): Promise<SourceChanges> {
  const changes: SourceChanges = { added: 0, updated: 0, deactivated: 0, reset: [] };
  const existing = new Map((await tx.crmSource.findMany({ where: { workspaceId } })).map((s) => [s.name, s]));
  for (const source of sources) {
    const settings: StoredSourceSettings = { source, since: sync.since };
    const data = {
      kind: source.kind,
      settings: settings as unknown as Prisma.InputJsonValue,
      settingsHash: settingsHash(source, sync),
      everyMinutes: sync.everyMinutes,
      active: true,
    };
    const row = existing.get(source.name);
    existing.delete(source.name);
    if (!row) {
      await tx.crmSource.create({ data: { workspaceId, name: source.name, ...data } });
      changes.added += 1;
      continue;
    }
    const same = row.kind === data.kind && row.settingsHash === data.settingsHash && row.everyMinutes === data.everyMinutes && row.active && stringify(row.settings) === stringify(settings);
    if (same) continue;
    if (row.settingsHash !== data.settingsHash || row.kind !== data.kind) {
      await tx.crmCheckpoint.deleteMany({ where: { sourceId: row.id } });
      changes.reset.push(source.name);
    }
    await tx.crmSource.update({ where: { id: row.id }, data });
    changes.updated += 1;
  }
  for (const gone of existing.values()) {
    if (!gone.active) continue;
    await tx.crmSource.update({ where: { id: gone.id }, data: { active: false } });
    changes.deactivated += 1;
  }
  return changes;
}

function configChanged(s: ApplySummary): boolean {
  const changes = [
    ...[s.teams, s.members].flatMap((c) => [c.added, c.updated, c.deactivated]),
    s.memberships.added,
    s.memberships.updated,
    s.memberships.removed,
    s.targets.added,
    s.targets.removed,
    s.identities.linked,
    s.identities.unlinked,
  ];
  return s.workspace.created || s.workspace.updated || changes.some((n) => n > 0);
}

async function applyAdmins(tx: Tx, workspaceId: number, admins: readonly string[]): Promise<ApplySummary['admins']> {
  const { count } = await tx.workspace.updateMany({ where: { id: workspaceId, NOT: { admins: { equals: [...admins] } } }, data: { admins: [...admins] } });
  return { total: admins.length, changed: count > 0 };
}

/** Applies one workspace's config, all or nothing. */
export async function storeConfig(db: Database, config: CoachingConfig): Promise<ApplySummary> {
  const summary = await storeConfigRows(db, config);
  // Week counts follow the teams' zones and the reps' identities (src/db/rollups-write.ts). A report
  // read before this commits finds the same identities out of zone and rebuilds them itself.
  await db.transactionScript((tx) => syncRollupZones(tx, summary.workspace.id), { longRunning: true });
  return summary;
}

async function storeConfigRows(db: Database, config: CoachingConfig): Promise<ApplySummary> {
  return db.prisma.$transaction(
    async (tx) => {
      const workspace = await applyWorkspace(tx, config.workspace);
      const teams = counts();
      const members = counts();
      const teamIds = await applyTeams(tx, workspace.id, config.teams, teams);
      const memberIds = await applyMembers(tx, workspace.id, config.members, members);
      const memberships = await applyMemberships(tx, workspace.id, config.teams, teamIds, memberIds);
      const targets = await applyTargets(tx, workspace.id, config.teams, teamIds, memberIds);
      const identities = await relinkIdentities(tx, workspace.id);
      const sources = await applySources(tx, workspace.id, config.sources, config.sync);
      const admins = await applyAdmins(tx, workspace.id, config.admins);
      const summary = { workspace, teams, members, memberships, targets, identities, sources, admins };
      // Reports cached before a change of teams, members, targets or settings are stale.
      if (configChanged(summary)) await tx.workspace.update({ where: { id: workspace.id }, data: { dataVersion: { increment: 1 } } });
      return summary;
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
}
