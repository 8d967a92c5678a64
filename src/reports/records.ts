/**
 * Record names and links in reports (docs/metrics.md "Events", rev 2): wherever a report names a deal
 * or a lead it carries `record {kind, id, name, accountName, url}`. The metrics engine knows only
 * ids; the names are filled in afterwards from the events that carry them (db/record-names.ts).
 */
import type { AlertCandidate } from '../metrics/rules.js';
import { recordKey, type RecordInfo, type RecordRef } from '../metrics/records.js';
import type { RepReport, TeamReport } from './types.js';

/** The deal or lead an alert is about; null for an activity drop, which is about a cadence. */
export function alertRecordRef(a: Pick<AlertCandidate, 'rule' | 'subject'>): RecordRef | null {
  switch (a.rule) {
    case 'untouched_lead':
      return { kind: 'lead', id: a.subject };
    case 'stalled_deal':
      return { kind: 'deal', id: a.subject };
    case 'missed_follow_up': {
      // The subject is "deal:<id>" or "lead:<id>" (rules.ts).
      const m = /^(deal|lead):(.*)$/s.exec(a.subject);
      return m ? { kind: m[1] === 'deal' ? 'deal' : 'lead', id: m[2]! } : null;
    }
    case 'activity_drop':
      return null;
  }
}

/** The alert's record before its name is known. */
export function unnamedRecord(a: Pick<AlertCandidate, 'rule' | 'subject'>): RecordInfo | null {
  const ref = alertRecordRef(a);
  return ref && { ...ref, name: null, accountName: null, url: null };
}

/** Every record a rep report's alerts name. */
export function repRecordRefs(report: RepReport): RecordRef[] {
  return report.alerts.flatMap((a) => (a.record ? [{ kind: a.record.kind, id: a.record.id }] : []));
}

/** Every record a team report's alerts name. */
export function reportRecordRefs(report: TeamReport): RecordRef[] {
  return report.members.flatMap(repRecordRefs);
}

/** The rep report with each alert's record named from `infos` (by recordKey). */
export function nameRepRecords(report: RepReport, infos: ReadonlyMap<string, RecordInfo>): RepReport {
  return { ...report, alerts: report.alerts.map((a) => (a.record ? { ...a, record: infos.get(recordKey(a.record)) ?? a.record } : a)) };
}

/** The team report with each alert's record named from `infos` (by recordKey). */
export function nameReportRecords(report: TeamReport, infos: ReadonlyMap<string, RecordInfo>): TeamReport {
  return { ...report, members: report.members.map((m) => nameRepRecords(m, infos)) };
}
