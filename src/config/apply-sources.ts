/**
 * What the config's `sources:` and `sync:` become in `crm_source` (src/db/config-repo.ts writes
 * them): the stored settings, and the hash that tells when a source's events would change.
 */
import { hash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { SourceConfig, SyncConfig } from './sources-rules.js';

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
