import { z } from 'zod';
import type { InputProblem } from '../errors.js';
import { clip, echo, findTextProblems, MAX_NESTING, quote, quoteList } from '../text.js';
import { CORE_EVENT_TYPES, isCoreEventType, REQUIRED_FIELDS } from './event-types.js';

export const METADATA_MAX_BYTES = 8 * 1024;
/**
 * The largest `version`: 2^53 − 1, the largest integer a JSON number carries exactly, so that a
 * CRM record's modification time in epoch milliseconds can be its version.
 */
export const MAX_VERSION = Number.MAX_SAFE_INTEGER;
const ID_MAX = 256;

/**
 * ISO 8601 date-time with a UTC offset (Z or ±hh:mm / ±hhmm / ±hh); seconds and fractions
 * optional. Letters as classes rather than a flag, so the API description can publish it as is.
 */
export const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-]\d{2}(?::?\d{2})?)$/;

/** Parses an instant that must carry an offset; returns a reason when it cannot. */
export function parseInstant(value: string): { ok: true; date: Date } | { ok: false; reason: string } {
  const m = ISO_WITH_OFFSET.exec(value);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value)) {
      return { ok: false, reason: `${quote(value)} has no UTC offset; send e.g. 2026-11-02T10:00:00Z or 2026-11-02T10:00:00-05:00` };
    }
    return { ok: false, reason: `${quote(value)} is not an ISO 8601 date-time with an offset, e.g. 2026-11-02T10:00:00Z` };
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `${quote(value)} is not a real date and time` };
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return { ok: false, reason: `${quote(value)} is not a real date and time` };
  // The range is of the instant: 2999-12-31T23:00:00-05:00 is already in the year 3000 (UTC).
  const utcYear = date.getUTCFullYear();
  if (utcYear < 1970 || utcYear > 2999) return { ok: false, reason: `${quote(value)} is out of range (years 1970–2999 UTC)` };
  return { ok: true, date };
}

const externalId = (field: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .trim()
    .min(1, { error: `${field} must not be empty` })
    .max(ID_MAX, { error: `${field} is longer than ${ID_MAX} characters` });

const optionalId = (field: string) => externalId(field).optional();

export const RECORD_NAME_MAX = 200;
export const RECORD_URL_MAX = 2000;

/** A deal's, lead's or account's name as people read it (docs/metrics.md "Events", rev 2). */
const recordName = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, { error: `${field} must not be empty` })
    .max(RECORD_NAME_MAX, { error: `${field} is longer than ${RECORD_NAME_MAX} characters` })
    .optional();

/** The record's page in the CRM: only http(s), since messages turn it into a button people click. */
const recordUrl = z
  .string({ error: 'url must be a string' })
  .trim()
  .max(RECORD_URL_MAX, { error: `url is longer than ${RECORD_URL_MAX} characters` })
  .refine((value) => /^https?:$/.test(URL.parse(value)?.protocol ?? ''), {
    error: (iss) => `${JSON.stringify(iss.input)} is not an http:// or https:// link to the record in the CRM`,
  })
  .meta({ pattern: '^\\s*[Hh][Tt][Tt][Pp][Ss]?:', description: 'An http:// or https:// link to the record in the CRM.' })
  .optional();

/**
 * The shape of one event as senders write it (API body and CSV rows after mapping).
 * Type-specific rules (required fields, known types, pipeline stages) are checked by
 * `validateEvent`, which knows the workspace's configuration.
 */
export const rawEventSchema = z.strictObject(
  {
    id: externalId('id').meta({ description: 'Your id for the event, unique in the workspace: the idempotency key.' }),
    type: z
      .string({ error: 'type is required' })
      .trim()
      .min(1, { error: 'type must not be empty' })
      .meta({ description: `One of ${CORE_EVENT_TYPES.join(', ')}, or a touch type a team added with touchTypes in the config.` }),
    occurredAt: z
      .string({ error: 'occurredAt is required (ISO 8601 with offset)' })
      .meta({ pattern: ISO_WITH_OFFSET.source, description: 'ISO 8601 date and time with its UTC offset, e.g. 2026-11-02T10:15:00-06:00.' }),
    repEmail: z
      .email({ error: (iss) => `${echo(iss.input)} is not an email` })
      .transform((s) => s.toLowerCase())
      .optional(),
    slackUserId: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,}$/, { error: (iss) => `${echo(iss.input)} is not a Slack user id (U… or W…)` })
      .optional(),
    crmOwnerId: optionalId('crmOwnerId'),
    leadId: optionalId('leadId'),
    dealId: optionalId('dealId'),
    amount: z
      .number({ error: (iss) => `${echo(iss.input)} is not a number` })
      .refine(Number.isFinite, { error: 'must be a finite number' })
      .refine((n) => n >= 0, { error: (iss) => `${String(iss.input)} is negative; amounts must be ≥ 0` })
      .refine((n) => n < 1e15, { error: 'is too large' })
      .meta({ minimum: 0, exclusiveMaximum: 1e15, description: 'In the workspace currency.' })
      .optional(),
    stage: z.string().trim().min(1, { error: 'stage must not be empty' }).optional(),
    leadSource: z.enum(['inbound', 'outbound'], { error: (iss) => `${echo(iss.input)} is not a lead source (inbound or outbound)` }).optional(),
    // Taken as sent, not rebuilt key by key as z.record does: rebuilding assigns a "__proto__"
    // key as the new object's prototype, silently dropping it. The body is parsed JSON, so every
    // key (that one included) is an own data property and the object is passed on untouched.
    metadata: z
      .custom<Record<string, unknown>>((value) => isRecord(value), { error: 'metadata must be a JSON object' })
      .superRefine((value, ctx) => {
        const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
        if (bytes > METADATA_MAX_BYTES) {
          ctx.addIssue({ code: 'custom', message: `metadata is ${bytes} bytes; at most ${METADATA_MAX_BYTES} allowed` });
        }
      })
      .meta({ type: 'object', description: `Any JSON object of at most ${METADATA_MAX_BYTES} bytes as JSON.` })
      .optional(),
    dealName: recordName('dealName'),
    leadName: recordName('leadName'),
    accountName: recordName('accountName'),
    url: recordUrl,
    version: z
      .number({ error: 'version must be a number' })
      // Not .int(): zod's int stops at 2^53 − 1 with "not a whole number", which misleads about 2^53.
      .refine(Number.isInteger, { error: 'version must be a whole number' })
      .min(1, { error: 'version must be ≥ 1' })
      .max(MAX_VERSION, { error: `version is larger than ${MAX_VERSION}` })
      .meta({ type: 'integer', description: 'A higher version replaces the stored event with the same id.' })
      .optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field${iss.keys.length > 1 ? 's' : ''} ${quoteList(iss.keys)}` : 'an event must be a JSON object') },
);

export type RawEvent = z.infer<typeof rawEventSchema>;

/** An event as senders write it (API body, CSV rows after mapping, generators). */
export type EventInput = z.input<typeof rawEventSchema>;

export type RepRef = { kind: 'email' | 'slack' | 'crm'; value: string };

/** A validated event, ready to store. */
export interface ValidEvent {
  id: string;
  type: string;
  occurredAt: Date;
  rep: RepRef;
  repEmail?: string;
  slackUserId?: string;
  crmOwnerId?: string;
  leadId?: string;
  dealId?: string;
  amount?: number;
  stage?: string;
  leadSource?: 'inbound' | 'outbound';
  metadata?: Record<string, unknown>;
  dealName?: string;
  leadName?: string;
  accountName?: string;
  url?: string;
  version?: number;
}

export interface ValidationContext {
  /** Touch types the workspace's teams added to the core ones. */
  extraTouchTypes: ReadonlySet<string>;
}

/** `metadata.notes.0`: keys (cut short) and indexes joined by dots. */
const formatPath = (path: readonly PropertyKey[]) => path.map((key) => clip(String(key))).join('.');

function issuesToProblems(issues: readonly z.core.$ZodIssue[]): InputProblem[] {
  return issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
}

/**
 * Text PostgreSQL cannot store anywhere in the event's fields, and fields nested deeper than
 * MAX_NESTING. Found without recursion; `deep` says the event must not reach recursive code
 * (zod, JSON.stringify, the content hash) at all.
 */
function unsafeContent(input: Record<string, unknown>): { problems: InputProblem[]; deep: boolean } {
  let deep = false;
  const problems = Object.entries(input).flatMap(([field, value]) => {
    const found = findTextProblems(value, MAX_NESTING);
    deep ||= found.tooDeep;
    return found.problems.map((p) => ({ path: formatPath([field, ...p.path]), message: p.message }));
  });
  return { problems, deep };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one event against docs/metrics.md: shape, known type, fields the type needs, a real instant
 * with an offset, and a rep named by repEmail, slackUserId or crmOwnerId. Every problem is
 * reported, not just the first. The pipeline stage is checked later, once the rep's team is known.
 */
export function validateEvent(input: unknown, ctx: ValidationContext): { ok: true; event: ValidEvent } | { ok: false; problems: InputProblem[] } {
  const unsafe = isRecord(input) ? unsafeContent(input) : { problems: [], deep: false };
  if (unsafe.deep) return { ok: false, problems: unsafe.problems };
  const parsed = rawEventSchema.safeParse(input);
  // A field holding text that cannot be stored is reported once, for that reason.
  const problems = [...unsafe.problems, ...(parsed.success ? [] : issuesToProblems(parsed.error.issues).filter((p) => !unsafe.problems.some((u) => u.path === p.path)))];
  if (!isRecord(input)) return { ok: false, problems };
  const reported = (path: string) => problems.some((p) => p.path === path);

  const type = typeof input.type === 'string' ? input.type.trim() : undefined;
  if (type && !reported('type')) {
    if (isCoreEventType(type)) {
      for (const field of REQUIRED_FIELDS[type]) {
        if ((input[field] === undefined || input[field] === null) && !reported(field)) {
          problems.push({ path: field, message: `${field} is required for ${type}` });
        }
      }
    } else if (!ctx.extraTouchTypes.has(type)) {
      const extra = [...ctx.extraTouchTypes];
      problems.push({
        path: 'type',
        message: `unknown event type ${quote(type)}; expected one of ${[...CORE_EVENT_TYPES, ...extra].join(', ')}${extra.length ? '' : ' (add custom touch types with touchTypes in the config)'}`,
      });
    }
  }

  const instant = typeof input.occurredAt === 'string' ? parseInstant(input.occurredAt) : undefined;
  if (instant && !instant.ok) problems.push({ path: 'occurredAt', message: instant.reason });

  if (input.repEmail === undefined && input.slackUserId === undefined && input.crmOwnerId === undefined) {
    problems.push({ path: 'repEmail', message: 'name the rep with repEmail, slackUserId or crmOwnerId' });
  }

  if (!parsed.success || problems.length > 0 || !instant?.ok) return { ok: false, problems };
  const raw = parsed.data;
  const rep: RepRef = raw.repEmail ? { kind: 'email', value: raw.repEmail } : raw.slackUserId ? { kind: 'slack', value: raw.slackUserId } : { kind: 'crm', value: raw.crmOwnerId! };
  const { occurredAt: _occurredAt, ...rest } = raw;
  return { ok: true, event: { ...rest, type: raw.type, occurredAt: instant.date, rep } };
}
