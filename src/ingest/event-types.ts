/** Event types of docs/metrics.md. Teams may add touch types in the config (`touchTypes`). */
export const CORE_TOUCH_TYPES = ['call', 'email', 'meeting', 'demo', 'social_touch', 'proposal_sent'] as const;

export const CORE_EVENT_TYPES = [...CORE_TOUCH_TYPES, 'lead_assigned', 'lead_qualified', 'lead_disqualified', 'opportunity_created', 'stage_changed', 'deal_won', 'deal_lost'] as const;

export type CoreEventType = (typeof CORE_EVENT_TYPES)[number];
export type CoreTouchType = (typeof CORE_TOUCH_TYPES)[number];

const coreTypes: ReadonlySet<string> = new Set(CORE_EVENT_TYPES);
const coreTouchTypes: ReadonlySet<string> = new Set(CORE_TOUCH_TYPES);

export function isCoreEventType(type: string): type is CoreEventType {
  return coreTypes.has(type);
}

export function isCoreTouchType(type: string): type is CoreTouchType {
  return coreTouchTypes.has(type);
}

/** Fields an event type cannot do without (beyond id, type, occurredAt and the rep). */
export const REQUIRED_FIELDS: Record<CoreEventType, readonly ('leadId' | 'dealId' | 'amount' | 'stage' | 'leadSource')[]> = {
  call: [],
  email: [],
  meeting: [],
  demo: [],
  social_touch: [],
  proposal_sent: [],
  lead_assigned: ['leadId', 'leadSource'],
  lead_qualified: ['leadId'],
  lead_disqualified: ['leadId'],
  opportunity_created: ['dealId', 'amount'],
  stage_changed: ['dealId', 'stage'],
  deal_won: ['dealId', 'amount'],
  deal_lost: ['dealId'],
};
