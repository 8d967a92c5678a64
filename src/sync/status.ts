/** `pacer status`'s lines about the CRM sources (last success, how far behind, the error), and the same for /metrics. */
import type { SourceRow } from '../db/sync-repo.js';
import type { SourceSyncState } from '../telemetry/telemetry.js';

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
}

export function sourceStatusLines(rows: readonly SourceRow[], now: Date): string[] {
  if (rows.length === 0) return [];
  return [
    'CRM sources:',
    ...rows.map((s) => {
      const success = s.lastSuccessAt === null ? 'never synced yet' : `last success ${s.lastSuccessAt.toISOString()} (${ago(now.getTime() - s.lastSuccessAt.getTime())} ago)`;
      const state =
        s.failingSince !== null
          ? `; FAILING since ${s.failingSince.toISOString()}: ${s.lastError ?? 'unknown error'}`
          : s.lastError !== null
            ? `; last attempt failed (retried every ${s.everyMinutes} min): ${s.lastError}`
            : '';
      return `  ${s.name} (${s.kind}, every ${s.everyMinutes} min): ${success}${state}`;
    }),
  ];
}

/** What /metrics shows of each source: seconds since its last success (Pacer's clock, as the success was stamped) and whether it is failing. */
export function sourceSyncStates(rows: readonly SourceRow[], now: Date): SourceSyncState[] {
  return rows.map((s) => ({
    workspace: s.slackTeamId,
    source: s.name,
    lagSeconds: s.lastSuccessAt === null ? null : Math.max(0, (now.getTime() - s.lastSuccessAt.getTime()) / 1000),
    failing: s.failingSince !== null,
  }));
}
