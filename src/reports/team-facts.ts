import type { Database } from '../db/client.js';
import { NOBODY } from '../metrics/types.js';
import { loadTeamRollups, type RawEventRecord, type TeamRollupQuery, type TeamRollups } from '../db/rollups-read.js';
import type { MetricEvent } from '../metrics/types.js';
import { rollupZone } from '../metrics/week-index.js';
import { targetPeriod, weekContaining } from '../metrics/windows.js';
import { eventsFrom, firstCountedWeek, type TeamFacts, type TeamInput } from './compute.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * How far back each rollup matters to a team report as of `asOf` (docs/rollups.md). Week counts:
 * every complete week a count window covers; the open week is read raw. Leads: those active since
 * the earliest window or an untouched-lead deadline could fall. Deals: those active since a stage
 * decision (an event, or entry + stageTimeoutDays), a close, or a stall could fall in a window.
 * Follow-ups: meetings whose deadline falls in the alert lookback.
 */
export function teamRollupQuery(team: TeamInput, asOf: Date): TeamRollupQuery {
  const t = team.settings.thresholds;
  const at = asOf.getTime();
  const lookback = team.settings.alertLookbackDays * DAY;
  const from = eventsFrom(team, asOf).getTime();
  const quarter = targetPeriod({ kind: 'quarter' }, asOf, team.timezone).start.getTime();
  const isoWeekStartsOn = team.weekStartsOn === 0 ? 7 : team.weekStartsOn;
  return {
    memberIds: team.reps.map((r) => r.id),
    zone: rollupZone(team.timezone, isoWeekStartsOn),
    weeksFrom: firstCountedWeek(team, asOf),
    cut: weekContaining(asOf, { timezone: team.timezone, weekStartsOn: team.weekStartsOn }).start,
    asOf,
    leadsFrom: new Date(Math.min(from, at - lookback - t.slaHours * HOUR)),
    dealsFrom: new Date(Math.min(from - t.stageTimeoutDays * DAY, at - lookback - t.stalledDays * DAY, quarter)),
    followUpFrom: new Date(at - lookback - t.followUpHours * HOUR),
  };
}

/**
 * The metrics engine's facts from what the rollups hold. Identities outside the team count as
 * nobody: every figure is per team rep, so another team's rep and nobody read the same.
 */
export function factsFromRollups(r: TeamRollups): TeamFacts {
  const members = new Map(r.identities.map((i) => [i.id, i.memberId]));
  const repOf = (identity: number) => members.get(identity) ?? NOBODY;
  const raw = (e: RawEventRecord): MetricEvent => ({
    id: e.id,
    repId: repOf(e.identity),
    type: e.type,
    at: e.at,
    leadId: e.lead,
    dealId: e.deal,
    amount: e.amount,
    stage: e.stage,
    leadSource: e.source,
  });
  const counted: MetricEvent[] = r.weeks.map((w) => ({
    id: `week:${w.identity}:${w.type}:${w.weekStart}`,
    repId: repOf(w.identity),
    type: w.type,
    at: w.weekStart,
    leadId: null,
    dealId: null,
    amount: w.amount,
    stage: null,
    leadSource: null,
    count: w.n,
  }));
  for (const e of r.openWeek) counted.push(raw(e));
  const leadEvents: MetricEvent[] = r.leads.flatMap((l) =>
    l.events.map(([id, type, at, identity, source]) => ({ id, repId: repOf(identity), type, at, leadId: l.lead, dealId: null, amount: null, stage: null, leadSource: source })),
  );
  const dealEvents: MetricEvent[] = r.deals.flatMap((d) => [
    ...d.events.map(([id, type, at, identity, amount, stage]) => ({ id, repId: repOf(identity), type, at, leadId: null, dealId: d.deal, amount, stage, leadSource: null })),
    ...Object.entries(d.touches).map(([type, [n, last]]) => ({
      id: `touches:${d.deal}:${type}`,
      repId: NOBODY,
      type,
      at: last,
      leadId: null,
      dealId: d.deal,
      amount: null,
      stage: null,
      leadSource: null,
      count: n,
    })),
  ]);
  for (const e of r.dealsRaw) dealEvents.push(raw(e));
  return { counted, dealEvents, leadEvents, followUpEvents: r.followUps.map(raw) };
}

/** A team report's facts as of `asOf`, read from the rollups. */
export async function loadTeamFacts(db: Database, workspaceId: number, team: TeamInput, asOf: Date): Promise<TeamFacts> {
  return factsFromRollups(await loadTeamRollups(db, workspaceId, teamRollupQuery(team, asOf)));
}
