import { applyConfig } from '../../src/config/apply.js';
import { parseCoachingConfig } from '../../src/config/coaching.js';
import type { Database } from '../../src/db/client.js';
import { ingestEvents } from '../../src/ingest/ingest-events.js';

/**
 * A small, hand-checkable team (America/Chicago, weeks from Monday). As of Monday 2026-11-23
 * 09:00 local the 4 complete weeks start Oct 26, Nov 2, Nov 9 and Nov 16.
 * - anna: 10 calls a week, wins A1 for 10,000 (top performer);
 * - ben: 5 calls a week, wins B1 for 4,000;
 * - cara: 2 calls a week, loses C1;
 * - dev: started Nov 9 (still ramping: not in the cohort), 3 calls a week.
 */
export const SCENARIO_AS_OF = new Date('2026-11-23T15:00:00Z');
export const WEEK_STARTS = ['2026-10-26T05:00:00Z', '2026-11-02T06:00:00Z', '2026-11-09T06:00:00Z', '2026-11-16T06:00:00Z'].map((s) => Date.parse(s));

export function scenarioConfig(workspaceId: string) {
  return {
    workspace: { id: workspaceId, currency: 'USD' },
    teams: [
      {
        name: 'Central',
        timezone: 'America/Chicago',
        pipelineStages: ['discovery', 'demo', 'proposal'],
        focus: ['cadence.call', 'cadence.meeting', 'speed_to_lead_hours', 'stage_conversion.demo'],
        thresholds: { cadenceWeeks: 4, baselineWeeks: 4, rampWeeks: 2, minCohort: 3, topFraction: 0.25 },
        members: [
          { email: 'mgr@example.com', name: 'Mo Manager', role: 'manager' },
          { email: 'anna@example.com', name: 'Anna', startDate: '2025-01-06' },
          { email: 'ben@example.com', name: 'Ben' },
          { email: 'cara@example.com', name: 'Cara' },
          { email: 'dev@example.com', name: 'Dev', startDate: '2026-11-09' },
        ],
        targets: [
          { metric: 'booked_revenue', period: 'quarter', value: 60000 },
          { metric: 'booked_revenue', period: 'quarter', value: 20000, member: 'anna@example.com' },
        ],
      },
    ],
  };
}

export function scenarioEvents(): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  const calls = (rep: string, perWeek: number, weeks: number[]) => {
    for (const w of weeks)
      for (let i = 0; i < perWeek; i += 1)
        events.push({ id: `${rep}-call-${w}-${i}`, type: 'call', occurredAt: iso(WEEK_STARTS[w]! + (i + 1) * 3_600_000 + 14 * 3_600_000), repEmail: `${rep}@example.com` });
  };
  calls('anna', 10, [0, 1, 2, 3]);
  calls('ben', 5, [0, 1, 2, 3]);
  calls('cara', 2, [0, 1, 2, 3]);
  calls('dev', 3, [2, 3]);
  const day = 86_400_000;
  const deal = (rep: string, id: string, amount: number, week: number, outcome: 'won' | 'lost') => {
    events.push({ id: `${id}-open`, type: 'opportunity_created', occurredAt: iso(WEEK_STARTS[week]! + day), repEmail: `${rep}@example.com`, dealId: id, amount });
    events.push({ id: `${id}-demo`, type: 'stage_changed', occurredAt: iso(WEEK_STARTS[week]! + 2 * day), repEmail: `${rep}@example.com`, dealId: id, stage: 'demo' });
    events.push({
      id: `${id}-close`,
      type: outcome === 'won' ? 'deal_won' : 'deal_lost',
      occurredAt: iso(WEEK_STARTS[week]! + 4 * day),
      repEmail: `${rep}@example.com`,
      dealId: id,
      ...(outcome === 'won' ? { amount } : {}),
    });
  };
  deal('anna', 'A1', 10000, 1, 'won');
  deal('ben', 'B1', 4000, 2, 'won');
  deal('cara', 'C1', 3000, 2, 'lost');
  // Anna gets a lead and touches it after 2 hours.
  events.push({ id: 'anna-lead', type: 'lead_assigned', occurredAt: iso(WEEK_STARTS[3]! + day), repEmail: 'anna@example.com', leadId: 'L1', leadSource: 'inbound' });
  events.push({ id: 'anna-lead-touch', type: 'email', occurredAt: iso(WEEK_STARTS[3]! + day + 2 * 3_600_000), repEmail: 'anna@example.com', leadId: 'L1' });
  // This week so far (Monday morning): Ben made 1 call.
  events.push({ id: 'ben-wtd', type: 'call', occurredAt: '2026-11-23T14:30:00Z', repEmail: 'ben@example.com' });
  return events;
}

/** Applies the scenario's config and ingests its events; returns the workspace row id. */
export async function loadScenario(db: Database, slackTeamId: string): Promise<number> {
  const parsed = parseCoachingConfig(scenarioConfig(slackTeamId));
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const summary = await applyConfig(db, parsed.config);
  const outcome = await ingestEvents(db, summary.workspace.id, scenarioEvents(), { receivedAt: SCENARIO_AS_OF });
  if (outcome.rejected.length > 0) throw new Error(JSON.stringify(outcome.rejected));
  return summary.workspace.id;
}
