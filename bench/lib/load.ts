import { Agent, request } from 'node:http';
import { log } from './processes.js';

export interface LoadResult {
  events: number;
  batches: number;
  clients: number;
  /** From the first request sent to the last response read. */
  seconds: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

interface Outcome {
  accepted: number;
  duplicates: number;
  unmatched: number;
  rejected: unknown[];
}

function isOutcome(v: unknown): v is Outcome {
  return typeof v === 'object' && v !== null && 'accepted' in v && 'duplicates' in v && 'rejected' in v && Array.isArray(v.rejected);
}

function post(agent: Agent, url: URL, key: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${key}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * Sends the pre-serialised bodies to POST /api/v1/events with `clients` concurrent clients
 * (each one keep-alive connection taking the next body when its response is in) and checks
 * every answer: 200 and all `expectedPerBatch[i]` events accepted. Throws on the first failure.
 */
export async function sendBatches(baseUrl: string, key: string, bodies: Buffer[], expectedPerBatch: number[], clients: number): Promise<LoadResult> {
  const url = new URL('/api/v1/events', baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  let eventsDone = 0;
  let failure: Error | undefined;
  const started = performance.now();
  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    log(`  ${done}/${bodies.length} batches, ${eventsDone} events, ${Math.round(eventsDone / s)} events/s`);
  }, 5_000);
  const client = async () => {
    while (!failure && next < bodies.length) {
      const i = next++;
      const t0 = performance.now();
      const { status, text } = await post(agent, url, key, bodies[i]!);
      latencies.push(performance.now() - t0);
      let outcome: unknown;
      try {
        outcome = JSON.parse(text);
      } catch {
        outcome = undefined;
      }
      const expected = expectedPerBatch[i]!;
      if (status !== 200 || !isOutcome(outcome) || outcome.accepted !== expected || outcome.duplicates !== 0 || outcome.rejected.length !== 0) {
        failure ??= new Error(`batch ${i}: expected 200 with accepted=${expected}, got ${status} ${text.slice(0, 1_000)}`);
        return;
      }
      done += 1;
      eventsDone += expected;
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, () => client()));
  } finally {
    clearInterval(progress);
    agent.destroy();
  }
  if (failure) throw failure;
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    events: eventsDone,
    batches: bodies.length,
    clients,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: Math.round(eventsDone / seconds),
    latencyMs: { p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) },
  };
}
