import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { DEFAULT_CRM_BASE_URL, SEED_DEFAULTS } from '../seed/defaults.js';
import type { RuleCounts, SeedProgress, SeedSummary } from '../seed/run.js';
import { action, CliExit, withDatabase } from './context.js';

const HELP = `
The org: the reps split into teams of 6–12 (about 10) in time zones on several continents, each
with one or two managers, a pipeline, 3–4 focus indicators and quarterly targets; top performers
who really work and convert better, closers over their target with little activity, 2–3 ramping
new hires (one with a target of their own), leads, deals won, lost and stalled, young deals in
every stage, and one team's holiday week (all activity × 0.2) in the cadence window. Every deal
and lead has a name, an account and a link to its page at --crm-url (the sandbox serves
/crm/deals/<id> and /crm/leads/<id>). Every event lies in its team's working hours (Mon–Fri
09:00–18:00 local) and before the end instant.

The end instant (--end) defaults to the latest Monday 12:00 UTC at or before now (PACER_NOW
when set): then every team, from UTC−8 to UTC+12, has just finished the same week. The same
--reps, --weeks, --seed and --end give the same config and the same events (ids included), so
running a seed again stores nothing new.

Each team gets one untouched lead, one stalled deal, one missed follow-up and one activity drop
timed to be alerts as of the end instant; the command then computes every team report as of
the end and fails (exit 1) unless each team has at least one alert of each rule and every
planted one is among them.

Examples:
  npm run pacer -- seed --reps 20 --weeks 14
  npm run pacer -- seed --reps 1000 --weeks 26 --seed 7 --end 2026-11-23T12:00:00Z --no-verify
`;

interface SeedCliOptions {
  reps: string;
  weeks: string;
  seed: string;
  end?: string;
  workspace: string;
  crmUrl: string;
  configOut?: string;
  verify: boolean;
}

function wholeNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value.replace(/_/g, ''))) throw new CliExit(`${flag} must be a whole number, not "${value}"`);
  return Number(value.replace(/_/g, ''));
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;
const rules = (c: RuleCounts) =>
  Object.entries(c)
    .map(([r, n]) => `${r} ${count(n)}`)
    .join(', ');

export function formatSeedSummary(s: SeedSummary): string {
  const lines = [
    `seeded workspace ${s.workspace} (seed ${s.seed}, ${s.weeks} weeks to ${s.end.toISOString()}): ${plural(s.teams, 'team')}, ${plural(s.reps, 'rep')}, ${plural(s.managers, 'manager')}`,
    `  config    ${s.configFile ?? '(not written)'}`,
    `  events    ${count(s.events)} in ${s.seconds.toFixed(1)} s (${count(Math.round(s.eventsPerSecond))} events/s)${s.duplicates > 0 ? `; ${count(s.duplicates)} were stored already` : ''}`,
    `  planted   ${rules(s.planted)}`,
  ];
  const v = s.verification;
  if (v === null) lines.push('  found     (not checked: --no-verify)');
  else {
    lines.push(`  found     ${rules(v.found)} — alerts as of the end in ${plural(s.teams, 'team report')} (${v.seconds.toFixed(1)} s)`);
    lines.push(`  of which  ${rules(v.plantedFound)} planted`);
  }
  return `${lines.join('\n')}\n`;
}

/** A progress bar on stderr, only for a person watching a terminal. */
function progressBar(): { update(p: SeedProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: 'seeding [{bar}] {percentage}% | {value}/{total} reps | {events} events | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      if (!started) bar.start(p.reps, p.repsDone, { events: count(p.events) });
      else bar.update(p.repsDone, { events: count(p.events) });
      started = true;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('fill the database with a synthetic org: its coaching config, its events and planted negative behaviours, checked against the reports')
    .requiredOption('--reps <n>', 'number of reps (split into teams of 6–12)')
    .requiredOption('--weeks <n>', 'weeks of history before the end instant')
    .option('--seed <n>', 'seed of the random generator: the same seed gives the same org and events', String(SEED_DEFAULTS.seed))
    .option('--end <iso>', 'the end instant, ISO 8601 with offset (default: the latest Monday 12:00 UTC)')
    .option('--workspace <id>', 'Slack team id of the workspace to fill', SEED_DEFAULTS.workspace)
    .option('--crm-url <url>', 'where record links point: the sandbox serving /crm/deals/<id>', DEFAULT_CRM_BASE_URL)
    .option('--config-out <file>', 'where to write the coaching config (default: <PACER_DATA_DIR>/seed.config.yaml)')
    .option('--no-verify', 'skip computing the team reports to check the planted alerts')
    .addHelpText('after', HELP)
    .action(
      action(async (opts: SeedCliOptions) => {
        const { parseInstant } = await import('../ingest/event-schema.js');
        const { checkSeedOptions, defaultEnd } = await import('../seed/org.js');
        const { SeedCheckError, seedDatabase } = await import('../seed/run.js');
        const reps = wholeNumber('--reps', opts.reps);
        const weeks = wholeNumber('--weeks', opts.weeks);
        const seed = wholeNumber('--seed', opts.seed);
        let end: Date | undefined;
        if (opts.end !== undefined) {
          const parsed = parseInstant(opts.end);
          if (!parsed.ok) throw new CliExit(`--end: ${parsed.reason}`);
          end = parsed.date;
        }
        // Checked before the database is opened (the default end needs its clock: any date will do here).
        const problems = checkSeedOptions({ reps, weeks, seed, end: end ?? new Date(0), workspace: opts.workspace, crmBaseUrl: opts.crmUrl });
        if (problems.length > 0) throw new CliExit(problems.join('\n'));
        await withDatabase(async ({ db, env, clock }) => {
          const options = { reps, weeks, seed, end: end ?? defaultEnd(clock.now()), workspace: opts.workspace, crmBaseUrl: opts.crmUrl };
          const configOut = opts.configOut ?? path.join(env.dataDir, 'seed.config.yaml');
          const bar = progressBar();
          let summary: SeedSummary;
          try {
            summary = await seedDatabase(db, { ...options, configOut, verify: opts.verify, receivedAt: clock.now() }, (p) => bar.update(p));
          } catch (err) {
            bar.stop();
            // The counts still tell what was found; the error then lists what is missing.
            if (err instanceof SeedCheckError) process.stdout.write(formatSeedSummary(err.summary));
            throw err;
          }
          bar.stop();
          process.stdout.write(formatSeedSummary(summary));
          process.stdout.write(`apply the same config at start with PACER_CONFIG=${configOut}\n`);
        });
      }),
    );
}
