/**
 * The config's `sources:` and `sync:` written to `crm_source`, inside applyConfig's transaction.
 * A source whose event-shaping settings changed (maps, `since`, the API it reads) loses its
 * checkpoints, so its next sync reads everything again under the new maps; one left out of the
 * config is deactivated (its events and history stay).
 */
import { hash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { Prisma } from '../generated/prisma/client.js';
import type { SourceConfig, SyncConfig } from './sources-rules.js';

type Tx = Prisma.TransactionClient;

/** What crm_source.settings holds. */
export interface StoredSourceSettings {
  source: SourceConfig;
  since: string | null;
}

/**
 * The settings that decide which events a source makes. Credentials and request limits are left
 * out: a rotated token or a raised limit reads the same records into the same events.
 */
export function settingsHash(source: SourceConfig, sync: SyncConfig): string {
  const { limits: _limits, ...shaping } = source;
  const credentialsOut = shaping.kind === 'hubspot' ? { ...shaping, token: null } : { ...shaping, auth: null };
  return hash('sha256', stringify({ source: credentialsOut, since: sync.since }) ?? '', 'hex');
}

export interface SourceChanges {
  added: number;
  updated: number;
  deactivated: number;
  /** Sources whose checkpoints were cleared: their next sync is a full one. */
  reset: string[];
}

export async function applySources(tx: Tx, workspaceId: number, sources: readonly SourceConfig[], sync: SyncConfig): Promise<SourceChanges> {
  const changes: SourceChanges = { added: 0, updated: 0, deactivated: 0, reset: [] };
  const existing = new Map((await tx.crmSource.findMany({ where: { workspaceId } })).map((s) => [s.name, s]));
  for (const source of sources) {
    const settings: StoredSourceSettings = { source, since: sync.since };
    const data = {
      kind: source.kind,
      settings: settings as unknown as Prisma.InputJsonValue,
      settingsHash: settingsHash(source, sync),
      everyMinutes: sync.everyMinutes,
      active: true,
    };
    const row = existing.get(source.name);
    existing.delete(source.name);
    if (!row) {
      await tx.crmSource.create({ data: { workspaceId, name: source.name, ...data } });
      changes.added += 1;
      continue;
    }
    const same = row.kind === data.kind && row.settingsHash === data.settingsHash && row.everyMinutes === data.everyMinutes && row.active && stringify(row.settings) === stringify(settings);
    if (same) continue;
    if (row.settingsHash !== data.settingsHash || row.kind !== data.kind) {
      await tx.crmCheckpoint.deleteMany({ where: { sourceId: row.id } });
      changes.reset.push(source.name);
    }
    await tx.crmSource.update({ where: { id: row.id }, data });
    changes.updated += 1;
  }
  for (const gone of existing.values()) {
    if (!gone.active) continue;
    await tx.crmSource.update({ where: { id: gone.id }, data: { active: false } });
    changes.deactivated += 1;
  }
  return changes;
}
