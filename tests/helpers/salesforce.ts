/** The local Salesforce scaled down for tests, and a sync wired to it. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { manualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import { DOCUMENTED_LIMITS, startLocalSalesforce, type LocalSalesforce, type LocalSalesforceLimits } from '../../src/local-crm/salesforce/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { SyncDeps } from '../../src/sync/runner.js';
import type { SalesforceTuning } from '../../src/sync/salesforce/source.js';
import { sourceFactory } from '../../src/sync/sources.js';

export const SF_CLIENT_ID = '3MVG9local.consumer.key.for.pacer.tests';
export const SF_CLIENT_SECRET = 'local-consumer-secret';
export const SF_REFRESH_TOKEN = '5Aep861local.refresh.token.for.pacer.tests';
export const SF_USERNAME = 'pacer-integration@acme.example';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** The connected app's private key (PEM), and the public key of the certificate the app holds. */
export const SF_PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const SF_PUBLIC_KEY = keys.publicKey;

/** Every credential variable a test config may name. */
export const SF_ENV = { SF_CLIENT_ID, SF_CLIENT_SECRET, SF_REFRESH_TOKEN, SF_JWT_KEY: SF_PRIVATE_KEY };

/** A wall clock tests move by hand, shared by the local Salesforce and the sync (sessions, Get Deleted's window). */
export function wallClock(start: Date): { now: () => number; set: (at: Date) => void; advance: (ms: number) => void } {
  let ms = start.getTime();
  return {
    now: () => ms,
    set: (at) => {
      ms = at.getTime();
    },
    advance: (by) => {
      ms += by;
    },
  };
}

export function startTestSalesforce(wall: { now: () => number }, overrides: Partial<LocalSalesforceLimits> = {}): Promise<LocalSalesforce> {
  return startLocalSalesforce({
    clientId: SF_CLIENT_ID,
    clientSecret: SF_CLIENT_SECRET,
    refreshToken: SF_REFRESH_TOKEN,
    jwt: { publicKey: SF_PUBLIC_KEY, username: SF_USERNAME },
    limits: { ...DOCUMENTED_LIMITS, ...overrides },
    now: wall.now,
  });
}

/** A salesforce source document (refresh token flow unless `jwt`). */
export function salesforceSource(instanceUrl: string, extra: Record<string, unknown> = {}, jwt = false) {
  return {
    kind: 'salesforce',
    instanceUrl,
    auth: jwt
      ? { clientId: 'env:SF_CLIENT_ID', username: SF_USERNAME, privateKey: 'env:SF_JWT_KEY' }
      : { clientId: 'env:SF_CLIENT_ID', clientSecret: 'env:SF_CLIENT_SECRET', refreshToken: 'env:SF_REFRESH_TOKEN' },
    ...extra,
  };
}

/**
 * Sync dependencies for the local Salesforce: the throttle's window a hundred times shorter
 * (100 requests per 100 ms), backoff in milliseconds, the wall clock the server uses.
 */
export function salesforceSyncDeps(
  db: Database,
  options: { now: Date; wall: { now: () => number }; logger?: Logger; tuning?: SalesforceTuning; env?: NodeJS.ProcessEnv; factory?: SyncDeps['createSource'] },
): SyncDeps & { clock: ReturnType<typeof manualClock> } {
  return {
    db,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    clock: manualClock(options.now),
    env: options.env ?? SF_ENV,
    processId: `test:${randomBytes(4).toString('hex')}`,
    createSource: options.factory ?? sourceFactory({ backoffMs: 5, salesforce: { windowMs: 100, limitBackoffMs: 5, now: options.wall.now, ...options.tuning } }),
  };
}
