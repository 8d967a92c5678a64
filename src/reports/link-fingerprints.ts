import { hash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { TeamInput } from './compute.js';

/**
 * A hash of everything of a team's config its cohort pairs can depend on: members and their start
 * dates, focus, thresholds and other settings, targets, stages, touch types, time zone, week start.
 * That is the whole input, keys sorted, so a setting added to TeamInput is covered without a change here.
 */
export function configFingerprint(input: TeamInput): string {
  return hash('sha256', stringify({ ...input, touchTypes: [...input.touchTypes].sort() }) ?? '', 'hex');
}

/** What the workspace-wide test is computed from: every team's pairs, named by team, week and fingerprint. */
export function linksBasis(teams: readonly { teamId: number; weekStart: Date; fingerprint: string }[]): string {
  const parts = [...teams].sort((a, b) => a.teamId - b.teamId).map((t) => `${t.teamId}@${t.weekStart.toISOString()}=${t.fingerprint}`);
  return hash('sha256', parts.join('\n'), 'hex');
}
