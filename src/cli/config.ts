import type { Command } from 'commander';
import type { ApplySummary } from '../config/apply.js';
import type { CoachingConfig } from '../config/coaching.js';
import { describeProblem, type LocatedProblem } from '../errors.js';
import { action, CliExit, withDatabase } from './context.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `file: path: message (line 12, column 7)`; the position is left out when the message has one. */
export function formatProblem(file: string, p: LocatedProblem): string {
  return `${file}: ${describeProblem(p)}`;
}

export function describeConfig(config: CoachingConfig): string {
  const targets = config.teams.reduce((n, t) => n + t.targets.length, 0);
  const sources = config.sources.length > 0 ? `, ${plural(config.sources.length, 'source')} (${config.sources.map((s) => s.name).join(', ')})` : '';
  return `${plural(config.teams.length, 'team')}, ${plural(config.members.length, 'member')}, ${plural(targets, 'target')}${sources}`;
}

/** The output of `config check`: one line per problem (or per valid file), and whether all passed. */
export async function runConfigCheck(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ ok: boolean; lines: string[] }> {
  const { checkConfigPath } = await import('../config/load.js');
  const checked = await checkConfigPath(file, { env });
  if (checked.kind === 'missing') return { ok: false, lines: [`${file}: not found`] };
  if (checked.files.length === 0) return { ok: false, lines: [`${file}: no *.yaml or *.yml file in this directory`] };
  const lines = checked.files.flatMap((f) =>
    f.ok
      ? [`${f.file}: OK — ${describeConfig(f.config)}`, ...f.warnings.map((w) => formatProblem(f.file, { ...w, message: `warning: ${w.message}` }))]
      : f.problems.map((p) => formatProblem(f.file, p)),
  );
  return { ok: checked.files.every((f) => f.ok), lines };
}

export function formatApplySummary(file: string, s: ApplySummary): string {
  const changes = (c: ApplySummary['teams']) => `${c.added} added, ${c.updated} updated, ${c.deactivated} deactivated`;
  return (
    `${file}: applied to workspace ${s.workspace.slackTeamId}${s.workspace.created ? ' (new)' : ''} — ` +
    `teams ${changes(s.teams)}; members ${changes(s.members)}; ` +
    `${plural(s.targets.total, 'target')} (${s.targets.added} added, ${s.targets.removed} removed); ` +
    `identities ${s.identities.linked} linked, ${s.identities.unlinked} unlinked` +
    (s.sources.added + s.sources.updated + s.sources.deactivated > 0
      ? `; sources ${s.sources.added} added, ${s.sources.updated} updated, ${s.sources.deactivated} deactivated${s.sources.reset.length ? ` (next sync reads everything again: ${s.sources.reset.join(', ')})` : ''}`
      : '') +
    (s.admins.changed ? `; admins now ${s.admins.total === 0 ? 'none (nobody is told by DM when a source stops)' : s.admins.total}` : '')
  );
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('check or apply the coaching config (teams, members, targets, focus indicators)');

  config
    .command('check')
    .description('validate a coaching config and print every problem with its path')
    .argument('[file]', 'config file or directory (default: PACER_CONFIG, else pacer.config.yaml)')
    .action(
      action(async (file: string | undefined) => {
        const { loadEnv } = await import('../config/env.js');
        const { ok, lines } = await runConfigCheck(file ?? loadEnv().configPath);
        for (const line of lines) process.stdout.write(`${line}\n`);
        if (!ok) process.exitCode = 1;
      }),
    );

  config
    .command('apply')
    .description('validate a coaching config and apply it to the database (all or nothing per workspace)')
    .argument('[file]', 'config file or directory (default: PACER_CONFIG, else pacer.config.yaml)')
    .action(
      action(async (file: string | undefined) => {
        const { loadEnv } = await import('../config/env.js');
        const { loadCoachingConfig } = await import('../config/load.js');
        const { applyConfig } = await import('../config/apply.js');
        const target = file ?? loadEnv().configPath;
        // Every file is validated before the database is opened, so a typo changes nothing.
        const loaded = await loadCoachingConfig(target);
        if (loaded.kind === 'missing') throw new CliExit(`${target}: not found; nothing to apply`);
        if (loaded.configs.length === 0) throw new CliExit(`${target}: no *.yaml or *.yml file in this directory; nothing to apply`);
        await withDatabase(async ({ db }) => {
          for (const { file: name, config: c } of loaded.configs) {
            process.stdout.write(`${formatApplySummary(name, await applyConfig(db, c))}\n`);
          }
        });
      }),
    );
}
