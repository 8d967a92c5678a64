/**
 * The CRM sources of the coaching config (`sources:` and `sync:`, issue 13) as written: which
 * CRM, how Pacer authenticates (always `env:NAME` references: a credential never sits in the
 * file, which people copy, commit and paste), and the maps from the CRM's vocabulary (pipeline
 * stages, meeting types, lead statuses, lead sources) to Pacer's. Rules that need the teams
 * (stages of their pipelines, unique names) live in sources-rules.ts.
 */
import { z } from 'zod';
import { quote } from '../text.js';
import { describeValue } from './problems.js';

export const SOURCE_KINDS = ['hubspot', 'salesforce'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** `env:NAME`: where a credential is read from at run time. */
export const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** The variable an `env:NAME` reference names. */
export function envName(reference: string): string {
  const m = ENV_REFERENCE.exec(reference);
  if (!m) throw new Error(`${quote(reference)} is not an env:NAME reference`);
  return m[1]!;
}

/**
 * A credential: an `env:NAME` reference. The message never echoes a value that is not one — it
 * may be the secret itself, pasted into the file.
 */
const envReference = (what: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is required' : `write ${what} as env:NAME, naming the environment variable that holds it`) }).regex(ENV_REFERENCE, {
    error: `write ${what} as env:NAME (e.g. env:HUBSPOT_TOKEN) and put the value in that environment variable; a credential in the file would be read by anyone who can read the file`,
  });

/**
 * A source's name: what `pacer sync NAME`, the status lines and data health call it, and the
 * start of its events' ids (`hubspot:call:123`). Lower case, digits and dashes only, so an id
 * prefix never holds a pattern character.
 */
export const SOURCE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const sourceName = z.string().regex(SOURCE_NAME, {
  error: (iss) => `${describeValue(iss.input)} is not a source name (lower-case letters, digits and dashes, starting with a letter, at most 40)`,
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The base address of a CRM API: https (http only on this machine, for the local CRM servers),
 * no credentials, no query, nothing after the host but an optional path prefix for a proxy.
 */
export function baseUrlProblem(value: string): string | null {
  const url = URL.parse(value);
  if (!url) return `${quote(value)} is not a URL (e.g. https://acme.my.salesforce.com)`;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return `${quote(value)} must start with https:// (http:// only for 127.0.0.1 or localhost)`;
  }
  if (url.username || url.password) return `${quote(value)} must not carry a user name or password; credentials go in env:NAME references`;
  if (url.search || url.hash) return `${quote(value)} must not have a query or fragment`;
  return null;
}

const baseUrl = z
  .string()
  .superRefine((value, ctx) => {
    const problem = baseUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** A Salesforce instance: https://<domain>.my.salesforce.com and the like (any https host, for sandboxes and proxies). */
const instanceUrl = baseUrl.refine((value) => (URL.parse(value)?.pathname ?? '/') === '/', {
  error: (iss) => `${describeValue(iss.input)} must be the instance's address alone, e.g. https://acme.my.salesforce.com (no path)`,
});

/** A YAML 1.1 reader turns ON/OFF/YES/NO and numbers into other types; CRM values are text. */
const crmValue = z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), z.string().trim().min(1));
const crmValues = z.array(crmValue);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

function strict<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map(quote).join(', ')} (known keys: ${known})` : undefined),
  });
}

/** CRM value → Pacer value, keys as the CRM spells them (ids or labels). */
const valueMap = z.record(z.string().min(1), z.string());

/** Which lead property values mean qualified or disqualified. */
const leadRule = strict({ property: z.string().trim().min(1), values: crmValues.min(1) });

/** Lead source values → inbound or outbound; values listed in neither take `otherwise`. */
const leadSourceMap = strict({
  property: optional(z.string().trim().min(1)),
  inbound: optional(crmValues),
  outbound: optional(crmValues),
  otherwise: optional(z.enum(['inbound', 'outbound'])),
});

/** Requests per window a source may make (Pacer's own throttle stays under them; 429s are honoured too). */
const limits = strict({
  per10Seconds: optional(z.number().int().min(1).max(100_000)),
  searchPerSecond: optional(z.number().int().min(1).max(1000)),
});

export const HubSpotSourceSchema = strict({
  kind: z.literal('hubspot'),
  name: optional(sourceName),
  /** A private app's access token (scopes: crm.objects.contacts/deals/companies/owners .read, and the engagements'). */
  token: envReference('the token'),
  /** The API's address; the local HubSpot in tests and benchmarks. */
  apiUrl: optional(baseUrl),
  limits: optional(limits),
  /** Deal stage id or label → a stage of the team's pipeline. Labels that read as a team's stage name need no entry. */
  stages: optional(valueMap),
  /** Only deals of these pipelines (ids or labels); by default every pipeline with a mapped stage. */
  pipelines: optional(crmValues.min(1)),
  meetings: optional(
    strict({
      /** Meeting types (hs_activity_type) that make a meeting a demo. */
      demoTypes: optional(crmValues),
      /** Meeting outcomes (hs_meeting_outcome) that make a meeting a demo. */
      demoOutcomes: optional(crmValues),
      /** Outcomes of meetings that did not take place: not touches. */
      skipOutcomes: optional(crmValues),
    }),
  ),
  leads: optional(strict({ qualified: optional(leadRule), disqualified: optional(leadRule) })),
  leadSource: optional(leadSourceMap),
});
export type HubSpotSourceDocument = z.output<typeof HubSpotSourceSchema>;

const salesforceAuth = strict({
  /** The connected app's consumer key. */
  clientId: envReference('clientId'),
  clientSecret: optional(envReference('clientSecret')),
  /** The integration user (JWT bearer flow); a plain user name or an env:NAME reference. */
  username: optional(z.string().trim().min(1)),
  /** PEM private key for the JWT bearer flow. */
  privateKey: optional(envReference('privateKey')),
  /** Refresh token (web server flow), instead of privateKey. */
  refreshToken: optional(envReference('refreshToken')),
}).superRefine((auth, ctx) => {
  if (auth.privateKey === undefined && auth.refreshToken === undefined) {
    ctx.addIssue({ code: 'custom', input: auth, message: 'give privateKey (JWT bearer, with username) or refreshToken' });
  }
  if (auth.privateKey !== undefined && auth.refreshToken !== undefined) {
    ctx.addIssue({ code: 'custom', input: auth, path: ['refreshToken'], message: 'give privateKey or refreshToken, not both' });
  }
  if (auth.privateKey !== undefined && auth.username === undefined) {
    ctx.addIssue({ code: 'custom', input: auth, path: ['username'], message: 'is required with privateKey (the JWT bearer flow signs in as this user)' });
  }
});

export const SalesforceSourceSchema = strict({
  kind: z.literal('salesforce'),
  name: optional(sourceName),
  instanceUrl,
  auth: salesforceAuth,
  limits: optional(limits),
  /** Opportunity StageName (API name or label) → a stage of the team's pipeline. Labels that read as a team's stage name need no entry. */
  stages: optional(valueMap),
  /** Only opportunities of these record types (DeveloperName or Name); by default every opportunity. */
  recordTypes: optional(crmValues.min(1)),
  meetings: optional(
    strict({
      /** Event types (the Type picklist) that make an event a demo. */
      demoTypes: optional(crmValues),
      /** Words that make an event whose Subject contains them (any case) a demo. */
      demoSubjects: optional(crmValues),
    }),
  ),
  leads: optional(strict({ qualified: optional(crmValues), disqualified: optional(crmValues) })),
  leadSource: optional(leadSourceMap),
});
export type SalesforceSourceDocument = z.output<typeof SalesforceSourceSchema>;

export const SourceSchema = z.discriminatedUnion('kind', [HubSpotSourceSchema, SalesforceSourceSchema], {
  error: (iss) => {
    if (iss.code !== 'invalid_union') return undefined;
    const kind = typeof iss.input === 'object' && iss.input !== null && 'kind' in iss.input ? iss.input.kind : undefined;
    if (typeof iss.input !== 'object' || iss.input === null || Array.isArray(iss.input)) return `expected a mapping with kind (${SOURCE_KINDS.join(' or ')})`;
    return kind === undefined ? `kind is required: ${SOURCE_KINDS.join(' or ')}` : `${describeValue(kind)} is not a source kind Pacer syncs; known kinds: ${SOURCE_KINDS.join(', ')}`;
  },
});
export type SourceDocument = z.output<typeof SourceSchema>;

/** The first sync starts this many weeks back when `sync.since` is not given. */
export const DEFAULT_SYNC_WEEKS = 30;
export const DEFAULT_SYNC_EVERY_MINUTES = 10;

/** Plain `YYYY-MM-DD` (YAML 1.1 readers give a Date at UTC midnight, taken back to its date). */
const sinceDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) && v.getTime() % 86_400_000 === 0 ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: (iss) => `${describeValue(iss.input)} is not a date (YYYY-MM-DD)` })
    .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
      error: (iss) => `${describeValue(iss.input)} is not a date (YYYY-MM-DD)`,
    }),
);

export const SyncSchema = strict({
  everyMinutes: optional(
    z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  ),
  /** The first sync reads records changed since this date (UTC midnight). */
  since: optional(sinceDate),
});
export type SyncDocument = z.output<typeof SyncSchema>;
