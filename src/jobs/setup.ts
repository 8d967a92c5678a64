import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { DeliveryClients } from '../slack/delivery/clients.js';
import { DEFAULT_POST_POLICY, type PostPolicy } from '../slack/delivery/post.js';
import { DEFAULT_POST_LIMITS, PostThrottle, type PostLimits } from '../slack/delivery/throttle.js';
import type { JobContext } from './context.js';

/** This process's name in the ledger's claims: host, pid and a random part (pids recur). */
export const newProcessId = () => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export function jobContext(deps: {
  db: Database;
  logger: Logger;
  clock: Clock;
  clients: DeliveryClients;
  limits?: PostLimits;
  policy?: PostPolicy;
  processId?: string;
  sleep?: (ms: number) => Promise<void>;
  telemetry?: Telemetry | undefined;
}): JobContext {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    clients: deps.clients,
    post: {
      db: deps.db,
      logger: deps.logger,
      clock: deps.clock,
      processId: deps.processId ?? newProcessId(),
      throttle: new PostThrottle(deps.limits ?? DEFAULT_POST_LIMITS, () => deps.clock.now().getTime(), sleep),
      policy: deps.policy ?? DEFAULT_POST_POLICY,
      sleep,
      telemetry: deps.telemetry,
    },
  };
}
