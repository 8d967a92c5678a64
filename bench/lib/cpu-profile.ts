import { readFile } from 'node:fs/promises';
import { REPO_ROOT } from './processes.js';

/** The parts of V8's .cpuprofile (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

function isCpuProfile(v: unknown): v is CpuProfile {
  return typeof v === 'object' && v !== null && 'nodes' in v && Array.isArray(v.nodes) && 'samples' in v && Array.isArray(v.samples) && 'timeDeltas' in v && Array.isArray(v.timeDeltas);
}

export interface ProfileSummary {
  /** Sampled milliseconds, idle excluded. */
  busyMs: number;
  idleMs: number;
  /** Self time by function, highest first. */
  topSelf: { fn: string; ms: number; pct: number }[];
  /** Self time by where the code lives (a package, a Pacer file, node internals, GC…). */
  byArea: { area: string; ms: number; pct: number }[];
  /** Inclusive time of chosen functions (each counted once per sample even when recursive). */
  inclusive: { fn: string; ms: number; pct: number }[];
}

function where(url: string): string {
  if (!url) return '';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const local = url.replace(/^file:\/\//, '').replace(REPO_ROOT, '');
  return local;
}

function area(url: string, fn: string): string {
  if (fn.startsWith('(')) return fn; // (garbage collector), (program), (idle)
  if (!url) return '(native / V8 builtins)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return `pacer ${where(url)}`;
}

/**
 * Summarises a .cpuprofile: self time per function and per area, and the inclusive time of the
 * functions whose names match `inclusiveOf`.
 */
export async function summariseCpuProfile(
  file: string,
  options: { top?: number; inclusiveOf?: RegExp; /** Only samples in [from, to], CLOCK_MONOTONIC µs (process.hrtime). */ windowUs?: [number, number] } = {},
): Promise<ProfileSummary> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isCpuProfile(parsed)) throw new Error(`${file} is not a V8 CPU profile`);
  const nodes = new Map(parsed.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of parsed.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (id: number) => {
    const f = nodes.get(id)!.callFrame;
    const loc = where(f.url);
    // tsx's transpiled code does not keep Pacer's line numbers; packages' are real.
    const line = loc.startsWith('src/') ? '' : `:${f.lineNumber + 1}`;
    return `${f.functionName || '(anonymous)'}${loc ? ` ${loc}${line}` : ''}`;
  };

  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  let at = parsed.startTime;
  parsed.samples.forEach((id, i) => {
    const dt = parsed.timeDeltas[i] ?? 0;
    at += dt;
    if (options.windowUs && (at < options.windowUs[0] || at > options.windowUs[1])) return;
    const f = nodes.get(id)!.callFrame;
    if (f.functionName === '(idle)') {
      idleUs += dt;
      return;
    }
    busyUs += dt;
    const k = key(id);
    self.set(k, (self.get(k) ?? 0) + dt);
    const a = area(f.url, f.functionName);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    if (options.inclusiveOf) {
      const seen = new Set<string>();
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
        const fn = nodes.get(n)!.callFrame.functionName;
        if (options.inclusiveOf.test(fn) && !seen.has(fn)) {
          seen.add(fn);
          inclusive.set(fn, (inclusive.get(fn) ?? 0) + dt);
        }
      }
    }
  });
  const rank = (m: Map<string, number>, limit: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / busyUs) * 1000) / 10 }));
  return {
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    topSelf: rank(self, options.top ?? 30).map(({ name, ms, pct }) => ({ fn: name, ms, pct })),
    byArea: rank(areas, 25).map(({ name, ms, pct }) => ({ area: name, ms, pct })),
    inclusive: rank(inclusive, 40).map(({ name, ms, pct }) => ({ fn: name, ms, pct })),
  };
}
