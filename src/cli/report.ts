import type { Command } from 'commander';
import { action, chooseWorkspace, CliExit, withDatabase } from './context.js';

interface ReportOptions {
  rep?: string;
  team?: string;
  asOf?: string;
  json?: boolean;
  workspace?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("a rep's or a team's leading and lagging indicators against the top-performer baseline (docs/metrics.md)")
    .option('--rep <email>', 'the rep, by email')
    .option('--team <name>', 'the team, by name')
    .option('--as-of <iso>', 'the instant to report as of (ISO 8601 with offset); default now')
    .option('--json', 'print the report JSON (the reports API shape) instead of a table')
    .option('--workspace <id>', 'Slack team id of the workspace (needed when the database holds several)')
    .action(
      action(async (opts: ReportOptions) => {
        if ((opts.rep === undefined) === (opts.team === undefined)) throw new CliExit('give exactly one of --rep EMAIL or --team NAME');
        const { parseInstant } = await import('../ingest/event-schema.js');
        const { repReport, teamReport } = await import('../reports/build-report.js');
        const { repReportText, teamReportText } = await import('../reports/text.js');
        let asOf: Date | undefined;
        if (opts.asOf !== undefined) {
          const parsed = parseInstant(opts.asOf);
          if (!parsed.ok) throw new CliExit(`--as-of: ${parsed.reason}`);
          asOf = parsed.date;
        }
        await withDatabase(async ({ db, clock }) => {
          const workspace = await chooseWorkspace(db, opts.workspace);
          const at = asOf ?? clock.now();
          if (opts.rep !== undefined) {
            const report = await repReport(db, workspace.id, opts.rep, at, clock.now());
            process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : repReportText(report)}\n`);
          } else {
            const report = await teamReport(db, workspace.id, opts.team!, at, clock.now());
            process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : teamReportText(report)}\n`);
          }
        });
      }),
    );
}
