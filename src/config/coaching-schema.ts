/**
 * The coaching config document as written (docs/interfaces.md "Coaching config"): vocabularies,
 * the defaults of docs/metrics.md, and a zod schema for every value where it stands. Rules that
 * need several values at once live in coaching-rules.ts; coaching.ts joins the two.
 */
import { z } from 'zod';
import { CORE_EVENT_TYPES } from '../ingest/event-types.js';
import { quoteList } from '../text.js';
import { describeValue } from './problems.js';
import { SourceSchema, SyncSchema } from './sources-schema.js';

// ---------------------------------------------------------------------------------------------
// Fixed vocabularies and defaults (docs/metrics.md)

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** ISO day of the week (1 = Monday … 7 = Sunday), as stored in team.week_starts_on. */
export function isoWeekday(day: Weekday): number {
  return WEEKDAYS.indexOf(day) + 1;
}

export const PERFORMANCE_METRICS = ['booked_revenue', 'win_rate', 'deals_won', 'attainment'] as const;
export type PerformanceMetric = (typeof PERFORMANCE_METRICS)[number];

export const TARGET_METRICS = ['booked_revenue', 'deals_won', 'pipeline_created'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

export const MEMBER_ROLES = ['rep', 'manager'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Event types whose weekly count can be a focus indicator (`cadence.<type>`), before touchTypes. */
export const CADENCE_EVENT_TYPES = ['call', 'email', 'meeting', 'demo', 'social_touch', 'proposal_sent', 'lead_assigned', 'lead_qualified', 'opportunity_created', 'deal_won'] as const;

/** Focus indicators that take no parameter (the others are `cadence.<type>` and `stage_conversion.<stage>`). */
export const PLAIN_INDICATORS = ['pipeline_created', 'speed_to_lead_hours', 'sla_hit_rate', 'qualification_rate', 'opportunity_rate', 'touches_per_closed_deal'] as const;

export const MAX_FOCUS = 4;

const coreEventTypes: ReadonlySet<string> = new Set(CORE_EVENT_TYPES);

// ---------------------------------------------------------------------------------------------
// Value schemas. Every message names the value it rejects, so a problem can be fixed from the
// message alone; `configErrorMap` (problems.ts) words the generic cases the same way.
/** YAML writes an empty value as null; an optional key left empty means "not set". */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.optional());
}

/**
 * A strict object whose unknown keys are reported by name, with the keys it does know; `moved`
 * says where a key that belongs elsewhere goes.
 */
function strict<S extends z.core.$ZodLooseShape>(shape: S, moved: Record<string, string> = {}) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== 'unrecognized_keys') return undefined;
      const hints = iss.keys.flatMap((k) => (moved[k] === undefined ? [] : [moved[k]]));
      return `unknown key${iss.keys.length > 1 ? 's' : ''} ${quoteList(iss.keys)} (known keys: ${known})${hints.map((h) => `; ${h}`).join('')}`;
    },
  });
}

const text = z.string().trim().min(1);

/** Any `uniqueBy` list reports each repeat at its own index. */
function uniqueItems<T>(what: (item: T) => string) {
  return (items: T[], ctx: z.core.$RefinementCtx<T[]>) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const key = what(item);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], input: item, message: `${describeValue(key)} is listed twice` });
      seen.add(key);
    });
  };
}

export function isTimeZone(value: string): boolean {
  // Intl also takes offsets such as "+01:00"; the config wants zone names (they follow DST).
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, { error: (iss) => `${describeValue(iss.input)} is not an IANA time zone` });

const email = z.email({ error: (iss) => `${describeValue(iss.input)} is not an email` }).transform((s) => s.toLowerCase());

/** Real calendar dates only (2026-02-30 is refused). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * A plain date, kept as `YYYY-MM-DD`. YAML 1.1 parsers turn `2024-02-01` into a Date at UTC
 * midnight; such a Date is taken back to its date, one with a time of day is refused.
 */
const plainDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) && v.getTime() % 86_400_000 === 0 ? v.toISOString().slice(0, 10) : v),
  z
    .string({ error: (iss) => (iss.input === undefined ? undefined : `${describeValue(iss.input)} is not a date (YYYY-MM-DD)`) })
    .refine(isCalendarDate, { error: (iss) => `${describeValue(iss.input)} is not a date (YYYY-MM-DD)` }),
);

/** `H:mm` or `HH:mm`, stored as `HH:mm`. */
const clockTime = z
  .string()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, { error: (iss) => `${describeValue(iss.input)} is not a time of day (HH:mm, 24-hour)` })
  .transform((s) => s.padStart(5, '0'));

/** A Slack user id: U and capitals or digits (W… for an Enterprise Grid user). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

const slackUserId = z.string().regex(SLACK_USER_ID, { error: (iss) => `${describeValue(iss.input)} is not a Slack user id (U… or W…)` });
const slackChannelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, { error: (iss) => `${describeValue(iss.input)} is not a Slack channel id (C… or G…)` });
/** A Slack team id: T and capitals or digits (E… for an Enterprise Grid organization). */
export const SLACK_TEAM_ID = /^[TE][A-Z0-9]{2,}$/;

const slackTeamId = z.string().regex(SLACK_TEAM_ID, { error: (iss) => `${describeValue(iss.input)} is not a Slack team id (T…)` });

/** CRM owner ids are often numeric; YAML reads them as numbers, the events send strings. */
const crmOwnerId = z.preprocess((v) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v), text);

const stageName = z.string().regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, {
  error: (iss) => `${describeValue(iss.input)} is not a stage name in lower snake case (e.g. discovery, proposal_sent)`,
});

const touchType = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, { error: (iss) => `${describeValue(iss.input)} is not a touch type name (lower case letters, digits and _)` })
  .refine((t) => !coreEventTypes.has(t), { error: (iss) => `${describeValue(iss.input)} is a core event type already; touchTypes add new ones` });

const count = (min: number, max: number) => z.number().int().min(min).max(max);
const fraction = z.number().gt(0).max(1);

// ---------------------------------------------------------------------------------------------
// Thresholds and schedule: complete shapes (what a resolved team has) and their defaults.

export const ThresholdsSchema = strict({
  cadenceWeeks: count(1, 52),
  baselineWeeks: count(1, 104),
  topFraction: fraction,
  minCohort: count(1, 1000),
  rampWeeks: count(0, 104),
  onPace: z.number().gt(0),
  behind: z.number().gt(0),
  slaHours: z.number().gt(0),
  stalledDays: z.number().gt(0),
  followUpHours: z.number().gt(0),
  dropShare: z.number().gt(0).lt(1),
  dropMinPerWeek: z.number().min(0),
  /** Rate window: leading rates and speed to lead over the last N complete weeks (rev 2). */
  rateWeeks: count(1, 104),
  /** A rate or speed to lead resting on fewer leads or deals is `too_few` (rev 2). */
  minRateN: count(1, 10_000),
  /** A deal still in a stage this long has aged out there (not converted, rev 2). */
  stageTimeoutDays: z.number().gt(0).max(3650),
  /** Share of the gap to the expectation this week's goal asks for (rev 2). */
  stepShare: fraction,
  /** Ramp shares, one per 4 weeks (e.g. [0.25, 0.5, 0.75]); null: w ÷ rampWeeks (rev 2). */
  rampCurve: z.array(fraction).min(1).max(26).nullable(),
  /** Data is stale after this many hours without events (rev 2, docs/metrics.md "Data health"). */
  staleAfterHours: z
    .number()
    .gt(0)
    .max(24 * 60),
});
export type Thresholds = z.output<typeof ThresholdsSchema>;

export const THRESHOLD_DEFAULTS: Thresholds = {
  cadenceWeeks: 4,
  baselineWeeks: 13,
  topFraction: 0.25,
  minCohort: 3,
  rampWeeks: 12,
  onPace: 0.9,
  behind: 0.6,
  slaHours: 24,
  stalledDays: 14,
  followUpHours: 48,
  dropShare: 0.4,
  dropMinPerWeek: 5,
  rateWeeks: 13,
  minRateN: 8,
  stageTimeoutDays: 90,
  stepShare: 0.5,
  rampCurve: null,
  staleAfterHours: 36,
};

/**
 * `thresholds` as written: any threshold, each optional. `alertsPerDay` used to be accepted here
 * and did nothing; it is named with its place (schedule) instead of as a bare unknown key.
 */
const ThresholdsDocumentSchema = strict(ThresholdsSchema.partial().shape, {
  alertsPerDay: 'alertsPerDay belongs in schedule, not thresholds: move it to schedule.alertsPerDay',
});

/** Team-local times of the scheduled messages. */
/**
 * Team-local times of the weekly messages; behaviour alerts go out Monday–Friday between
 * workdayStart and workdayEnd (recipient-local), at most alertsPerDay a rep a day; a weekly
 * message found more than graceHours after it was due is recorded as skipped, not sent late.
 */
export const ScheduleSchema = strict({
  nudge: clockTime,
  digest: clockTime,
  recap: clockTime,
  alertsPerDay: count(0, 50),
  workdayStart: clockTime,
  workdayEnd: clockTime,
  graceHours: z.number().gt(0).max(168),
});
export type Schedule = z.output<typeof ScheduleSchema>;
export const SCHEDULE_DEFAULTS: Schedule = {
  nudge: '08:30',
  digest: '08:00',
  recap: '09:00',
  alertsPerDay: 3,
  workdayStart: '09:00',
  workdayEnd: '18:00',
  graceHours: 6,
};

export const DEFAULT_ALERT_LOOKBACK_DAYS = 7;
export const DEFAULT_PERFORMANCE_METRIC: PerformanceMetric = 'booked_revenue';
export const DEFAULT_WEEK_STARTS_ON: Weekday = 'monday';
export const DEFAULT_WORKSPACE_TIMEZONE = 'UTC';

// ---------------------------------------------------------------------------------------------
// The document as written

export const MemberSchema = strict({
  email,
  name: text,
  role: z.enum(MEMBER_ROLES).default('rep'),
  slackUserId: optional(slackUserId),
  crmOwnerId: optional(crmOwnerId),
  startDate: optional(plainDate),
  timezone: optional(timeZone),
  /** The rep's own manager (a manager of the same team), when the team has several. */
  manager: optional(email),
});
export type MemberConfig = z.output<typeof MemberSchema>;

export const CustomPeriodSchema = strict({ start: plainDate, end: plainDate }).superRefine((p, ctx) => {
  // Plain YYYY-MM-DD strings compare in date order. Zod runs this check even when a date was
  // refused above; comparing a refused date would only repeat that problem.
  if (isCalendarDate(p.start) && isCalendarDate(p.end) && p.end < p.start) ctx.addIssue({ code: 'custom', path: ['end'], input: p.end, message: `${p.end} is before start ${p.start}` });
});
export type CustomPeriod = z.output<typeof CustomPeriodSchema>;

export const PeriodSchema = z.union([z.enum(['quarter', 'month']), CustomPeriodSchema], {
  error: (iss) => `${describeValue(iss.input)} is not a period; use quarter, month or { start: YYYY-MM-DD, end: YYYY-MM-DD }`,
});

export const TargetSchema = strict({
  metric: z.enum(TARGET_METRICS),
  period: PeriodSchema,
  value: z.number().min(0).max(1e15),
  /** A member's target (an email of the team); a team target without it. */
  member: optional(email),
  /** A ramping rep's own target that already allows for the ramp: used as it is, not prorated (rev 2). */
  ramped: optional(z.boolean()),
});
export type TargetConfig = z.output<typeof TargetSchema>;

/** Settings a team may set and `defaults` may set for every team. */
const teamSettingsShape = {
  timezone: optional(timeZone),
  channel: optional(slackChannelId),
  pipelineStages: optional(
    z
      .array(stageName)
      .min(1)
      .superRefine(uniqueItems((s: string) => s)),
  ),
  focus: optional(
    z
      .array(z.string())
      .min(1, { error: 'list at least one indicator' })
      .max(MAX_FOCUS, {
        error: (iss) => `${Array.isArray(iss.input) ? iss.input.length : 'more than 4'} indicators given, at most ${MAX_FOCUS} allowed`,
      })
      .superRefine(uniqueItems((s: string) => s)),
  ),
  performanceMetric: optional(z.enum(PERFORMANCE_METRICS)),
  weekStartsOn: optional(z.enum(WEEKDAYS)),
  alertLookbackDays: optional(count(1, 365)),
  touchTypes: optional(z.array(touchType).superRefine(uniqueItems((s: string) => s))),
  schedule: optional(ScheduleSchema.partial()),
  thresholds: optional(ThresholdsDocumentSchema),
};

export const TeamSchema = strict({
  name: text,
  ...teamSettingsShape,
  members: z.array(MemberSchema).min(1, { error: 'list at least one member' }),
  targets: optional(z.array(TargetSchema)),
});
export type TeamDocument = z.output<typeof TeamSchema>;

export const DefaultsSchema = strict(teamSettingsShape);
export type DefaultsDocument = z.output<typeof DefaultsSchema>;

export const WorkspaceSchema = strict({
  id: slackTeamId,
  name: optional(text),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: (iss) => `${describeValue(iss.input)} is not an ISO 4217 currency code (3 upper-case letters, e.g. USD)` }),
  /** For people not in any team (docs/metrics.md "Periods"). */
  timezone: optional(timeZone),
  /** The workspace-wide data health figure (docs/metrics.md "Data health"); teams set theirs in thresholds. */
  staleAfterHours: optional(
    z
      .number()
      .gt(0)
      .max(24 * 60),
  ),
});

/**
 * One person who administers Pacer for the workspace (`admins:`), told by DM when a CRM source
 * stops: an email (of a member, or of anyone in the Slack workspace: looked up by email when the
 * DM goes out) or a Slack user id. Emails are kept lower-cased, as members' are.
 */
const admin = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : `${describeValue(iss.input)} is not an email or a Slack user id (U… or W…)`) })
  .trim()
  .superRefine((value, ctx) => {
    if (SLACK_USER_ID.test(value) || z.email().safeParse(value).success) return;
    const hint = /^[CGD][A-Z0-9]{2,}$/.test(value)
      ? '; that is a channel’s id: admins are people, each told in a DM'
      : /\s/.test(value)
        ? '; write the person’s email or Slack user id, not their name'
        : '';
    ctx.addIssue({ code: 'custom', input: value, message: `${describeValue(value)} is neither an email nor a Slack user id (U… or W…)${hint}` });
  })
  .transform((value) => (SLACK_USER_ID.test(value) ? value : value.toLowerCase()));

export const ConfigDocumentSchema = strict({
  workspace: WorkspaceSchema,
  defaults: optional(DefaultsSchema),
  teams: z.array(TeamSchema).min(1, { error: 'list at least one team' }),
  /** CRMs Pacer reads the events from (issue 13; sources-schema.ts). */
  sources: optional(z.array(SourceSchema)),
  sync: optional(SyncSchema),
  /** Who is told by DM when a CRM source stops (issue 13). */
  admins: optional(z.array(admin).superRefine(uniqueItems((a: string) => a))),
});
export type ConfigDocument = z.output<typeof ConfigDocumentSchema>;
