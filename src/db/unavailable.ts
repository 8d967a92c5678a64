/**
 * Tells errors that mean "the database cannot serve this now" (down, unreachable, not answering
 * in time, or busy with the same rows) from those of the request or the code: the first deserve
 * a 503 and a retry, the second a 4xx or 500. Errors come from pg, from Prisma wrapping pg, and
 * from the embedded database (PGlite), which carry SQLSTATE codes as PostgreSQL's do.
 */
export type UnavailableReason = 'unreachable' | 'timeout' | 'busy';

/** SQLSTATE codes and what they mean here; all of class 08 (connection exception) is 'unreachable'. */
const SQLSTATES: Record<string, UnavailableReason> = {
  '57P01': 'unreachable', // admin_shutdown
  '57P02': 'unreachable', // crash_shutdown
  '57P03': 'unreachable', // cannot_connect_now (starting up, shutting down)
  '53300': 'busy', // too_many_connections
  '57014': 'timeout', // query_canceled: statement_timeout
  '25P03': 'timeout', // idle_in_transaction_session_timeout
  '55P03': 'busy', // lock_not_available
  '40001': 'busy', // serialization_failure
  '40P01': 'busy', // deadlock_detected
};

/** Node's socket errors (pg passes them on as they are). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Prisma's codes for the same conditions. */
const PRISMA_CODES: Record<string, UnavailableReason> = {
  P1001: 'unreachable', // can't reach database server
  P1002: 'timeout', // server reached but timed out
  P1008: 'timeout', // operations timed out
  P1017: 'unreachable', // server closed the connection
  P2024: 'timeout', // timed out fetching a connection from the pool
  P2034: 'busy', // write conflict or deadlock
};

/** Prisma's driver adapter error kinds (meta.driverAdapterError.cause.kind). */
const ADAPTER_KINDS: Record<string, UnavailableReason> = {
  DatabaseNotReachable: 'unreachable',
  ConnectionClosed: 'unreachable',
  SocketTimeout: 'timeout',
  TooManyConnections: 'busy',
  TransactionWriteConflict: 'busy',
};

/** Errors pg and PGlite raise without a code, by their exact message. */
const MESSAGES: Record<string, UnavailableReason> = {
  'Connection terminated unexpectedly': 'unreachable',
  'Connection terminated due to connection timeout': 'timeout',
  'timeout exceeded when trying to connect': 'timeout',
  'timeout expired': 'timeout',
  'Query read timeout': 'timeout',
  'Client has encountered a connection error and is not queryable': 'unreachable',
  'PGlite is closed': 'unreachable',
  'PGlite is closing': 'unreachable',
};

function field(value: object, name: string): unknown {
  return Reflect.get(value, name);
}

function classifyOne(value: object): UnavailableReason | null {
  const code = field(value, 'code');
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return 'unreachable';
    const known = PRISMA_CODES[code] ?? SQLSTATES[code] ?? (/^08[0-9A-Z]{3}$/.test(code) ? 'unreachable' : undefined);
    if (known) return known;
  }
  const kind = field(value, 'kind');
  if (typeof kind === 'string' && ADAPTER_KINDS[kind]) return ADAPTER_KINDS[kind];
  const message = field(value, 'message');
  if (typeof message === 'string' && MESSAGES[message]) return MESSAGES[message];
  return null;
}

/**
 * Why the database could not serve the request, or null when the error is not about the
 * database's availability. Looks through causes and Prisma's driver adapter details.
 */
export function databaseUnavailable(err: unknown): UnavailableReason | null {
  const seen = new Set<object>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const value = queue.shift();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const reason = classifyOne(value);
    if (reason) return reason;
    const meta = field(value, 'meta');
    queue.push(field(value, 'cause'), typeof meta === 'object' && meta !== null ? field(meta, 'driverAdapterError') : undefined);
  }
  return null;
}
