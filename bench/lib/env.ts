/**
 * Benchmark sizes and settings read from the environment. (bench/ingest.ts and bench/reports.ts
 * each carry their own copy of sizeFromEnv; this is the shared one for later benchmarks.)
 */

/** A positive whole number from `name` (underscores allowed: 5_000), else `fallback`. */
export function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return n;
}

/** An ISO instant from `name`, else `fallback`. */
export function instantFromEnv(name: string, fallback: string): Date {
  const raw = process.env[name]?.trim() || fallback;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw new Error(`${name} must be an ISO instant, not "${raw}"`);
  return d;
}
