/**
 * Why a sync stopped. A stopping failure needs a person (a revoked or expired token, a missing
 * permission, a credential variable not set, a request the CRM refuses as malformed: a property
 * the config names that does not exist): the source is reported failing through data health,
 * once per spell, and later attempts only check whether it has been fixed. Anything else (the
 * network, the CRM's 5xx, a rate limit that outlasts the backoff, the daily limit) ends this run
 * and the next scheduled one carries on from the checkpoints.
 */
import { PacerError } from '../errors.js';

export type SyncFailureKind = 'auth' | 'permission' | 'config' | 'refused' | 'rate_limit' | 'unavailable';

const STOPPING: ReadonlySet<SyncFailureKind> = new Set(['auth', 'permission', 'config', 'refused']);

export interface SyncErrorOptions extends ErrorOptions {
  /** An auth failure the CRM explained: its token was revoked (or is not valid) or has expired. */
  token?: 'revoked' | 'expired';
}

export class SyncError extends PacerError {
  readonly token: 'revoked' | 'expired' | null;

  constructor(
    readonly kind: SyncFailureKind,
    message: string,
    options?: SyncErrorOptions,
  ) {
    super(`sync_${kind}`, message, options);
    this.token = options?.token ?? null;
  }

  /** Whether only a person can fix it (then the source is reported failing). */
  get stopping(): boolean {
    return STOPPING.has(this.kind);
  }
}

/** Any error as the source's recorded error: a SyncError's message, or what else went wrong. */
export function describeSyncError(err: unknown): string {
  if (err instanceof PacerError) return err.message;
  return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}
