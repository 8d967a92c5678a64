import { envName } from '../config/sources-schema.js';
import { SyncError } from './errors.js';

/**
 * The value an `env:NAME` reference names, read when a sync starts (never stored, never logged).
 * A variable that is not set stops the source: only a person can set it.
 */
export function readCredential(reference: string, env: NodeJS.ProcessEnv, what: string): string {
  const name = envName(reference);
  const value = env[name];
  if (!value) throw new SyncError('config', `environment variable ${name} (the ${what}) is not set in this process`);
  return value;
}
