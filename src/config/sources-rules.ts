/**
 * From the `sources:` and `sync:` documents to resolved source configs: defaults filled in, names
 * unique, stage maps checked against the teams' pipelines. The environment is not read here
 * (the config is applied at start and on SIGHUP whatever the environment holds); `config check`
 * adds sourceEnvironmentProblems, and a sync reports a missing variable as its source's error.
 */
import { describeValue } from './problems.js';
import { DEFAULT_SYNC_EVERY_MINUTES, envName, ENV_REFERENCE, type HubSpotSourceDocument, type SalesforceSourceDocument, type SourceDocument, type SyncDocument } from './sources-schema.js';

/** Pacer's own throttle; daily limits are learnt from the CRM's answers (headers, 429s), not configured. */
export interface SourceLimits {
  per10Seconds: number;
  /** Search requests per second (HubSpot's search endpoints), or null when the CRM has no such limit. */
  searchPerSecond: number | null;
}

export interface LeadSourceRules {
  /** The record's property holding its source (HubSpot), or null where the CRM has one field for it. */
  property: string | null;
  inbound: string[];
  outbound: string[];
  otherwise: 'inbound' | 'outbound';
}

export interface HubSpotSourceConfig {
  kind: 'hubspot';
  name: string;
  /** `env:NAME` */
  token: string;
  apiUrl: string;
  limits: SourceLimits;
  stages: Record<string, string>;
  pipelines: string[] | null;
  meetings: { demoTypes: string[]; demoOutcomes: string[]; skipOutcomes: string[] };
  leads: { qualified: { property: string; values: string[] }; disqualified: { property: string; values: string[] } };
  leadSource: LeadSourceRules;
}

export interface SalesforceSourceConfig {
  kind: 'salesforce';
  name: string;
  instanceUrl: string;
  /** Credentials as `env:NAME` references (username may be plain). */
  auth: { clientId: string; clientSecret: string | null; username: string | null; privateKey: string | null; refreshToken: string | null };
  limits: SourceLimits;
  stages: Record<string, string>;
  /** Only opportunities of these record types (DeveloperName or Name), or null: every one. */
  recordTypes: string[] | null;
  meetings: { demoTypes: string[]; demoSubjects: string[] };
  leads: { qualified: string[]; disqualified: string[] };
  leadSource: LeadSourceRules;
}

export type SourceConfig = HubSpotSourceConfig | SalesforceSourceConfig;

export interface SyncConfig {
  everyMinutes: number;
  /** YYYY-MM-DD, or null: 30 weeks before the first sync. */
  since: string | null;
}

export const HUBSPOT_API_URL = 'https://api.hubapi.com';

/**
 * HubSpot's defaults: the Free/Starter limits (Professional and Enterprise accounts may raise
 * per10Seconds to 190), meetings that did not happen are not touches, a contact is qualified
 * once its lifecycle stage reaches sales-qualified lead and disqualified when its lead status says
 * so, and leads from offline sources (imports, records created by hand, integrations) are the
 * reps' own: outbound.
 */
export const HUBSPOT_DEFAULTS = {
  limits: { per10Seconds: 100, searchPerSecond: 5 },
  meetings: { demoTypes: [] as string[], demoOutcomes: [] as string[], skipOutcomes: ['CANCELED', 'NO_SHOW'] },
  leads: {
    qualified: { property: 'lifecyclestage', values: ['salesqualifiedlead', 'opportunity', 'customer'] },
    disqualified: { property: 'hs_lead_status', values: ['UNQUALIFIED'] },
  },
  leadSource: { property: 'hs_analytics_source', inbound: [] as string[], outbound: ['OFFLINE'], otherwise: 'inbound' as const },
} as const;

/** Salesforce's standard Lead Status and Lead Source picklists. */
export const SALESFORCE_DEFAULTS = {
  limits: { per10Seconds: 100, searchPerSecond: null },
  leads: { qualified: ['Qualified', 'Closed - Converted'], disqualified: ['Unqualified', 'Closed - Not Converted'] },
  leadSource: { property: null, inbound: ['Web', 'Phone Inquiry', 'Partner Referral'], outbound: [] as string[], otherwise: 'outbound' as const },
} as const;

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

function resolveHubSpot(doc: HubSpotSourceDocument, name: string): HubSpotSourceConfig {
  const d = HUBSPOT_DEFAULTS;
  return {
    kind: 'hubspot',
    name,
    token: doc.token,
    apiUrl: doc.apiUrl ?? HUBSPOT_API_URL,
    limits: { per10Seconds: doc.limits?.per10Seconds ?? d.limits.per10Seconds, searchPerSecond: doc.limits?.searchPerSecond ?? d.limits.searchPerSecond },
    stages: doc.stages ?? {},
    pipelines: doc.pipelines ?? null,
    meetings: {
      demoTypes: doc.meetings?.demoTypes ?? [...d.meetings.demoTypes],
      demoOutcomes: doc.meetings?.demoOutcomes ?? [...d.meetings.demoOutcomes],
      skipOutcomes: doc.meetings?.skipOutcomes ?? [...d.meetings.skipOutcomes],
    },
    leads: {
      qualified: doc.leads?.qualified ?? { property: d.leads.qualified.property, values: [...d.leads.qualified.values] },
      disqualified: doc.leads?.disqualified ?? { property: d.leads.disqualified.property, values: [...d.leads.disqualified.values] },
    },
    leadSource: {
      property: doc.leadSource?.property ?? d.leadSource.property,
      inbound: doc.leadSource?.inbound ?? [...d.leadSource.inbound],
      outbound: doc.leadSource?.outbound ?? [...d.leadSource.outbound],
      otherwise: doc.leadSource?.otherwise ?? d.leadSource.otherwise,
    },
  };
}

function resolveSalesforce(doc: SalesforceSourceDocument, name: string): SalesforceSourceConfig {
  const d = SALESFORCE_DEFAULTS;
  return {
    kind: 'salesforce',
    name,
    instanceUrl: doc.instanceUrl,
    auth: {
      clientId: doc.auth.clientId,
      clientSecret: doc.auth.clientSecret ?? null,
      username: doc.auth.username ?? null,
      privateKey: doc.auth.privateKey ?? null,
      refreshToken: doc.auth.refreshToken ?? null,
    },
    limits: { per10Seconds: doc.limits?.per10Seconds ?? d.limits.per10Seconds, searchPerSecond: doc.limits?.searchPerSecond ?? d.limits.searchPerSecond },
    stages: doc.stages ?? {},
    recordTypes: doc.recordTypes ?? null,
    meetings: { demoTypes: doc.meetings?.demoTypes ?? [], demoSubjects: doc.meetings?.demoSubjects ?? [] },
    leads: { qualified: doc.leads?.qualified ?? [...d.leads.qualified], disqualified: doc.leads?.disqualified ?? [...d.leads.disqualified] },
    leadSource: {
      property: null,
      inbound: doc.leadSource?.inbound ?? [...d.leadSource.inbound],
      outbound: doc.leadSource?.outbound ?? [...d.leadSource.outbound],
      otherwise: doc.leadSource?.otherwise ?? d.leadSource.otherwise,
    },
  };
}

/**
 * Resolves the sources: names (the kind when not given) unique, every stage a map names is a
 * stage of some team's pipeline (ingestion then checks it against the rep's own team).
 */
export function resolveSources(docs: readonly SourceDocument[], teamStages: ReadonlySet<string>, report: Report): SourceConfig[] {
  const byName = new Map<string, number>();
  return docs.map((doc, i) => {
    const name = doc.name ?? doc.kind;
    const first = byName.get(name);
    if (first !== undefined) {
      report(['sources', i, doc.name === undefined ? 'kind' : 'name'], `${describeValue(name)} names sources[${first}] already; give each source its own name`);
    } else byName.set(name, i);
    for (const [crmStage, stage] of Object.entries(doc.stages ?? {})) {
      if (!teamStages.has(stage)) {
        report(['sources', i, 'stages', crmStage], `${describeValue(stage)} is not a stage of any team's pipeline (${[...teamStages].join(', ') || 'none'})`);
      }
    }
    return doc.kind === 'hubspot' ? resolveHubSpot(doc, name) : resolveSalesforce(doc, name);
  });
}

export function resolveSync(doc: SyncDocument | undefined): SyncConfig {
  return { everyMinutes: doc?.everyMinutes ?? DEFAULT_SYNC_EVERY_MINUTES, since: doc?.since ?? null };
}

/** Every `env:NAME` reference of a source, with its path under the source. */
export function sourceEnvReferences(source: SourceConfig): { path: Path; variable: string }[] {
  const refs: { path: Path; value: string | null }[] =
    source.kind === 'hubspot'
      ? [{ path: ['token'], value: source.token }]
      : [
          { path: ['auth', 'clientId'], value: source.auth.clientId },
          { path: ['auth', 'clientSecret'], value: source.auth.clientSecret },
          { path: ['auth', 'username'], value: source.auth.username },
          { path: ['auth', 'privateKey'], value: source.auth.privateKey },
          { path: ['auth', 'refreshToken'], value: source.auth.refreshToken },
        ];
  return refs.flatMap((r) => (r.value !== null && ENV_REFERENCE.test(r.value) ? [{ path: r.path, variable: envName(r.value) }] : []));
}

/** `config check`: the references whose variable is not set (or empty) in `env`, at their paths. */
export function sourceEnvironmentProblems(sources: readonly SourceConfig[], env: NodeJS.ProcessEnv): { path: Path; message: string }[] {
  return sources.flatMap((source, i) =>
    sourceEnvReferences(source)
      .filter((r) => !env[r.variable])
      .map((r) => ({ path: ['sources', i, ...r.path], message: `environment variable ${r.variable} is not set; source ${source.name} cannot sync without it` })),
  );
}
