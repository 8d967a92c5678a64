import PQueue from 'p-queue';
import type { Database } from '../db/client.js';
import { dataVersion } from '../db/links-repo.js';
import type { ReportComputations, Telemetry } from '../telemetry/telemetry.js';
import { repReport, repTeamOf, teamLinks, teamReport } from './build-report.js';
import type { RepReport, TeamReport } from './types.js';

interface Entry {
  key: string;
  version: bigint;
  computedAt: number;
  /** The report without its links, which rep reports need no more of. */
  report: Promise<TeamReport>;
  /** Where its computation stands: not queued yet, waiting its turn, computing, or done (settled). */
  progress: { state: 'deferred' | 'waiting' | 'computing' | 'done' };
  /** Queues its computation at `priority`, unless it is queued already. */
  start(priority: number): void;
  /** The report with its links, computed when a team report is first asked for. */
  withLinks?: Promise<TeamReport>;
}

export interface ReportCacheOptions {
  /** How old a report may be when nothing changed (its `asOf` says when it was computed). */
  maxAgeMs: number;
  maxEntries: number;
  /**
   * Reports computed at once, the rest waiting their turn in arrival order. Reports computed
   * side by side share one thread and all finish late together; in turn, the first asker is
   * answered after one report's time and the median after half the burst's. Two keep the
   * database busy with one report's reads while the other's figures are computed.
   */
  concurrentComputations: number;
}

export const DEFAULT_REPORT_CACHE: ReportCacheOptions = { maxAgeMs: 5 * 60 * 1000, maxEntries: 1000, concurrentComputations: 2 };

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** Queue priorities: what someone waits for goes ahead of a team report computed for the asks to come. */
const ASKED = 1;
const AHEAD = 0;

const keyOf = (workspaceId: number, teamName: string) => `${workspaceId}\u0000${teamName}`;

/**
 * Team reports "as of now" for Slack (/mykpis, /teamkpis, App Home): a rep's report needs their
 * whole team's (baselines come from its top performers), so one computation serves every member
 * asking within a few minutes, and concurrent requests share it. An entry is used only while the
 * workspace's data version (bumped by every event or config change) is the one it was computed
 * at, it is younger than maxAgeMs, and its week is still the current one.
 *
 * Computations take turns (concurrentComputations at once). The first ask of a team with nothing
 * kept is answered with the asker's own report (about two thirds of a team report's cost: a burst
 * of first asks after new data spans many teams), and the team's report is deferred until nobody
 * waits, or until a teammate or a team report asks for it. Its computations go through the
 * process's snapshot memo (src/reports/snapshot-memo.ts): after new data, a team's asks read
 * their snapshot decoded instead of fetching and decoding it again.
 */
export class TeamReportCache {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: PQueue;
  /** Entries whose computation starts when the queue next falls idle, oldest first. */
  private deferred: Entry[] = [];

  constructor(
    private readonly db: Database,
    private readonly options: ReportCacheOptions = DEFAULT_REPORT_CACHE,
    /** Each report served is timed here (surface slack), cached or not. */
    private readonly telemetry?: Telemetry,
  ) {
    this.queue = new PQueue({ concurrency: options.concurrentComputations });
    this.queue.on('idle', () => this.startDeferred());
    telemetry?.watchReportComputations(() => this.computations);
  }

  /** Reports being computed, waiting their turn, and team reports deferred until the queue is idle. */
  get computations(): ReportComputations {
    return { computing: this.queue.pending, waiting: this.queue.size, deferred: this.deferred.length };
  }

  async teamReport(workspaceId: number, teamName: string, now: Date): Promise<TeamReport> {
    const started = performance.now();
    const key = keyOf(workspaceId, teamName);
    const version = await this.dataVersion(workspaceId);
    const entry = (await this.kept(key, version, now)) ?? this.fresh(key, version, workspaceId, teamName, now);
    const cached = entry.progress.state === 'done';
    entry.start(ASKED);
    const linked = entry.withLinks !== undefined;
    if (!entry.withLinks) {
      const links = teamLinks(this.db, workspaceId, teamName, now);
      entry.withLinks = Promise.all([entry.report, links]).then(([report, l]) => ({ ...report, links: l }));
      this.forgetOnFailure(entry, entry.withLinks);
    }
    const report = await entry.withLinks;
    this.telemetry?.reportServed('team', 'slack', cached && linked, (performance.now() - started) / 1000);
    return report;
  }

  /** A rep's report: their member of the team's report when one is kept or under way, else their own (see the class). */
  async repReport(workspaceId: number, email: string, now: Date): Promise<RepReport> {
    const started = performance.now();
    const { team, email: normalised } = await repTeamOf(this.db, workspaceId, email);
    const key = keyOf(workspaceId, team);
    const version = await this.dataVersion(workspaceId);
    const entry = await this.kept(key, version, now);
    if (entry) {
      const cached = entry.progress.state === 'done';
      entry.start(ASKED);
      const mine = (await entry.report).members.find((m) => m.rep.email === normalised);
      if (mine) {
        this.telemetry?.reportServed('rep', 'slack', cached, (performance.now() - started) / 1000);
        return mine;
      }
    }
    const own = this.queue.add(() => repReport(this.db, workspaceId, normalised, now, now, { memo: true }), { priority: ASKED });
    if (!entry) this.deferred.push(this.fresh(key, version, workspaceId, team, now));
    const mine = await own;
    this.telemetry?.reportServed('rep', 'slack', false, (performance.now() - started) / 1000);
    return mine;
  }

  /** The team's entry while still valid: the data version it was computed at, younger than maxAgeMs, and of the current week. */
  private async kept(key: string, version: bigint, now: Date): Promise<Entry | undefined> {
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version || now.getTime() - entry.computedAt >= this.options.maxAgeMs) return undefined;
    if (entry.progress.state !== 'done') return entry;
    const report = await entry.report.catch(() => null);
    return report && now.getTime() < Date.parse(report.windows.cadence.end) + WEEK_MS ? entry : undefined;
  }

  /** A new entry for the team, kept; its report is computed once started. */
  private fresh(key: string, version: bigint, workspaceId: number, teamName: string, now: Date): Entry {
    const progress: Entry['progress'] = { state: 'deferred' };
    let start: Entry['start'] = () => {};
    const report = new Promise<TeamReport>((resolve, reject) => {
      start = (priority) => {
        if (progress.state !== 'deferred') return;
        progress.state = 'waiting';
        this.queue
          .add(
            async () => {
              progress.state = 'computing';
              return teamReport(this.db, workspaceId, teamName, now, now, { links: false, memo: true }).finally(() => (progress.state = 'done'));
            },
            { priority },
          )
          .then(resolve, reject);
      };
    });
    const entry: Entry = { key, version, computedAt: now.getTime(), progress, report, start };
    this.forgetOnFailure(entry, entry.report);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** Starts the oldest deferred entry still kept and not started: one at a time, each when the queue falls idle again. */
  private startDeferred(): void {
    while (this.deferred.length > 0) {
      const entry = this.deferred.shift()!;
      if (entry.progress.state === 'deferred' && this.entries.get(entry.key) === entry) {
        entry.start(AHEAD);
        return;
      }
    }
  }

  /** A failed computation is not kept. */
  private forgetOnFailure(entry: Entry, work: Promise<unknown>): void {
    work.catch(() => {
      if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    });
  }

  private async dataVersion(workspaceId: number): Promise<bigint> {
    return (await dataVersion(this.db, workspaceId)) ?? -1n;
  }
}
