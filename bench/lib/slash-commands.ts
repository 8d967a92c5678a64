import { Agent, request } from 'node:http';
import type { LocalSlack } from '../../src/local-slack/index.js';
import { slackSignature, slashCommandBody } from '../../tests/helpers/slack.js';
import { log } from './processes.js';

/** A Slack user sending slash commands. */
export interface CommandUser {
  userId: string;
  email: string;
}

export interface CommandTarget {
  /** Pacer's base URL; commands go to POST /slack/events. */
  baseUrl: string;
  signingSecret: string;
  teamId: string;
  command: string;
  /** The local Slack: response URLs come from it and it records what is posted to them. */
  slack: LocalSlack;
  /** Whether an answer (a message as Pacer sends it) is the right one; a reason when not. */
  check: (message: unknown) => string | null;
  /** How long to wait for the POST on response_url after an empty acknowledgement. */
  responseTimeoutMs: number;
}

export type CommandOutcome =
  | { kind: 'in_ack'; user: string; responseUrl: string; ms: number; ackMs: number; bytes: number }
  | { kind: 'via_response_url'; user: string; responseUrl: string; ms: number; ackMs: number; bytes: number }
  | { kind: 'error'; user: string; responseUrl: string; ms: number; reason: string };

/** A failure of a request sent on a kept-alive connection the server was closing (retried once). */
class StaleConnectionError extends Error {}

function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no response within 30 s')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // The server closes a connection idle for its keep-alive timeout (5 s) while a user waits
      // on response_url; a request sent just then fails unanswered. Node's advice: retry it.
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
      reject(stale ? new StaleConnectionError(err.message) : err);
    });
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** performance.now() as epoch milliseconds, the clock the local Slack stamps responses with. */
const epochMs = (perfMs: number) => performance.timeOrigin + perfMs;

/**
 * One slash command as Slack sends it: signed, form-encoded, a fresh response URL. Timed from
 * sending to the answer: the acknowledgement's body fully read when it carries the answer, else
 * the arrival of the POST on response_url (the local Slack's timestamp).
 */
async function sendOne(agent: Agent, target: CommandTarget, user: CommandUser, onStaleConnection: () => void): Promise<CommandOutcome> {
  const responseUrl = target.slack.newResponseUrl();
  const body = slashCommandBody({ command: target.command, teamId: target.teamId, userId: user.userId, responseUrl });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(target.signingSecret, timestamp, body),
  };
  const base = { user: user.userId, responseUrl };
  const t0 = performance.now();
  const url = new URL('/slack/events', target.baseUrl);
  let reply: { status: number; text: string };
  let retried = false;
  try {
    reply = await post(agent, url, headers, body).catch((err: unknown) => {
      if (!(err instanceof StaleConnectionError)) throw err;
      retried = true;
      return post(agent, url, headers, body);
    });
  } catch (err) {
    return {
      ...base,
      kind: 'error',
      ms: performance.now() - t0,
      reason: `request failed${retried ? ' (after a retry on a closed keep-alive connection)' : ''}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (retried) onStaleConnection();
  const ackMs = performance.now() - t0;
  if (reply.status !== 200) return { ...base, kind: 'error', ms: ackMs, reason: `HTTP ${reply.status}` };
  if (reply.text.trim() !== '') {
    let message: unknown;
    try {
      message = JSON.parse(reply.text);
    } catch {
      return { ...base, kind: 'error', ms: ackMs, reason: 'acknowledgement is not JSON' };
    }
    const problem = target.check(message);
    if (problem) return { ...base, kind: 'error', ms: ackMs, reason: `acknowledgement: ${problem}` };
    return { ...base, kind: 'in_ack', ms: ackMs, ackMs, bytes: Buffer.byteLength(reply.text) };
  }
  // An empty acknowledgement: the answer must follow on response_url.
  const deadline = performance.now() + target.responseTimeoutMs;
  for (;;) {
    const posted = target.slack.responses(responseUrl)[0];
    if (posted) {
      const ms = posted.at - epochMs(t0);
      if (posted.status !== 200) return { ...base, kind: 'error', ms, reason: `response_url answered ${posted.status}` };
      const problem = target.check(posted.body);
      if (problem) return { ...base, kind: 'error', ms, reason: `response_url: ${problem}` };
      return { ...base, kind: 'via_response_url', ms, ackMs, bytes: Buffer.byteLength(JSON.stringify(posted.body)) };
    }
    if (performance.now() > deadline) return { ...base, kind: 'error', ms: performance.now() - t0, reason: `empty acknowledgement and nothing on response_url within ${target.responseTimeoutMs} ms` };
    await sleep(5);
  }
}

/**
 * Sends `requests` slash commands from the users concurrently: each user one keep-alive
 * connection, sending its next command as soon as its previous one is answered, until the
 * count is reached (with as many requests as users, each sends one). A request that fails on a
 * kept-alive connection the server had just closed is sent again at once (counted; its time
 * includes the failed try). Never throws on a bad answer: it is an outcome of kind "error".
 * Afterwards, each response URL must have received exactly the posts its acknowledgement called
 * for (one after an empty one, none otherwise).
 */
export async function sendCommands(
  target: CommandTarget,
  users: readonly CommandUser[],
  requests: number,
  label: string,
): Promise<{ outcomes: CommandOutcome[]; seconds: number; staleConnectionRetries: number }> {
  const outcomes: CommandOutcome[] = [];
  let staleConnectionRetries = 0;
  let next = 0;
  const started = performance.now();
  const progress = setInterval(() => {
    const errors = outcomes.filter((o) => o.kind === 'error').length;
    log(`  ${label}: ${outcomes.length}/${requests} answered, ${errors} errors, ${Math.round(outcomes.length / ((performance.now() - started) / 1000))}/s`);
  }, 5_000);
  const agents: Agent[] = [];
  const run = async (user: CommandUser) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    while (next < requests) {
      next += 1;
      outcomes.push(await sendOne(agent, target, user, () => (staleConnectionRetries += 1)));
    }
  };
  try {
    await Promise.all(users.map((u) => run(u)));
  } finally {
    clearInterval(progress);
    for (const a of agents) a.destroy();
  }
  const seconds = (performance.now() - started) / 1000;

  // A second answer would come right after the first: give stragglers a moment, then count.
  await sleep(500);
  const checked = outcomes.map((o): CommandOutcome => {
    if (o.kind === 'error') return o;
    const posts = target.slack.responses(o.responseUrl).length;
    const expected = o.kind === 'in_ack' ? 0 : 1;
    if (posts === expected) return o;
    return {
      kind: 'error',
      user: o.user,
      responseUrl: o.responseUrl,
      ms: o.ms,
      reason: `${o.kind === 'in_ack' ? 'answered in the acknowledgement' : 'answered via response_url'} and ${posts} posts on response_url`,
    };
  });
  return { outcomes: checked, seconds, staleConnectionRetries };
}
