import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { ImportProgress, ImportSummary } from '../ingest/csv-import.js';
import { IMPORT_KINDS } from '../ingest/import-kinds.js';
import { action, chooseWorkspace, CliExit, withDatabase } from './context.js';

const HELP = `
Dates:
  Without --date-format, dates are ISO 8601. A value with an offset (2026-11-02T10:00:00-06:00,
  …Z) is that instant. A date alone (2026-11-02) is 00:00 of that day, and a date-time without an
  offset (2026-11-02T10:00 or 2026-11-02 10:00) is that wall-clock time, both in the time zone of
  the rep's team (the workspace's time zone for people in no team). --date-format takes date-fns
  tokens (MM/dd/yyyy, dd.MM.yyyy HH:mm) and reads values in that same zone unless the format has
  an offset token (XXX).

--kind events (default): one row per event; columns named like the event fields: id, type,
  occurredAt, repEmail | slackUserId | crmOwnerId, leadId, dealId, amount, stage, leadSource,
  metadata (a JSON object), dealName, leadName, accountName, url (the record's page in the CRM),
  version. Empty cells are absent fields. Same rules as the API: an id
  stored with other content is rejected unless the row carries a higher version.

--kind opportunities: one row per deal; columns id, owner, createdAt, closedAt, status, amount,
  optional stage, name, account and url (the deal's name, its account and its page in the CRM,
  kept on opp:<id>:created). owner is matched against members' email, CRM owner id and Slack user id; an
  owner not in the config is stored (as an email when it looks like one, else a CRM owner id) and
  credited once that person is added. Each row becomes the events
    opp:<id>:created  opportunity_created at createdAt (amount, 0 when empty; stage in metadata)
    opp:<id>:won      deal_won at closedAt with amount, when status is won
    opp:<id>:lost     deal_lost at closedAt, when status is lost
  status is matched case-insensitively after --status-map; anything but won or lost is open.
  The latest export is the truth: importing it again changes nothing, a changed deal replaces its
  events, and a won or lost event the deal no longer has is removed.

Rejected rows go to <name>.rejected.csv beside the input, with their line number (the header is
line 1) and the reason, then the row's own columns. The exit code is 0 once the file was read,
even with rejected rows; 1 when the import could not start (missing file, wrong header, bad
option, no workspace to choose).

Examples:
  npm run pacer -- import calls.csv --map occurredAt=Date,repEmail=Owner --date-format "MM/dd/yyyy HH:mm"
  npm run pacer -- import deals.csv --kind opportunities --status-map "Closed Won=won,Closed Lost=lost"
`;

interface ImportCliOptions {
  kind: string;
  map?: string[];
  dateFormat?: string;
  statusMap?: string[];
  workspace?: string;
  stats?: boolean;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

const count = (n: number) => n.toLocaleString('en-US');

export function formatSummary(s: ImportSummary, workspace: string): string {
  const lines = [
    `imported ${s.file} (${s.kind}) into workspace ${workspace}: ${count(s.rowsRead)} rows in ${s.seconds.toFixed(1)} s (${count(Math.round(s.rowsPerSecond))} rows/s)`,
    `  events accepted  ${count(s.accepted)}`,
    `  duplicates       ${count(s.duplicates)}`,
    `  updated          ${count(s.updated)}`,
  ];
  if (s.kind === 'opportunities') lines.push(`  removed          ${count(s.removed)}`);
  lines.push(
    `  unmatched        ${count(s.unmatched)}${s.unmatched > 0 && s.unmatchedPeople.length > 0 ? ` (stored; credited once they are in the config: ${s.unmatchedPeople.join(', ')}${s.moreUnmatchedPeople ? ', …' : ''})` : ''}`,
    `  rejected rows    ${count(s.rejectedRows)}${s.rejectedFile ? ` → ${s.rejectedFile}` : ''}`,
  );
  if (s.ignoredColumns.length > 0) lines.push(`  ignored columns  ${s.ignoredColumns.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** A progress bar on stderr, only for a person watching a terminal (never in pipes or logs). */
function progressBar(file: string): { update(p: ImportProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${path.basename(file)} [{bar}] {percentage}% | {mb} of {totalMb} MB | {rows} rows | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  let started = false;
  return {
    update(p) {
      const payload = { mb: mb(p.bytesRead), totalMb: mb(p.totalBytes), rows: count(p.rowsRead) };
      if (!started) bar.start(p.totalBytes, p.bytesRead, payload);
      else bar.update(p.bytesRead, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('stream a CSV of events or deals in, print a summary and write rejected rows to <name>.rejected.csv')
    .argument('<file>', 'the CSV file (UTF-8; the header is line 1)')
    .option('--kind <kind>', `what a row is: ${IMPORT_KINDS.join(' or ')}`, 'events')
    .option('--map <field=column,…>', 'the CSV column holding a field, e.g. occurredAt=Date,repEmail=Owner (repeatable)', collect)
    .option('--date-format <fmt>', 'date-fns format of the date cells, e.g. MM/dd/yyyy (default ISO 8601; see below)')
    .option('--status-map <value=status,…>', 'export status → won|lost|open, e.g. "Closed Won=won,Closed Lost=lost" (repeatable)', collect)
    .option('--workspace <id>', 'Slack team id of the workspace (needed when the database holds several)')
    .option('--stats', 'also print {"rowsPerSecond","peakRssMb"} as JSON on the last line')
    .addHelpText('after', HELP)
    .action(
      action(async (file: string, opts: ImportCliOptions) => {
        const { checkDateFormat, parseFieldMap, parseImportKind, parseStatusMap } = await import('../ingest/csv-rows.js');
        const { checkInputFile, importCsv } = await import('../ingest/csv-import.js');
        // Everything that needs no database is checked first, so a typo fails fast.
        const kind = parseImportKind(opts.kind);
        const fieldMap = parseFieldMap(kind, opts.map ?? []);
        const statusMap = parseStatusMap(opts.statusMap ?? []);
        if (statusMap.size > 0 && kind !== 'opportunities') throw new CliExit('--status-map applies to --kind opportunities');
        if (opts.dateFormat !== undefined) checkDateFormat(opts.dateFormat);
        await checkInputFile(file);

        await withDatabase(async ({ db, clock }) => {
          const workspace = await chooseWorkspace(db, opts.workspace);
          const bar = progressBar(file);
          let summary: ImportSummary;
          try {
            summary = await importCsv(db, {
              file,
              workspaceId: workspace.id,
              kind,
              fieldMap,
              statusMap,
              dateFormat: opts.dateFormat,
              clock,
              onProgress: (p) => bar.update(p),
            });
          } finally {
            bar.stop();
          }
          process.stdout.write(formatSummary(summary, workspace.slackTeamId));
          if (opts.stats) {
            // maxRSS is in kilobytes: the peak of the whole process, database client included.
            const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
            process.stdout.write(`${JSON.stringify({ rowsPerSecond: Math.round(summary.rowsPerSecond), peakRssMb })}\n`);
          }
        });
      }),
    );
}
