import { readTeamSettings } from '../../src/config/apply.js';
import { CORE_TOUCH_TYPES } from '../../src/ingest/event-types.js';
import type { MetricEvent } from '../../src/metrics/types.js';
import { computeTeamReport, type TeamInput } from '../../src/reports/compute.js';
import type { TeamReport } from '../../src/reports/types.js';
import { repEvents } from '../../src/seed/events.js';
import type { buildOrg } from '../../src/seed/org.js';
import type { SeedTeam } from '../../src/seed/types.js';

export interface SeededReportOptions {
  /** Only the first N reps of the team. */
  reps?: number;
  focus?: string[];
  name?: string;
  currency?: string;
  /** Display names by rep index (e.g. to test escaping). */
  names?: Record<number, string>;
}

/**
 * A real team report, computed in memory from the seed generator's events for one team (rep ids
 * 1…n in the team's order, a quarterly booked-revenue target for the team and each rep): what
 * renderer and chart tests render, without a database.
 */
export function seededTeamReport(org: ReturnType<typeof buildOrg>, team: SeedTeam, asOf: Date, o: SeededReportOptions = {}): TeamReport {
  const reps = team.reps.slice(0, o.reps ?? team.reps.length);
  const input: TeamInput = {
    name: o.name ?? team.name,
    timezone: team.timezone,
    weekStartsOn: 1,
    pipelineStages: team.pipelineStages,
    focus: o.focus ?? team.focus,
    touchTypes: new Set(CORE_TOUCH_TYPES),
    performanceMetric: 'booked_revenue',
    settings: readTeamSettings({}),
    currency: o.currency ?? 'USD',
    reps: reps.map((r, i) => ({ id: i + 1, email: r.email, name: o.names?.[i] ?? r.name, startDate: r.startDate })),
    targets: [
      { memberId: null, metric: 'booked_revenue', period: { kind: 'quarter' }, value: team.target, ramped: false },
      ...reps.flatMap((r, i) => (r.target === null ? [] : [{ memberId: i + 1, metric: 'booked_revenue', period: { kind: 'quarter' as const }, value: r.target, ramped: false }])),
    ],
  };
  const events: MetricEvent[] = reps.flatMap((r, i) =>
    repEvents(org, team, r).map((e) => ({
      id: e.id,
      repId: i + 1,
      type: e.type,
      at: Date.parse(e.occurredAt),
      leadId: e.leadId ?? null,
      dealId: e.dealId ?? null,
      amount: e.amount ?? null,
      stage: e.stage ?? null,
      leadSource: e.leadSource ?? null,
    })),
  );
  return computeTeamReport(input, events, asOf);
}
