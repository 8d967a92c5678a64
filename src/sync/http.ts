/**
 * JSON over HTTP to a CRM's REST API, with Pacer's backoff in charge: every request waits for
 * room in the throttle's windows and holds its place there until a window after its answer
 * arrived (when the CRM has surely counted it); a 429 (or what the CRM's dialect calls rate limited, such as
 * Salesforce's 403 REQUEST_LIMIT_EXCEEDED) pauses every request for the CRM's Retry-After (or
 * what the CRM's rate-limit policy implies) and is tried again; a 5xx, a timeout or a dropped
 * connection is tried again with exponential backoff; any other answer is a failure the CRM's
 * dialect words. Node's own fetch, as everywhere in Pacer: no other HTTP client to trust.
 * Credentials go in headers only, and neither they nor the headers are ever logged.
 */
import type { Logger } from '../logger.js';
import { SyncError } from './errors.js';
import { realTimer, type Throttle, type Timer } from './rate-limit.js';

/** How a CRM words its failures. */
export interface CrmDialect {
  /** "HubSpot", for messages. */
  name: string;
  /** An answer other than 429 that means rate limited (Salesforce: 403 REQUEST_LIMIT_EXCEEDED). */
  isRateLimited?(status: number, body: unknown): boolean;
  /**
   * A rate-limited answer without Retry-After: how long to wait before try `attempt` + 1, which
   * requests wait (a limit of one class, such as search's per second, holds back only that class),
   * or `stopRun` (a daily limit) to end this run instead.
   */
  rateLimited(body: unknown, attempt: number): { waitMs: number; stopRun: string | null; holds?: string };
  /** Any other 4xx: the failure to report. */
  failure(status: number, body: unknown): SyncError;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | readonly string[] | undefined>;
  /** A JSON body. */
  body?: unknown;
  /** An application/x-www-form-urlencoded body instead (OAuth token endpoints). */
  form?: Record<string, string>;
  /** Throttle classes the request counts in, besides 'general' (e.g. 'search'). */
  classes?: readonly string[];
}

export interface CrmHttpOptions {
  baseUrl: string;
  /** The Authorization header, read when a request is made (tokens may be refreshed); null sends none. */
  authorization: () => string | null;
  dialect: CrmDialect;
  throttle: Throttle;
  logger: Logger;
  timer?: Timer;
  /** Tries per request before giving up (429s and transient failures alike). */
  maxAttempts?: number;
  /** First backoff after a transient failure; doubled each time. */
  backoffMs?: number;
  timeoutMs?: number;
}

const DEFAULTS = { maxAttempts: 8, backoffMs: 1000, timeoutMs: 30_000 };
/** A Retry-After longer than this is not waited out within a run (the next run picks up). */
const MAX_RETRY_AFTER_MS = 5 * 60 * 1000;

export class CrmHttp {
  /** Requests sent (every try counts: it is what the CRM's limits count). */
  requests = 0;
  /** 429 answers received. */
  rateLimited = 0;
  private readonly timer: Timer;

  constructor(private readonly options: CrmHttpOptions) {
    this.timer = options.timer ?? realTimer;
  }

  private url(req: HttpRequest): string {
    const url = new URL(`${this.options.baseUrl}${req.path}`);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value === undefined) continue;
      for (const v of typeof value === 'string' ? [value] : value) url.searchParams.append(key, v);
    }
    return url.toString();
  }

  async json<T>(req: HttpRequest): Promise<T> {
    const { dialect, throttle, logger } = this.options;
    const maxAttempts = this.options.maxAttempts ?? DEFAULTS.maxAttempts;
    const backoffMs = this.options.backoffMs ?? DEFAULTS.backoffMs;
    let lastProblem = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const permit = await throttle.acquire(['general', ...(req.classes ?? [])]);
      this.requests += 1;
      let res: Response;
      try {
        const authorization = this.options.authorization();
        res = await fetch(this.url(req), {
          method: req.method,
          headers: {
            ...(authorization === null ? {} : { authorization }),
            accept: 'application/json',
            ...(req.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : req.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(req.form !== undefined ? { body: new URLSearchParams(req.form).toString() } : req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULTS.timeoutMs),
        });
      } catch (err) {
        permit.done();
        lastProblem = `no answer from ${dialect.name} (${err instanceof Error ? err.message : String(err)})`;
        logger.debug({ path: req.path, attempt }, lastProblem);
        await this.timer.sleep(backoffMs * 2 ** (attempt - 1));
        continue;
      }
      // The answer's headers are in: the CRM has counted the request by now.
      permit.done();
      const body = await readBody(res);
      if (res.ok) return body as T;
      if (res.status === 429 || dialect.isRateLimited?.(res.status, body)) {
        this.rateLimited += 1;
        const limited = dialect.rateLimited(body, attempt);
        if (limited.stopRun !== null) throw new SyncError('rate_limit', limited.stopRun);
        const retryAfter = retryAfterMs(res.headers.get('retry-after'));
        const wait = retryAfter ?? limited.waitMs;
        if (wait > MAX_RETRY_AFTER_MS) throw new SyncError('rate_limit', `${dialect.name} asks to wait ${Math.ceil(wait / 1000)} s before the next request; the next sync carries on`);
        throttle.pause(wait, limited.holds);
        lastProblem = `${dialect.name} answered ${res.status} (rate limited) ${this.rateLimited === 1 ? 'once' : `${this.rateLimited} times`}`;
        logger.debug({ path: req.path, attempt, waitMs: wait }, 'rate limited: waiting');
        continue;
      }
      if (res.status >= 500) {
        lastProblem = `${dialect.name} answered ${res.status}`;
        logger.debug({ path: req.path, attempt, status: res.status }, lastProblem);
        await this.timer.sleep(backoffMs * 2 ** (attempt - 1));
        continue;
      }
      throw dialect.failure(res.status, body);
    }
    throw new SyncError(lastProblem.includes('(rate limited)') ? 'rate_limit' : 'unavailable', `${lastProblem}; gave up after ${maxAttempts} tries, the next sync carries on`);
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Retry-After in seconds (RFC 9110 also allows a date; CRMs send seconds). */
function retryAfterMs(value: string | null): number | null {
  if (value === null || !/^\d+(\.\d+)?$/.test(value.trim())) return null;
  return Number(value) * 1000;
}
