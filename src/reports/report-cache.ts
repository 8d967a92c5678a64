import type { Database } from '../db/client.js';
import { dataVersion } from '../db/links-repo.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { repTeamOf, teamLinks, teamReport } from './build-report.js';
import type { RepReport, TeamReport } from './types.js';

interface Entry {
  version: bigint;
  computedAt: number;
  /** The report without its links, which rep reports need no more of. */
  report: Promise<TeamReport>;
  /** The report with its links, computed when a team report is first asked for. */
  withLinks?: Promise<TeamReport>;
}

export interface ReportCacheOptions {
  /** How old a report may be when nothing changed (its `asOf` says when it was computed). */
  maxAgeMs: number;
  maxEntries: number;
}

export const DEFAULT_REPORT_CACHE: ReportCacheOptions = { maxAgeMs: 5 * 60 * 1000, maxEntries: 1000 };

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

const keyOf = (workspaceId: number, teamName: string) => `${workspaceId}\u0000${teamName}`;

/**
 * Team reports "as of now" for Slack (/mykpis, /teamkpis, App Home): a rep's report needs their
 * whole team's (baselines come from its top performers), so one computation serves every member
 * asking within a few minutes, and concurrent requests share it. An entry is used only while the
 * workspace's data version (bumped by every event or config change) is the one it was computed
 * at, it is younger than maxAgeMs, and its week is still the current one.
 */
export class TeamReportCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly db: Database,
    private readonly options: ReportCacheOptions = DEFAULT_REPORT_CACHE,
    /** Each report served is timed here (surface slack), cached or not. */
    private readonly telemetry?: Telemetry,
  ) {}

  async teamReport(workspaceId: number, teamName: string, now: Date): Promise<TeamReport> {
    const started = performance.now();
    const key = keyOf(workspaceId, teamName);
    const { entry, cached } = await this.entry(key, workspaceId, teamName, now);
    const linked = entry.withLinks !== undefined;
    if (!entry.withLinks) {
      const links = teamLinks(this.db, workspaceId, teamName, now);
      entry.withLinks = Promise.all([entry.report, links]).then(([report, l]) => ({ ...report, links: l }));
      this.forgetOnFailure(key, entry, entry.withLinks);
    }
    const report = await entry.withLinks;
    this.telemetry?.reportServed('team', 'slack', cached && linked, (performance.now() - started) / 1000);
    return report;
  }

  async repReport(workspaceId: number, email: string, now: Date): Promise<RepReport> {
    const started = performance.now();
    const { team, email: normalised } = await repTeamOf(this.db, workspaceId, email);
    const { entry, cached } = await this.entry(keyOf(workspaceId, team), workspaceId, team, now);
    let mine = (await entry.report).members.find((m) => m.rep.email === normalised);
    if (!mine) {
      // The team changed under the cached report: compute afresh.
      const fresh = await teamReport(this.db, workspaceId, team, now, now, { links: false });
      mine = fresh.members.find((m) => m.rep.email === normalised);
      if (!mine) throw new Error(`${email} is missing from the report of ${team}`);
    }
    this.telemetry?.reportServed('rep', 'slack', cached, (performance.now() - started) / 1000);
    return mine;
  }

  /** The team's entry: the one kept while still valid (cached), else one computing afresh. */
  private async entry(key: string, workspaceId: number, teamName: string, now: Date): Promise<{ entry: Entry; cached: boolean }> {
    const version = await this.dataVersion(workspaceId);
    const entry = this.entries.get(key);
    if (entry && entry.version === version && now.getTime() - entry.computedAt < this.options.maxAgeMs) {
      const report = await entry.report;
      if (now.getTime() < Date.parse(report.windows.cadence.end) + WEEK_MS) return { entry, cached: true };
    }
    const fresh: Entry = { version, computedAt: now.getTime(), report: teamReport(this.db, workspaceId, teamName, now, now, { links: false }) };
    this.forgetOnFailure(key, fresh, fresh.report);
    this.entries.delete(key);
    this.entries.set(key, fresh);
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return { entry: fresh, cached: false };
  }

  /** A failed computation is not kept. */
  private forgetOnFailure(key: string, entry: Entry, work: Promise<unknown>): void {
    work.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
  }

  private async dataVersion(workspaceId: number): Promise<bigint> {
    return (await dataVersion(this.db, workspaceId)) ?? -1n;
  }
}
