/**
 * Fills the local HubSpot from the demo generator's org (src/seed): each rep an owner, each lead
 * a contact (assigned at its assignment, lifecycle stage and lead status changing when it is
 * qualified or disqualified), each deal a deal in its team's pipeline with its company and
 * contact, its stage and amount history as the events happened, and each call, email, meeting
 * and demo an engagement on its deal and contact. Social touches and proposals have no HubSpot
 * engagement and are counted as left out.
 */
import { orgEvents } from '../../seed/events.js';
import type { SeedEvent, SeedOrg } from '../../seed/types.js';
import type { LocalHubSpotState, ObjectType } from './state.js';
import type { LocalPipeline } from './types.js';

export interface HubSpotSeedResult {
  /** Seed lead id → contact id, seed deal id → deal id, rep email → owner id. */
  contacts: Map<string, string>;
  deals: Map<string, string>;
  owners: Map<string, string>;
  /** Seed event id of each call, email, meeting and demo → its engagement, as `call:30001`. */
  engagements: Map<string, string>;
  /** Pipeline of each team, by team name. */
  pipelines: Map<string, LocalPipeline>;
  /** Events of types HubSpot has no record for, by type. */
  leftOut: Record<string, number>;
  /** Records written, by object type. */
  records: Record<string, number>;
}

/** The meeting type (hs_activity_type) a seeded demo carries: a source's `meetings.demoTypes`. */
export const SEED_DEMO_TYPE = 'Demo';
/** HubSpot's source for inbound and outbound seeded leads (the default lead source map takes OFFLINE as outbound). */
export const SEED_LEAD_SOURCES = { inbound: 'ORGANIC_SEARCH', outbound: 'OFFLINE' } as const;

const ENGAGEMENT: Record<string, { type: ObjectType; kind: 'call' | 'email' | 'meeting' }> = {
  call: { type: 'calls', kind: 'call' },
  email: { type: 'emails', kind: 'email' },
  meeting: { type: 'meetings', kind: 'meeting' },
  demo: { type: 'meetings', kind: 'meeting' },
};

const label = (stage: string) => stage.charAt(0).toUpperCase() + stage.slice(1).replace(/_/g, ' ');

/** One pipeline per distinct stage list, the first HubSpot's `default` one; open stage labels read as the team's stage names. */
function pipelinesOf(org: SeedOrg): Map<string, LocalPipeline> {
  const byStages = new Map<string, LocalPipeline>();
  const byTeam = new Map<string, LocalPipeline>();
  for (const team of org.teams) {
    const key = team.pipelineStages.join('|');
    let p = byStages.get(key);
    if (!p) {
      const n = byStages.size;
      const id = n === 0 ? 'default' : String(1000 * n);
      p = {
        id,
        label: n === 0 ? 'Sales pipeline' : `Sales pipeline ${n + 1}`,
        stages: [
          ...team.pipelineStages.map((s, k) => ({ id: n === 0 ? s.replace(/_/g, '') : String(1000 * n + k + 1), label: label(s) })),
          { id: n === 0 ? 'closedwon' : String(1000 * n + 98), label: 'Closed won', closed: 'won' as const },
          { id: n === 0 ? 'closedlost' : String(1000 * n + 99), label: 'Closed lost', closed: 'lost' as const },
        ],
      };
      byStages.set(key, p);
    }
    byTeam.set(team.name, p);
  }
  return byTeam;
}

export function seedHubSpot(state: LocalHubSpotState, org: SeedOrg): HubSpotSeedResult {
  const pipelines = pipelinesOf(org);
  state.pipelines = [...new Set(pipelines.values())];
  const result: HubSpotSeedResult = { contacts: new Map(), deals: new Map(), owners: new Map(), engagements: new Map(), pipelines, leftOut: {}, records: {} };
  const counted = (type: string) => {
    result.records[type] = (result.records[type] ?? 0) + 1;
  };
  const companies = new Map<string, string>();
  const dealPipeline = new Map<string, LocalPipeline>();
  const ownersUpdated = org.options.end.getTime() - org.options.weeks * 7 * 86_400_000;
  let ownerId = 70_000_000;
  for (const team of org.teams) {
    for (const rep of team.reps) {
      ownerId += 1;
      const [firstName, ...rest] = rep.name.split(' ');
      state.owners.push({ id: String(ownerId), email: rep.email, firstName: firstName ?? rep.name, lastName: rest.join(' '), updatedAt: ownersUpdated });
      result.owners.set(rep.email, String(ownerId));
    }
  }

  for (const { team, rep, events } of orgEvents(org)) {
    const owner = result.owners.get(rep.email)!;
    const pipeline = pipelines.get(team.name)!;
    for (const e of events) apply(e, owner, pipeline);
  }
  return result;

  function apply(e: SeedEvent, owner: string, pipeline: LocalPipeline): void {
    const at = Date.parse(e.occurredAt);
    const engagement = ENGAGEMENT[e.type];
    if (engagement) {
      const properties: Record<string, string> = { hs_timestamp: e.occurredAt, hubspot_owner_id: owner };
      if (engagement.kind === 'email') properties.hs_email_direction = 'EMAIL';
      if (engagement.kind === 'meeting') {
        properties.hs_meeting_start_time = e.occurredAt;
        properties.hs_meeting_outcome = 'COMPLETED';
        properties.hs_activity_type = e.type === 'demo' ? SEED_DEMO_TYPE : 'Sales meeting';
      }
      const id = state.upsert(engagement.type, null, properties, at);
      counted(engagement.type);
      result.engagements.set(e.id, `${engagement.kind}:${id}`);
      const deal = e.dealId === undefined ? undefined : result.deals.get(e.dealId);
      const contact = e.leadId === undefined ? undefined : result.contacts.get(e.leadId);
      if (deal) state.associate(engagement.type, id, 'deals', deal);
      if (contact) state.associate(engagement.type, id, 'contacts', contact);
      return;
    }
    switch (e.type) {
      case 'lead_assigned': {
        const [first, ...last] = (e.leadName ?? '').split(' ');
        const id = state.upsert(
          'contacts',
          null,
          {
            firstname: first ?? '',
            lastname: last.join(' '),
            company: e.accountName ?? '',
            hubspot_owner_id: owner,
            hubspot_owner_assigneddate: e.occurredAt,
            hs_analytics_source: SEED_LEAD_SOURCES[e.leadSource ?? 'inbound'],
            lifecyclestage: 'lead',
            hs_lead_status: 'NEW',
          },
          at,
        );
        counted('contacts');
        result.contacts.set(e.leadId!, id);
        return;
      }
      case 'lead_qualified':
        state.upsert('contacts', result.contacts.get(e.leadId!)!, { lifecyclestage: 'salesqualifiedlead' }, at);
        return;
      case 'lead_disqualified':
        state.upsert('contacts', result.contacts.get(e.leadId!)!, { hs_lead_status: 'UNQUALIFIED' }, at);
        return;
      case 'opportunity_created': {
        const account = e.accountName ?? 'Unknown account';
        let company = companies.get(account);
        if (!company) {
          company = state.upsert('companies', null, { name: account }, at);
          companies.set(account, company);
          counted('companies');
        }
        const id = state.upsert(
          'deals',
          null,
          { dealname: e.dealName ?? e.dealId!, amount: String(e.amount ?? 0), pipeline: pipeline.id, dealstage: pipeline.stages[0]!.id, hubspot_owner_id: owner },
          at,
        );
        counted('deals');
        result.deals.set(e.dealId!, id);
        dealPipeline.set(id, pipeline);
        state.associate('deals', id, 'companies', company);
        const contact = e.leadId === undefined ? undefined : result.contacts.get(e.leadId);
        if (contact) state.associate('deals', id, 'contacts', contact);
        return;
      }
      case 'stage_changed': {
        const id = result.deals.get(e.dealId!)!;
        const stage = dealPipeline.get(id)!.stages.find((s) => s.label === label(e.stage!))!;
        state.upsert('deals', id, { dealstage: stage.id }, at);
        return;
      }
      case 'deal_won':
      case 'deal_lost': {
        const id = result.deals.get(e.dealId!)!;
        const stage = dealPipeline.get(id)!.stages.find((s) => s.closed === (e.type === 'deal_won' ? 'won' : 'lost'))!;
        state.upsert('deals', id, { dealstage: stage.id, ...(e.type === 'deal_won' ? { amount: String(e.amount ?? 0) } : {}) }, at);
        return;
      }
      default:
        result.leftOut[e.type] = (result.leftOut[e.type] ?? 0) + 1;
    }
  }
}
