import type { DealHistory } from './deals.js';
import type { LeadRecord } from './leads.js';
import { mean } from './stats.js';
import { countOf, type MetricEvent } from './types.js';
import type { Interval } from './windows.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type AlertRule = 'untouched_lead' | 'stalled_deal' | 'missed_follow_up' | 'activity_drop';

export const ALERT_RULES: readonly AlertRule[] = ['untouched_lead', 'stalled_deal', 'missed_follow_up', 'activity_drop'];

/** 👍 and 👎 on one rule's alerts (a team's, over the last 30 days). */
export interface RuleFeedbackCount {
  rule: AlertRule;
  useful: number;
  notUseful: number;
}

/** A rep's alert rule paused after two 👎 within 30 days, until when. */
export interface PausedAlertRule {
  name: string;
  rule: AlertRule;
  until: Date;
}

/** The rule an alert key belongs to: every key starts with its rule (see the rules below). */
export function alertRuleOfKey(key: string): AlertRule | null {
  const prefix = key.slice(0, key.indexOf(':'));
  return ALERT_RULES.find((r) => r === prefix) ?? null;
}

/** A negative behaviour found as of an instant; `key` is unique per occurrence (the dedupe key). */
export interface AlertCandidate {
  rule: AlertRule;
  key: string;
  repId: number;
  /** When the condition became true (the deadline that passed). */
  triggeredAt: number;
  /** The lead, deal, meeting event or activity type concerned. */
  subject: string;
  /** The numbers the alert rests on. */
  detail: Record<string, number | string | null>;
  eventIds: string[];
}

export interface RuleSettings {
  slaHours: number;
  stalledDays: number;
  followUpHours: number;
  dropShare: number;
  dropMinPerWeek: number;
  alertLookbackDays: number;
}

/** Only subjects whose trigger lies within the lookback of t count: importing history floods nobody. */
function recent(triggeredAt: number, asOf: number, s: RuleSettings): boolean {
  return triggeredAt <= asOf && asOf - triggeredAt <= s.alertLookbackDays * DAY;
}

/** untouched_lead: a lead with no touch by its rep within slaHours of the assignment. Once per lead. */
export function untouchedLeads(leads: Iterable<LeadRecord>, asOf: number, s: RuleSettings): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const l of leads) {
    const deadline = l.assignedAt + s.slaHours * HOUR;
    const touchedInTime = l.firstTouchAt !== null && l.firstTouchAt <= deadline;
    if (touchedInTime || !recent(deadline, asOf, s)) continue;
    out.push({
      rule: 'untouched_lead',
      key: `untouched_lead:${l.repId}:${l.leadId}`,
      repId: l.repId,
      triggeredAt: deadline,
      subject: l.leadId,
      detail: { leadSource: l.source, slaHours: s.slaHours, hoursSinceAssigned: Math.floor((asOf - l.assignedAt) / HOUR) },
      eventIds: l.eventIds,
    });
  }
  return out;
}

/**
 * stalled_deal: an open deal with no touch and no stage change for stalledDays. Once per deal
 * per stall: a touch or stage change starts a new stall with a new key.
 */
export function stalledDeals(deals: Iterable<DealHistory>, asOf: number, s: RuleSettings): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const d of deals) {
    if (d.close !== null || d.ownerId === null || d.lastStageChangeAt === null) continue;
    const lastActivity = Math.max(d.lastStageChangeAt, d.lastTouchAt ?? 0);
    const triggeredAt = lastActivity + s.stalledDays * DAY;
    if (!recent(triggeredAt, asOf, s)) continue;
    out.push({
      rule: 'stalled_deal',
      key: `stalled_deal:${d.dealId}:${new Date(lastActivity).toISOString()}`,
      repId: d.ownerId,
      triggeredAt,
      subject: d.dealId,
      detail: { amount: d.createdAmount, daysSinceActivity: Math.floor((asOf - lastActivity) / DAY), stalledDays: s.stalledDays },
      eventIds: d.eventIds,
    });
  }
  return out;
}

/**
 * missed_follow_up: a meeting or demo on a lead or deal with no later touch on it (by anyone on
 * the team: the customer was followed up) within followUpHours. Once per meeting.
 */
export function missedFollowUps(events: readonly MetricEvent[], asOf: number, touchTypes: ReadonlySet<string>, s: RuleSettings): AlertCandidate[] {
  const touchesBySubject = new Map<string, number[]>();
  const subjectOf = (e: MetricEvent) => (e.dealId !== null ? `deal:${e.dealId}` : e.leadId !== null ? `lead:${e.leadId}` : null);
  for (const e of events) {
    const subject = subjectOf(e);
    if (subject === null || !touchTypes.has(e.type) || e.at >= asOf) continue;
    const list = touchesBySubject.get(subject);
    if (list) list.push(e.at);
    else touchesBySubject.set(subject, [e.at]);
  }
  const out: AlertCandidate[] = [];
  for (const e of events) {
    if ((e.type !== 'meeting' && e.type !== 'demo') || e.at >= asOf) continue;
    const subject = subjectOf(e);
    if (subject === null) continue;
    const deadline = e.at + s.followUpHours * HOUR;
    if (!recent(deadline, asOf, s)) continue;
    const followed = (touchesBySubject.get(subject) ?? []).some((at) => at > e.at && at <= deadline);
    if (followed) continue;
    out.push({
      rule: 'missed_follow_up',
      key: `missed_follow_up:${e.id}`,
      repId: e.repId,
      triggeredAt: deadline,
      subject,
      detail: { meetingType: e.type, followUpHours: s.followUpHours, meetingAt: new Date(e.at).toISOString() },
      eventIds: [e.id],
    });
  }
  return out;
}

/** How many of `events` (counts included) are of `type` within the week. */
const countIn = (events: readonly MetricEvent[], type: string, w: Interval) => countOf(events.filter((e) => e.type === type && e.at >= w.start.getTime() && e.at < w.end.getTime()));

/** The last week's count of `type` and the mean of the weeks before it (`weeks` oldest first). */
function lastWeekAgainstMean(events: readonly MetricEvent[], type: string, weeks: readonly Interval[]): { now: number; before: number } {
  return { now: countIn(events, type, weeks[weeks.length - 1]!), before: mean(weeks.slice(0, -1).map((w) => countIn(events, type, w)))! };
}

/**
 * The activities whose team total fell by dropShare or more in the last complete week, against
 * the team's mean over the weeks before it: nobody's activity_drop that week (a holiday is
 * nobody's drop). `events` are the team reps' (counts included); `weeks` the team's window,
 * oldest first, the last one being the last complete week.
 */
export function teamActivityFalls(events: readonly MetricEvent[], types: readonly string[], weeks: readonly Interval[], s: Pick<RuleSettings, 'dropShare'>): Set<string> {
  if (weeks.length < 2) return new Set();
  return new Set(
    types.filter((type) => {
      const { now, before } = lastWeekAgainstMean(events, type, weeks);
      return before > 0 && now <= (1 - s.dropShare) * before;
    }),
  );
}

/**
 * activity_drop: in the last complete week, the rep's count of a focus activity fell below
 * (1 − dropShare) × the rep's mean over the weeks before it, when that mean is at least
 * dropMinPerWeek. `weeks` are the rep's active weeks, oldest first, the last one being the last
 * complete week. Once per rep, activity and week. The caller leaves out of `types` what the team
 * as a whole dropped (teamActivityFalls), and asks only for reps with a results gap.
 */
export function activityDrops(repId: number, events: readonly MetricEvent[], types: readonly string[], weeks: readonly Interval[], asOf: number, s: RuleSettings): AlertCandidate[] {
  const last = weeks[weeks.length - 1];
  if (!last || weeks.length < 2 || !recent(last.end.getTime(), asOf, s)) return [];
  const own = events.filter((e) => e.repId === repId);
  const out: AlertCandidate[] = [];
  for (const type of types) {
    const { now, before } = lastWeekAgainstMean(own, type, weeks);
    if (before < s.dropMinPerWeek || now >= (1 - s.dropShare) * before) continue;
    out.push({
      rule: 'activity_drop',
      key: `activity_drop:${repId}:${type}:${last.start.toISOString()}`,
      repId,
      triggeredAt: last.end.getTime(),
      subject: type,
      detail: { lastWeek: now, previousMean: before, weeks: weeks.length - 1, dropShare: s.dropShare },
      eventIds: [],
    });
  }
  return out;
}
