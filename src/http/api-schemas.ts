/**
 * The shapes the HTTP API answers with, as zod schemas, for its OpenAPI document (openapi.ts).
 * The routes build their answers from the TypeScript types these are checked against
 * (`satisfies`); tests/e2e/openapi.test.ts validates real answers against the published schemas.
 */
import { z } from 'zod';
import { PERFORMANCE_METRICS } from '../config/coaching-schema.js';
import type { IngestOutcome } from '../ingest/ingest-events.js';
import { ALERT_RULES } from '../metrics/rules.js';
import type { RepReport, TeamReport } from '../reports/types.js';
import type { ApiErrorBody } from './errors.js';
import type { Readiness } from './readiness.js';

const num = z.number().nullable();
/** An ISO 8601 instant with the team's offset, no milliseconds. */
const instant = z.string().meta({ description: 'ISO 8601 instant with the team’s UTC offset, without milliseconds.' });

export const ApiErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ description: 'Every error: branch on `code`, show `message`.' }) satisfies z.ZodType<ApiErrorBody>;

export const IngestOutcomeSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    unmatched: z.number().int().meta({ description: 'Accepted events naming someone not in the coaching config (stored, credited once added).' }),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        id: z.string().nullable(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  })
  .meta({ description: 'accepted + duplicates + rejected.length = the batch length.' }) satisfies z.ZodType<IngestOutcome>;

const PACE_STATUSES = ['on_pace', 'behind', 'far_behind', 'no_baseline', 'no_data', 'too_few'] as const;
const paceStatus = z.enum(PACE_STATUSES);

export const DataHealthSchema = z.object({
  lastReceivedAt: instant.nullable(),
  lastOccurredAt: instant.nullable(),
  stale: z.boolean().nullable().meta({ description: 'Null for a report more than staleAfterHours in the past.' }),
  reason: z.enum(['no_events', 'zero_activity', 'source_error']).nullable(),
  sources: z.array(z.object({ name: z.string(), lastSuccessAt: instant.nullable(), error: z.string().nullable() })),
});

export const HealthSchema = z.object({ status: z.literal('ok') });

/** /readyz: 200 when ready, 503 otherwise (the cause of an unreachable database is logged, not sent). */
export const ReadinessSchema = z.union([
  z.object({ status: z.literal('ready'), database: z.enum(['postgres', 'embedded']), dataHealth: z.array(DataHealthSchema.extend({ workspace: z.string() })) }),
  z.object({ status: z.literal('migrations_pending'), pending: z.array(z.string()) }),
  z.object({ status: z.literal('database_unreachable') }),
]) satisfies z.ZodType<Exclude<Readiness, { status: 'database_unreachable' }> | { status: 'database_unreachable' }>;

const windowSchema = z.object({ start: instant, end: instant.meta({ description: 'Exclusive.' }), weeks: z.number().int() });
const windows = z.object({ cadence: windowSchema, rate: windowSchema, baseline: windowSchema });

const leading = z.object({
  key: z.string(),
  label: z.string(),
  value: num,
  baseline: num,
  baselineLongRun: num,
  expectation: num,
  teamMedian: num,
  pace: num,
  status: paceStatus,
  higherIsBetter: z.boolean(),
  n: z.number().int(),
  amount: z.number().optional(),
  velocityDays: num.optional(),
});

const lagging = z.object({ bookedRevenue: num, dealsWon: num, dealsLost: num, winRate: num, avgDealSize: num, salesCycleDays: num });

const forecast = z.object({
  metric: z.literal('booked_revenue'),
  target: num,
  period: z.object({ start: instant, end: instant }),
  bookedSoFar: z.number(),
  runRate: num,
  leading: num,
  onTrack: z.boolean().nullable(),
  gap: num,
  wholeWeeksLeft: z.number().int(),
});

const focusPace = z.object({ key: z.string(), label: z.string(), value: num, baseline: num, expectation: num, pace: num, status: paceStatus, n: z.number().int() });

const diagnosis = z.object({
  results: z.object({
    gap: z.boolean(),
    basis: z.enum(['target', 'team_median', 'none']),
    forecast: num,
    forecastKind: z.enum(['leading', 'run_rate']).nullable(),
    target: num,
    metric: z.enum(PERFORMANCE_METRICS),
    performance: num,
    teamMedian: num,
  }),
  activities: z.object({ gap: z.boolean(), indicator: focusPace.nullable() }),
  methodology: z.object({
    gap: z.boolean(),
    stage: z.object({ stage: z.string(), repRate: num, repDeals: z.number().int(), teamRate: num }).nullable(),
    indicator: focusPace.nullable(),
  }),
  outcome: z.enum(['coach_activity', 'coach_stage', 'look_past_rep', 'recognise', 'ramping', 'no_basis']),
  focus: focusPace.nullable(),
  prompt: z.string(),
});

const record = z.object({ kind: z.enum(['deal', 'lead']), id: z.string(), name: z.string().nullable(), accountName: z.string().nullable(), url: z.string().nullable() });

export const RepReportSchema = z
  .object({
    asOf: instant,
    rep: z.object({ email: z.string(), name: z.string(), team: z.string() }),
    windows,
    activeWeeks: z.object({ cadence: z.number().int(), rate: z.number().int(), baseline: z.number().int() }),
    currency: z.string(),
    focus: z.array(z.string()),
    leading: z.array(leading),
    lagging: z.object({ cadenceWindow: lagging, baselineWindow: lagging }),
    topPerformer: z.boolean(),
    hasBaseline: z.boolean(),
    ramp: z.object({ week: z.number().int(), of: z.number().int(), share: z.number() }).nullable(),
    forecast,
    diagnosis,
    goal: z.object({ key: z.string(), average: z.number(), goal: z.number(), weekToDate: z.number(), toGo: z.number() }).nullable(),
    focusSuggestion: z.object({ key: z.string(), label: z.string(), value: num, baseline: num, expectation: num, pace: num, moreThisWeek: num, weekToDate: num }).nullable(),
    alerts: z.array(
      z.object({
        rule: z.enum(ALERT_RULES),
        key: z.string(),
        subject: z.string(),
        triggeredAt: instant,
        detail: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
        record: record.nullable(),
      }),
    ),
    weekToDate: z.record(z.string(), z.object({ value: num, pace: num, status: paceStatus.nullable() })),
    trend: z.record(z.string(), z.array(num)),
    dataHealth: DataHealthSchema,
  })
  .meta({ description: 'A rep’s report; what each figure means is in docs/metrics.md.' }) satisfies z.ZodType<RepReport>;

const linkTest = z.object({ rho: num, n: z.number().int(), p: num, label: z.enum(['tracks_results', 'possible_link', 'weak_or_no_link', 'too_few_reps']) });

export const TeamReportSchema = z
  .object({
    asOf: instant,
    team: z.string(),
    timezone: z.string(),
    currency: z.string(),
    windows,
    focus: z.array(z.string()),
    minRateN: z.number().int(),
    cohort: z.array(z.string()),
    topPerformers: z.array(z.string()),
    hasBaseline: z.boolean(),
    baselines: z.record(z.string(), num),
    teamMedians: z.record(z.string(), num),
    links: z.array(linkTest.extend({ key: z.string(), workspace: linkTest.nullable() })),
    members: z.array(RepReportSchema),
    totals: z.object({
      reps: z.number().int(),
      cadenceWindow: lagging.extend({ pipelineCreatedPerWeek: num, activitiesPerWeek: z.record(z.string(), num) }),
      baselineWindow: lagging,
      forecast,
      paceAgainstTop: z.record(z.string(), num),
      usualPace: z.record(z.string(), z.object({ cadence: num, baseline: num, ratio: num })),
    }),
    dataHealth: DataHealthSchema,
  })
  .meta({ description: 'A team’s report, with every rep’s report in members.' }) satisfies z.ZodType<TeamReport>;
