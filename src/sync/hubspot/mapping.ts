/**
 * HubSpot records → Pacer's events (the table in docs/crm-sync.md). Pure: the source reads the
 * records, their property history and associations, then hands them here.
 *
 * Versions: an event's version is the latest modification time (epoch ms) of everything it is
 * made from — the record, its owner (whose email names the rep) and, for a deal, its company (the
 * account name) — so any change upstream replaces the stored event and a replay is a duplicate.
 *
 * Names and links (docs/metrics.md "Events"): a deal's events carry the deal's name, its company and
 * its page; a contact's events the person's name, company and page. Touches carry the deal and
 * lead ids but no copies of their names: a touch is not re-read when its deal is renamed, and a
 * stale copy on a later touch would win over the deal's own (the latest event carrying a name
 * names the record). Alerts about a touch's deal or lead find the name on that record's events.
 */
import { RECORD_NAME_MAX } from '../../ingest/event-schema.js';
import type { RecordResult } from '../record-results.js';
import type { EventInput } from '../../ingest/event-schema.js';
import type { HubSpotSourceConfig } from '../../config/sources-rules.js';
import type { HubSpotObject, Pipeline } from './client.js';

export interface OwnerInfo {
  email: string | null;
  /** Owner's last change, epoch ms (0 when unknown). */
  updatedMs: number;
}

export type StageMeaning = { kind: 'stage'; stage: string } | { kind: 'won' } | { kind: 'lost' } | { kind: 'open' };

export interface MappingContext {
  /** The source's name: the first part of every event id. */
  source: string;
  config: HubSpotSourceConfig;
  owners: ReadonlyMap<string, OwnerInfo>;
  /** The record's page in HubSpot. */
  recordUrl(objectTypeId: '0-1' | '0-3', id: string): string;
  stages: StageMap;
}

// ---------------------------------------------------------------------------------------------
// Values

/** An instant HubSpot sends (ISO 8601, or epoch ms as text) as epoch ms; null when unusable. */
export function parseTime(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) return null;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1970 && year <= 2999 ? ms : null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function clipName(value: string | null | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  return v.length > RECORD_NAME_MAX ? `${v.slice(0, RECORD_NAME_MAX - 1)}…` : v;
}

/** The numerically lowest id of a record's associations: one deal or lead per touch, the same every run. */
export function firstId(ids: readonly string[] | undefined): string | undefined {
  if (!ids || ids.length === 0) return undefined;
  return [...ids].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))[0];
}

/** A stage label as a team's stage name: "Presentation Scheduled" → presentation_scheduled. */
export function stageNameOf(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const modifiedOf = (r: HubSpotObject, property: string) => parseTime(r.properties[property]) ?? parseTime(r.updatedAt) ?? 0;

function repOf(ownerId: string | null | undefined, ctx: MappingContext): { ref: Pick<EventInput, 'repEmail' | 'crmOwnerId'>; updatedMs: number } | null {
  if (!ownerId) return null;
  const owner = ctx.owners.get(ownerId);
  // An owner HubSpot no longer lists is kept by id: credited once a member has that crmOwnerId.
  if (!owner?.email) return { ref: { crmOwnerId: ownerId }, updatedMs: owner?.updatedMs ?? 0 };
  return { ref: { repEmail: owner.email.toLowerCase() }, updatedMs: owner.updatedMs };
}

// ---------------------------------------------------------------------------------------------
// Deal stages

/**
 * Deal stages to Pacer's: closed stages by HubSpot's own metadata (closed won has probability 1),
 * open ones by the config's `stages` (stage id or label), else by a label that reads as a team's
 * stage name. A pipeline is synced when the config lists it, or (with no list) when any of its
 * stages maps to a team's stage.
 */
export class StageMap {
  private readonly byPipeline = new Map<string, { label: string; mapped: boolean; stages: Map<string, { label: string; meaning: StageMeaning }> }>();

  constructor(pipelines: readonly Pipeline[], config: HubSpotSourceConfig, teamStages: ReadonlySet<string>) {
    const explicit = new Map(Object.entries(config.stages));
    const listed = config.pipelines === null ? null : new Set(config.pipelines);
    for (const p of pipelines) {
      const stages = new Map<string, { label: string; meaning: StageMeaning }>();
      for (const s of p.stages) {
        const closed = String(s.metadata?.isClosed) === 'true';
        let meaning: StageMeaning;
        if (closed) meaning = Number(s.metadata?.probability) >= 1 ? { kind: 'won' } : { kind: 'lost' };
        else {
          const named = explicit.get(s.id) ?? explicit.get(s.label) ?? (teamStages.has(stageNameOf(s.label)) ? stageNameOf(s.label) : undefined);
          meaning = named === undefined ? { kind: 'open' } : { kind: 'stage', stage: named };
        }
        stages.set(s.id, { label: s.label, meaning });
      }
      const mapped = listed ? listed.has(p.id) || listed.has(p.label) : [...stages.values()].some((s) => s.meaning.kind === 'stage');
      this.byPipeline.set(p.id, { label: p.label, mapped, stages });
    }
  }

  /** Why deals of this pipeline are left out, or null when they are synced. */
  pipelineSkip(pipelineId: string | null | undefined): string | null {
    const p = pipelineId ? this.byPipeline.get(pipelineId) : undefined;
    if (!p) return `pipeline ${pipelineId ?? '(none)'} is unknown to HubSpot's pipelines API`;
    return p.mapped ? null : `pipeline "${p.label}" has no stage mapped to a team's pipeline`;
  }

  meaning(pipelineId: string, stageId: string): StageMeaning | null {
    return this.byPipeline.get(pipelineId)?.stages.get(stageId)?.meaning ?? null;
  }
}

// ---------------------------------------------------------------------------------------------
// Engagements

export type EngagementKind = 'call' | 'email' | 'meeting';

export const ENGAGEMENT_PROPERTIES: Record<EngagementKind, string[]> = {
  call: ['hs_timestamp', 'hubspot_owner_id', 'hs_lastmodifieddate'],
  email: ['hs_timestamp', 'hubspot_owner_id', 'hs_lastmodifieddate', 'hs_email_direction'],
  meeting: ['hs_timestamp', 'hubspot_owner_id', 'hs_lastmodifieddate', 'hs_meeting_start_time', 'hs_activity_type', 'hs_meeting_outcome'],
};

/** A call, email or meeting → one touch at its time, credited to its owner, on its deal and lead. */
export function mapEngagement(kind: EngagementKind, r: HubSpotObject, deals: readonly string[] | undefined, contacts: readonly string[] | undefined, ctx: MappingContext): RecordResult {
  const key = `${ctx.source}:${kind}:${r.id}`;
  const p = r.properties;
  if (kind === 'email' && p.hs_email_direction === 'INCOMING_EMAIL') return { key, events: [], skipped: 'incoming email (not a rep’s touch)' };
  const outcome = p.hs_meeting_outcome ?? '';
  if (kind === 'meeting' && ctx.config.meetings.skipOutcomes.includes(outcome)) return { key, events: [], skipped: `meeting outcome ${outcome}` };
  const rep = repOf(p.hubspot_owner_id, ctx);
  if (!rep) return { key, events: [], rejected: 'no owner (hubspot_owner_id is empty)' };
  const timeProperty = kind === 'meeting' && p.hs_meeting_start_time ? 'hs_meeting_start_time' : 'hs_timestamp';
  const at = parseTime(p[timeProperty]);
  if (at === null) return { key, events: [], rejected: `bad date in ${timeProperty}: ${JSON.stringify(p[timeProperty] ?? null)}` };
  const demo = kind === 'meeting' && (ctx.config.meetings.demoTypes.includes(p.hs_activity_type ?? '') || ctx.config.meetings.demoOutcomes.includes(outcome));
  const dealId = firstId(deals);
  const leadId = firstId(contacts);
  const event: EventInput = {
    id: key,
    type: demo ? 'demo' : kind,
    occurredAt: iso(at),
    ...rep.ref,
    ...(dealId === undefined ? {} : { dealId }),
    ...(leadId === undefined ? {} : { leadId }),
    version: Math.max(modifiedOf(r, 'hs_lastmodifieddate'), rep.updatedMs, 1),
  };
  return { key, events: [event] };
}

// ---------------------------------------------------------------------------------------------
// Contacts (leads)

export function contactProperties(config: HubSpotSourceConfig): string[] {
  return [
    ...new Set([
      'firstname',
      'lastname',
      'company',
      'hubspot_owner_id',
      'hubspot_owner_assigneddate',
      'createdate',
      'lastmodifieddate',
      config.leads.qualified.property,
      config.leads.disqualified.property,
      ...(config.leadSource.property ? [config.leadSource.property] : []),
    ]),
  ];
}

/** Whether a contact's current values need their history read (it is qualified or disqualified now). */
export function contactNeedsHistory(r: HubSpotObject, config: HubSpotSourceConfig): boolean {
  const { qualified, disqualified } = config.leads;
  return qualified.values.includes(r.properties[qualified.property] ?? '') || disqualified.values.includes(r.properties[disqualified.property] ?? '');
}

/**
 * When the property took its current value, counting a run of values all in `values` as one (a
 * lead that went sales-qualified, then opportunity, then customer was qualified at the first).
 * Null when the current value is not one of them.
 */
export function enteredAt(history: readonly { value: string; timestamp: string }[] | undefined, current: string | null | undefined, values: readonly string[]): number | null {
  if (!current || !values.includes(current)) return null;
  const entries = (history ?? [])
    .map((h) => ({ value: h.value, at: parseTime(h.timestamp) }))
    .filter((h): h is { value: string; at: number } => h.at !== null)
    .sort((a, b) => a.at - b.at);
  let since: number | null = null;
  for (let i = entries.length - 1; i >= 0 && values.includes(entries[i]!.value); i -= 1) since = entries[i]!.at;
  return since;
}

function leadSourceOf(value: string | null | undefined, config: HubSpotSourceConfig): 'inbound' | 'outbound' {
  const v = value ?? '';
  if (config.leadSource.outbound.includes(v)) return 'outbound';
  if (config.leadSource.inbound.includes(v)) return 'inbound';
  return config.leadSource.otherwise;
}

/** A contact with an owner → lead_assigned, and lead_qualified / lead_disqualified from its history. */
export function mapContact(r: HubSpotObject, ctx: MappingContext): RecordResult {
  const key = `${ctx.source}:contact:${r.id}`;
  const p = r.properties;
  const rep = repOf(p.hubspot_owner_id, ctx);
  if (!rep) return { key, events: [], rejected: 'no owner (hubspot_owner_id is empty)' };
  const assignedProperty = p.hubspot_owner_assigneddate ? 'hubspot_owner_assigneddate' : 'createdate';
  const assigned = parseTime(p[assignedProperty]);
  if (assigned === null) return { key, events: [], rejected: `bad date in ${assignedProperty}: ${JSON.stringify(p[assignedProperty] ?? null)}` };
  const { qualified, disqualified } = ctx.config.leads;
  const qualifiedAt = enteredAt(r.propertiesWithHistory?.[qualified.property], p[qualified.property], qualified.values);
  const disqualifiedAt = enteredAt(r.propertiesWithHistory?.[disqualified.property], p[disqualified.property], disqualified.values);
  const version = Math.max(modifiedOf(r, 'lastmodifieddate'), rep.updatedMs, 1);
  const leadName = clipName([p.firstname, p.lastname].filter(Boolean).join(' '));
  const accountName = clipName(p.company);
  const names = { ...(leadName ? { leadName } : {}), ...(accountName ? { accountName } : {}), url: ctx.recordUrl('0-1', r.id) };
  const base = { leadId: r.id, ...rep.ref, ...names, version };
  const leadSource = leadSourceOf(ctx.config.leadSource.property ? p[ctx.config.leadSource.property] : null, ctx.config);
  const events: EventInput[] = [{ id: `${key}:assigned`, type: 'lead_assigned', occurredAt: iso(assigned), leadSource, ...base }];
  // A status set before the owner (an import) counts from the assignment: nothing comes before it.
  if (qualifiedAt !== null) events.push({ id: `${key}:qualified`, type: 'lead_qualified', occurredAt: iso(Math.max(qualifiedAt, assigned)), ...base });
  if (disqualifiedAt !== null) events.push({ id: `${key}:disqualified`, type: 'lead_disqualified', occurredAt: iso(Math.max(disqualifiedAt, assigned)), ...base });
  return { key, events };
}

// ---------------------------------------------------------------------------------------------
// Deals

export const DEAL_SEARCH_PROPERTIES = ['hs_lastmodifieddate', 'pipeline'];
export const DEAL_PROPERTIES = ['dealname', 'amount', 'createdate', 'dealstage', 'pipeline', 'hubspot_owner_id', 'hs_lastmodifieddate'];
export const DEAL_HISTORY = ['dealstage', 'amount'];

export interface DealCompany {
  name: string | null;
  modifiedMs: number;
}

function parseAmount(value: string | null | undefined): number | null | 'bad' {
  if (value === null || value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n < 1e15 ? n : 'bad';
}

/**
 * A deal → opportunity_created at its create date (its amount then: the first in the amount's
 * history; no amount is 0, as in the CSV import), stage_changed at the first entry into each
 * stage mapped to the team's pipeline, and deal_won / deal_lost when it now sits in a closed
 * stage, at the moment it entered it (won with the amount now).
 */
export function mapDeal(r: HubSpotObject, company: DealCompany | undefined, contacts: readonly string[] | undefined, ctx: MappingContext): RecordResult {
  const key = `${ctx.source}:deal:${r.id}`;
  const p = r.properties;
  const skip = ctx.stages.pipelineSkip(p.pipeline);
  if (skip) return { key, events: [], skipped: skip };
  const rep = repOf(p.hubspot_owner_id, ctx);
  if (!rep) return { key, events: [], rejected: 'no owner (hubspot_owner_id is empty)' };
  const created = parseTime(p.createdate);
  if (created === null) return { key, events: [], rejected: `bad date in createdate: ${JSON.stringify(p.createdate ?? null)}` };
  const pipeline = p.pipeline!;
  const current = p.dealstage ? ctx.stages.meaning(pipeline, p.dealstage) : null;
  if (!current) return { key, events: [], rejected: `unknown stage ${JSON.stringify(p.dealstage ?? null)} in pipeline ${pipeline}` };
  const amountHistory = [...(r.propertiesWithHistory?.amount ?? [])].sort((a, b) => (parseTime(a.timestamp) ?? 0) - (parseTime(b.timestamp) ?? 0));
  const openingAmount = parseAmount(amountHistory[0]?.value ?? p.amount);
  const amountNow = parseAmount(p.amount);
  if (openingAmount === 'bad' || amountNow === 'bad') return { key, events: [], rejected: `bad amount ${JSON.stringify(p.amount)}` };

  const version = Math.max(modifiedOf(r, 'hs_lastmodifieddate'), rep.updatedMs, company?.modifiedMs ?? 0, 1);
  const dealName = clipName(p.dealname);
  const accountName = clipName(company?.name);
  const leadId = firstId(contacts);
  const base = {
    dealId: r.id,
    ...rep.ref,
    ...(dealName ? { dealName } : {}),
    ...(accountName ? { accountName } : {}),
    url: ctx.recordUrl('0-3', r.id),
    version,
  };
  const events: EventInput[] = [{ id: `${key}:created`, type: 'opportunity_created', occurredAt: iso(created), amount: openingAmount ?? 0, ...(leadId === undefined ? {} : { leadId }), ...base }];
  const history = (r.propertiesWithHistory?.dealstage ?? [])
    .map((h) => ({ stage: h.value, at: parseTime(h.timestamp) }))
    .filter((h): h is { stage: string; at: number } => h.at !== null)
    .sort((a, b) => a.at - b.at);
  const entered = new Set<string>();
  for (const h of history) {
    const meaning = ctx.stages.meaning(pipeline, h.stage);
    if (meaning?.kind !== 'stage' || entered.has(meaning.stage)) continue;
    entered.add(meaning.stage);
    events.push({ id: `${key}:stage:${meaning.stage}`, type: 'stage_changed', occurredAt: iso(Math.max(h.at, created)), stage: meaning.stage, ...base });
  }
  if (current.kind === 'won' || current.kind === 'lost') {
    const closedAt = history.at(-1)?.stage === p.dealstage ? history.at(-1)!.at : (parseTime(r.properties.hs_lastmodifieddate) ?? created);
    const at = iso(Math.max(closedAt, created));
    events.push(current.kind === 'won' ? { id: `${key}:won`, type: 'deal_won', occurredAt: at, amount: amountNow ?? 0, ...base } : { id: `${key}:lost`, type: 'deal_lost', occurredAt: at, ...base });
  }
  return { key, events };
}
