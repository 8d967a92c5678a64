import type { LinkLabel, LinkTest } from '../metrics/correlation.js';
import type { AlertRule } from '../metrics/rules.js';

const TYPE_LABELS: Record<string, string> = {
  call: 'Calls',
  email: 'Emails',
  meeting: 'Meetings',
  demo: 'Demos',
  social_touch: 'Social touches',
  proposal_sent: 'Proposals sent',
  lead_assigned: 'Leads assigned',
  lead_qualified: 'Leads qualified',
  lead_disqualified: 'Leads disqualified',
  opportunity_created: 'Opportunities created',
  stage_changed: 'Stage changes',
  deal_won: 'Deals won',
  deal_lost: 'Deals lost',
};

const PLAIN_LABELS: Record<string, string> = {
  pipeline_created: 'Pipeline created per week',
  speed_to_lead_hours: 'Speed to lead (hours)',
  sla_hit_rate: 'Leads touched within SLA',
  qualification_rate: 'Qualification rate',
  'qualification_rate.inbound': 'Qualification rate (inbound)',
  'qualification_rate.outbound': 'Qualification rate (outbound)',
  opportunity_rate: 'Opportunity rate',
  touches_per_closed_deal: 'Touches per closed deal',
};

const titleCase = (s: string) => s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** A human label for an indicator key, as shown in Slack and the CLI. */
export function indicatorLabel(key: string): string {
  if (key.startsWith('cadence.')) {
    const type = key.slice('cadence.'.length);
    return `${TYPE_LABELS[type] ?? titleCase(type)} per week`;
  }
  if (key.startsWith('stage_conversion.')) return `${titleCase(key.slice('stage_conversion.'.length))} conversion`;
  return PLAIN_LABELS[key] ?? titleCase(key);
}

/** Noun for a count of the indicator's unit ("11 more calls"). */
/** A unit in the singular: its plural word made singular ("calls" → "call", "social touches" → "social touch", "leads assigned" → "lead assigned"). */
function singular(unit: string): string {
  const words = unit.split(' ');
  const at = words.findIndex((w) => /[^s]s$/.test(w));
  if (at < 0) return unit;
  const w = words[at]!;
  words[at] = w.endsWith('ies') ? `${w.slice(0, -3)}y` : /(ch|sh|x)es$/.test(w) ? w.slice(0, -2) : w.slice(0, -1);
  return words.join(' ');
}

/** The unit of `count` of an indicator: "1 call", "38 calls". */
export const unitOf = (key: string, count: number): string => (count === 1 ? singular(indicatorUnit(key)) : indicatorUnit(key));

export function indicatorUnit(key: string): string {
  if (key.startsWith('cadence.')) {
    const type = key.slice('cadence.'.length);
    return (TYPE_LABELS[type] ?? titleCase(type)).toLowerCase();
  }
  if (key === 'pipeline_created') return 'of pipeline';
  return '';
}

/** docs/metrics.md: the correlation labels in managers' words. */
export const LINK_WORDS: Record<LinkLabel, string> = {
  tracks_results: 'tracks results',
  possible_link: 'possible link',
  weak_or_no_link: 'weak or no link',
  too_few_reps: 'too few reps to tell',
};

/** "ρ 0.56, n 10, p 0.048": a link is always shown with its numbers ("—" for one that has none). */
export function linkFigures(t: LinkTest): string {
  const p = t.p === null ? '—' : t.p < 0.001 ? '< 0.001' : t.p.toFixed(3);
  return `ρ ${t.rho === null ? '—' : t.rho.toFixed(2)}, n ${t.n}, p ${p}`;
}

/** What a rate's n counts, for "3 leads — too few to compare": deals for stage conversion and touches per closed deal, else leads. */
export function sampleNoun(key: string, n: number): string {
  const noun = key.startsWith('stage_conversion.') || key === 'touches_per_closed_deal' ? 'deal' : 'lead';
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** An alert rule as people read it, before "alerts": "stalled-deal alerts". */
export const ALERT_RULE_WORDS: Record<AlertRule, string> = {
  untouched_lead: 'untouched-lead',
  stalled_deal: 'stalled-deal',
  missed_follow_up: 'missed-follow-up',
  activity_drop: 'activity-drop',
};
