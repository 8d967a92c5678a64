import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { EventInput } from '../../src/ingest/event-schema.js';
import { createRng } from '../../src/seed/rng.js';

/**
 * Deterministic, realistic event data for the benchmarks: one team of 20 (a manager and 19
 * reps, named by email), a mix of every core event type over 26 weeks, amounts, lead and deal
 * ids that recur, and some metadata. The same seed gives the same events on every run.
 */

export const BENCH_SLACK_TEAM_ID = 'TBENCH0001';
export const BENCH_TEAM = {
  name: 'Central',
  timezone: 'America/Chicago',
  pipelineStages: ['discovery', 'demo', 'proposal', 'negotiation'],
};

export interface BenchMember {
  email: string;
  name: string;
  role: 'rep' | 'manager';
}

const FIRST = ['Anna', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sami', 'Tess'];

export const BENCH_MEMBERS: BenchMember[] = FIRST.map((first, i) => ({
  email: `${first.toLowerCase()}.${i}@bench.example.com`,
  name: `${first} Bench`,
  role: i === 0 ? 'manager' : 'rep',
}));

const REP_EMAILS = BENCH_MEMBERS.filter((m) => m.role === 'rep').map((m) => m.email);

/** The end of the 26 weeks the events fall in. */
const END = Date.parse('2026-11-23T00:00:00Z');
const SPAN_SECONDS = 26 * 7 * 24 * 3600;

/** Cumulative weights (percent) of the event types. */
const TYPE_WEIGHTS: [string, number][] = [
  ['call', 30],
  ['email', 25],
  ['meeting', 8],
  ['demo', 4],
  ['social_touch', 5],
  ['proposal_sent', 3],
  ['lead_assigned', 8],
  ['lead_qualified', 4],
  ['lead_disqualified', 2],
  ['opportunity_created', 4],
  ['stage_changed', 4],
  ['deal_won', 2],
  ['deal_lost', 1],
];
const TYPE_TABLE: string[] = TYPE_WEIGHTS.flatMap(([type, weight]) => Array<string>(weight).fill(type));

/** One event as a sender writes it (the API body's shape; the CSV carries the same columns but metadata). */
export type BenchEvent = EventInput & { repEmail: string };

const OFFSETS = ['Z', 'Z', 'Z', '-06:00', '-05:00', '+01:00'];

function instant(epochSeconds: number, offset: string): string {
  if (offset === 'Z') return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date((epochSeconds + minutes * 60) * 1000).toISOString().replace('.000Z', offset);
}

/**
 * Generates events `from` … `from + count - 1` of the stream for `seed`; ids are
 * `<prefix>-<index>`, unique within a stream. Chunks of one stream concatenate into it.
 */
export function generateEvents(from: number, count: number, options: { seed?: number; prefix?: string; metadata?: boolean } = {}): BenchEvent[] {
  const prefix = options.prefix ?? 'ev';
  const withMetadata = options.metadata ?? true;
  const out: BenchEvent[] = [];
  for (let i = from; i < from + count; i += 1) {
    // One generator per event keeps chunks independent of how the stream is cut.
    // One stream per event: event i is the same whichever batch or file it is written to.
    const rng = createRng(options.seed ?? 20261123, i);
    const rnd = () => rng.float();
    const type = TYPE_TABLE[Math.floor(rnd() * TYPE_TABLE.length)]!;
    const repEmail = REP_EMAILS[Math.floor(rnd() * REP_EMAILS.length)]!;
    const at = Math.floor(END / 1000 - rnd() * SPAN_SECONDS);
    const e: BenchEvent = { id: `${prefix}-${i}`, type, occurredAt: instant(at, OFFSETS[Math.floor(rnd() * OFFSETS.length)]!), repEmail };
    const lead = `L-${Math.floor(rnd() * 60_000)}`;
    const deal = `D-${Math.floor(rnd() * 20_000)}`;
    const amount = Math.round((1_000 + rnd() * 99_000) * 100) / 100;
    switch (type) {
      case 'lead_assigned':
        e.leadId = lead;
        e.leadSource = rnd() < 0.6 ? 'inbound' : 'outbound';
        break;
      case 'lead_qualified':
      case 'lead_disqualified':
        e.leadId = lead;
        break;
      case 'opportunity_created':
        e.dealId = deal;
        e.leadId = lead;
        e.amount = amount;
        break;
      case 'stage_changed':
        e.dealId = deal;
        e.stage = BENCH_TEAM.pipelineStages[Math.floor(rnd() * BENCH_TEAM.pipelineStages.length)]!;
        break;
      case 'deal_won':
        e.dealId = deal;
        e.amount = amount;
        break;
      case 'deal_lost':
        e.dealId = deal;
        break;
      default: {
        // Touches: about half on a lead, a quarter on a deal.
        const r = rnd();
        if (r < 0.5) e.leadId = lead;
        else if (r < 0.75) e.dealId = deal;
        if (withMetadata && rnd() < 0.3) {
          e.metadata =
            type === 'call'
              ? { source: 'hubspot', durationSec: Math.floor(rnd() * 1800), outcome: rnd() < 0.4 ? 'connected' : 'voicemail' }
              : { source: 'hubspot', subject: `Follow-up ${Math.floor(rnd() * 100)}` };
        }
      }
    }
    out.push(e);
  }
  return out;
}

/** Request bodies of `batchSize` events each, serialised up front so the clients measure the server. */
export function serialisedBatches(events: number, batchSize: number, options: { seed?: number; prefix?: string } = {}): Buffer[] {
  const bodies: Buffer[] = [];
  for (let from = 0; from < events; from += batchSize) {
    const count = Math.min(batchSize, events - from);
    bodies.push(Buffer.from(JSON.stringify({ events: generateEvents(from, count, options) })));
  }
  return bodies;
}

export const CSV_COLUMNS = ['id', 'type', 'occurredAt', 'repEmail', 'leadId', 'dealId', 'amount', 'stage', 'leadSource'] as const;

function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes an events CSV of `rows` rows (plus the header), streaming, and returns its size in bytes. */
export async function writeEventsCsv(file: string, rows: number, options: { seed?: number; prefix?: string } = {}): Promise<number> {
  const out = createWriteStream(file);
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(`${CSV_COLUMNS.join(',')}\n`);
  const chunk = 10_000;
  for (let from = 0; from < rows; from += chunk) {
    const events = generateEvents(from, Math.min(chunk, rows - from), { ...options, metadata: false });
    await write(events.map((e) => `${CSV_COLUMNS.map((c) => csvField(e[c])).join(',')}\n`).join(''));
  }
  out.end();
  await once(out, 'finish');
  return out.bytesWritten;
}
