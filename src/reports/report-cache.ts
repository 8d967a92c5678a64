import type { Database } from '../db/client.js';
import { dataVersion } from '../db/links-repo.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { repTeamOf, teamReport } from './build-report.js';
import type { RepReport, TeamReport } from './types.js';

interface Entry {
  version: bigint;
  computedAt: number;
  report: Promise<TeamReport>;
}

export interface ReportCacheOptions {
  /** How old a report may be when nothing changed (its `asOf` says when it was computed). */
  maxAgeMs: number;
  maxEntries: number;
}

export const DEFAULT_REPORT_CACHE: ReportCacheOptions = { maxAgeMs: 5 * 60 * 1000, maxEntries: 1000 };

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

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
    const { report, cached } = await this.team(workspaceId, teamName, now);
    this.telemetry?.reportServed('team', 'slack', cached, (performance.now() - started) / 1000);
    return report;
  }

  async repReport(workspaceId: number, email: string, now: Date): Promise<RepReport> {
    const started = performance.now();
    const { team, email: normalised } = await repTeamOf(this.db, workspaceId, email);
    const { report, cached } = await this.team(workspaceId, team, now);
    let mine = report.members.find((m) => m.rep.email === normalised);
    if (!mine) {
      // The team changed under the cached report: compute afresh.
      const fresh = await teamReport(this.db, workspaceId, team, now);
      mine = fresh.members.find((m) => m.rep.email === normalised);
      if (!mine) throw new Error(`${email} is missing from the report of ${team}`);
    }
    this.telemetry?.reportServed('rep', 'slack', cached, (performance.now() - started) / 1000);
    return mine;
  }

  private async team(workspaceId: number, teamName: string, now: Date): Promise<{ report: TeamReport; cached: boolean }> {
    const version = await this.dataVersion(workspaceId);
    const key = `${workspaceId}\u0000${teamName}`;
    const entry = this.entries.get(key);
    if (entry && entry.version === version && now.getTime() - entry.computedAt < this.options.maxAgeMs) {
      const report = await entry.report;
      if (now.getTime() < Date.parse(report.windows.cadence.end) + WEEK_MS) return { report, cached: true };
    }
    const fresh: Entry = { version, computedAt: now.getTime(), report: teamReport(this.db, workspaceId, teamName, now) };
    this.entries.delete(key);
    this.entries.set(key, fresh);
    // A failed computation is not kept.
    fresh.report.catch(() => {
      if (this.entries.get(key) === fresh) this.entries.delete(key);
    });
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return { report: await fresh.report, cached: false };
  }

  private async dataVersion(workspaceId: number): Promise<bigint> {
    return (await dataVersion(this.db, workspaceId)) ?? -1n;
  }
}
