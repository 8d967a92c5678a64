import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { log, REPO_ROOT } from './processes.js';

/** What every benchmark shares: rounding, load average, cleanup on any exit, the CLI's node flags. */

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
export const load = () => loadavg().map((l) => round(l, 2));

/** Cleanup steps, run last-in first-out whether the run succeeds, fails or is interrupted. */
const cleanups: { label: string; fn: () => Promise<void> }[] = [];

/** Registers a step; calling the returned function runs it now and removes it from the list. */
export function onCleanup(label: string, fn: () => Promise<void>): () => Promise<void> {
  const entry = { label, fn };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
    await fn();
  };
}

export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const { label, fn } = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      log(`cleanup "${label}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The node flags an npm script passes (package.json), so benchmarks run Pacer as users do. */
export function scriptNodeFlags(script: 'pacer' | 'start'): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  // The options between `node` and the script (scripts/launch.mjs loads tsx itself; benchmarks add --import tsx).
  const options = /^(?:exec )?node((?:\s+--\S+)*)/.exec(pkg.scripts[script] ?? '')?.[1] ?? '';
  return options.split(/\s+/).filter((option) => option !== '' && !option.startsWith('--import'));
}

/**
 * The node flags a benchmark runs a Pacer process with: the environment variable's when it is set
 * (an experiment; empty for none), else those of the npm script that starts that process.
 */
export function benchNodeFlags(variable: string, script: 'pacer' | 'start'): string[] {
  const set = process.env[variable];
  return set === undefined ? scriptNodeFlags(script) : set.split(/\s+/).filter(Boolean);
}
