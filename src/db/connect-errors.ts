import { DatabaseUnreachableError } from '../errors.js';

/** Socket errors of a connection that never got through (node's `code` on the error). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/**
 * SQLSTATEs a server answers a connection attempt with: bad credentials (class 28), no such
 * database, starting up or shutting down, too many connections.
 */
const REFUSED_SQLSTATES = /^(28\w{3}|3D000|57P0[1-3]|53300)$/;

/** Messages of node-postgres when a connection attempt times out or its socket closes early. */
const DRIVER_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect)/i;

function codeOf(err: object): unknown {
  return 'code' in err ? err.code : undefined;
}

/** Why a connection attempt failed, in the driver's words, or undefined for any other error. */
export function connectionFailure(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = codeOf(err);
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || REFUSED_SQLSTATES.test(code))) {
    // Node reports a refused dual-stack connect as an AggregateError with an empty message.
    const first = err instanceof AggregateError ? err.errors.find((e): e is Error => e instanceof Error) : undefined;
    return err.message || first?.message || code;
  }
  return DRIVER_MESSAGES.test(err.message) ? err.message : undefined;
}

/**
 * Runs the first work on a freshly opened database (migrating it), turning a failure to connect
 * into DatabaseUnreachableError: one message naming the server, instead of a driver stack trace.
 */
export async function onReachableDatabase<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const reason = connectionFailure(err);
    if (reason === undefined) throw err;
    throw new DatabaseUnreachableError(where, reason, { cause: err });
  }
}
