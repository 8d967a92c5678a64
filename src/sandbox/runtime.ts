import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import type { KnownBlock } from '@slack/types';
import { WebClient } from '@slack/web-api';
import type { FastifyInstance } from 'fastify';
import { buildSlackApp, type SlackApp } from '../app.js';
import { openDatabase, type Database } from '../db/client.js';
import { forgetDeliveries } from '../db/delivery-ledger.js';
import { migrate } from '../db/migrator.js';
import { recordHistory } from '../db/record-names.js';
import { anyEventUrl, assignTeamChannels, sandboxDirectory } from '../db/sandbox-repo.js';
import { workspaceBySlackTeam } from '../db/workspace-repo.js';
import { isAllowedHost, loopbackHosts } from '../http/host-guard.js';
import { buildHttpServer } from '../http/server.js';
import { runJobNow, type JobName } from '../jobs/registry.js';
import { describeRuns, type JobRun } from '../jobs/run-summary.js';
import { startScheduler, type Scheduler } from '../jobs/scheduler.js';
import { jobContext } from '../jobs/setup.js';
import { startLocalSlack, type LocalSlack } from '../local-slack/index.js';
import { Telemetry } from '../telemetry/telemetry.js';
import type { Logger } from '../logger.js';
import { buildOrg } from '../seed/org.js';
import { seedDatabase } from '../seed/run.js';
import { DEMO_ORG } from './demo-org.js';
import type { SeedOrg } from '../seed/types.js';
import { secureStoredSecrets } from '../secrets/at-start.js';
import type { EncryptionKeys } from '../secrets/keys.js';
import { deliveryClients } from '../slack/delivery/clients.js';
import { ingestActivity } from './activity.js';
import type { SandboxBackend, SandboxClick, SandboxJobsRun, SandboxMessage, SandboxPerson } from './backend.js';
import { sandboxClock } from './clock.js';
import { escapeMentions } from './mentions.js';
import { registerSandboxRoutes } from './routes.js';
import { blockActionsBody, eventCallbackBody, postSigned, slashCommandBody } from './slack-requests.js';
import { readSandboxState, writeSandboxState, type SandboxState } from './state.js';
import { listenFailure } from '../errors.js';

export const SANDBOX_WORKSPACE = 'T0SANDBOX';
const APP_ID = 'A0PACERSBX';
const BOT_USER = 'U0PACERBOT';
const DAY_MS = 86_400_000;
/** Events a record's CRM page lists: the latest ones. */
const CRM_PAGE_EVENTS = 200;
/** A demo org big enough to have top performers and alerts in every team, seeded in seconds. */

export interface Sandbox {
  url: string;
  backend: SandboxBackend;
  slack: LocalSlack;
  db: Database;
  /** One scheduler tick now, as the minute timer runs it (tests). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  dataDir: string;
  port: number;
  host?: string;
  logger: Logger;
  /** Seed size (tests use a smaller org). */
  demo?: { reps: number; weeks: number; seed: number };
  /** The end of the demo data on a first run, where the clock starts (default: the current hour; tests fix it). */
  end?: Date;
  /** Run the minute scheduler's timer (default true); without it the scheduler ticks only through tick(). */
  scheduler?: boolean;
  /** PACER_ENCRYPTION_KEY's keys, when set (the sandbox's own Slack token is never stored). */
  encryption?: EncryptionKeys | undefined;
}

/**
 * Listens on `port` (0: any free one) so nothing else takes it while the sandbox starts; release()
 * frees it just before the real server listens there.
 */
async function holdPort(host: string, port: number): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenFailure(err, host, port)));
    server.listen({ port, host, exclusive: true }, resolve);
  });
  const address = server.address();
  const held = typeof address === 'object' && address !== null ? address.port : port;
  let released = false;
  return {
    port: held,
    release: async () => {
      if (released) return;
      released = true;
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

const slackId = (memberId: number) => `U${String(memberId).padStart(6, '0')}`;
/** A person's Slack handle in the sandbox: their email's local part, as the local Slack directory has it. */
const handleOf = (email: string) => email.split('@')[0]!;

const WEEKLY_JOBS: readonly JobName[] = ['rep-nudges', 'manager-digests', 'team-recaps', 'alert-scan'];

/** The page's view of a run of the jobs: weekly messages by kind and alerts, and the status line. */
function jobsRun(runs: readonly JobRun[]): SandboxJobsRun {
  const sent = (job: JobName) => runs.filter((r) => r.job === job).reduce((n, r) => n + r.summary.sent, 0);
  return {
    nudges: sent('rep-nudges'),
    digests: sent('manager-digests'),
    recaps: sent('team-recaps'),
    alerts: sent('alert-scan'),
    failed: runs.reduce((n, r) => n + r.summary.failed, 0),
    skippedWeeks: [...new Set(runs.flatMap((r) => r.summary.revivedWeeks))].sort(),
    summary: describeRuns(runs),
  };
}

/** Runs `work` after everything queued before it: advancing the clock and running the jobs never interleave. */
function serialQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };
}

/** Polls until `probe` yields a value or `ms` pass (Pacer answers some gestures asynchronously). */
async function eventually<T>(probe: () => T | undefined, ms: number): Promise<T | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The local sandbox (issue: "try Pacer end to end without a Slack workspace"): the embedded
 * database seeded with the demo org on first run, a local Slack-compatible Web API, Pacer in HTTP
 * mode against it, the scheduler, and the sandbox page, all in this process on 127.0.0.1.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { logger } = options;
  const host = options.host ?? '127.0.0.1';
  // The demo org's record links point at the sandbox itself, so its port is taken (and known)
  // before the org is seeded, and handed to the HTTP server once everything else is ready.
  const held = await holdPort(host, options.port);
  let db: Database;
  try {
    db = await openDatabase({ dataDir: options.dataDir });
  } catch (err) {
    await held.release();
    throw err;
  }
  let slack: LocalSlack | undefined;
  let app: SlackApp | undefined;
  let http: FastifyInstance | undefined;
  let scheduler: Scheduler | undefined;
  try {
    await migrate(db);
    await secureStoredSecrets(db, options.encryption, logger);
    let state: SandboxState | null = await readSandboxState(options.dataDir);
    if (!state) {
      const end = options.end ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
      const demo = options.demo ?? DEMO_ORG;
      // Links keep the address of this first run: a restart on another port leaves them pointing here.
      const crmBaseUrl = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${held.port}`;
      logger.info({ reps: demo.reps, weeks: demo.weeks }, 'sandbox: generating the demo org (first run)');
      await seedDatabase(db, { ...demo, end, workspace: SANDBOX_WORKSPACE, crmBaseUrl, verify: false, configOut: path.join(options.dataDir, 'sandbox.config.yaml') });
      await assignTeamChannels(db, SANDBOX_WORKSPACE);
      state = { workspace: SANDBOX_WORKSPACE, end: end.toISOString(), advancedDays: 0, demo, crmBaseUrl };
      await writeSandboxState(options.dataDir, state);
    }
    let saved: SandboxState = state;
    const clock = sandboxClock(new Date(Date.parse(state.end) + state.advancedDays * DAY_MS));

    const workspace = await workspaceBySlackTeam(db, SANDBOX_WORKSPACE);
    if (!workspace) throw new Error(`the sandbox database holds no workspace ${SANDBOX_WORKSPACE}; delete ${options.dataDir} to start afresh`);
    // The local Slack starts empty every time, so the ledger of what was posted to the last one is
    // forgotten with it: a restarted sandbox delivers the week again when asked, instead of showing
    // empty conversations while the ledger says everything was sent.
    await forgetDeliveries(db, workspace.id);
    let org: SeedOrg | null = null;
    /** The demo org as its first run generated it: "advance the clock" carries its activity on. */
    const demoOrg = async (s: SandboxState): Promise<SeedOrg> => {
      if (!org) {
        // A sandbox made before advancing generated activity kept neither: the defaults then, and the address its links point at.
        const link = s.crmBaseUrl ? null : await anyEventUrl(db, workspace.id);
        const crmBaseUrl = s.crmBaseUrl ?? (link ? new URL(link).origin : undefined);
        org = buildOrg({ ...(s.demo ?? DEMO_ORG), end: new Date(s.end), workspace: SANDBOX_WORKSPACE, ...(crmBaseUrl ? { crmBaseUrl } : {}) });
      }
      return org;
    };
    const { members, teams } = await sandboxDirectory(db, workspace.id);
    const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
    const signingSecret = randomBytes(24).toString('hex');
    slack = await startLocalSlack({
      host: '127.0.0.1',
      // Messages are stamped by the sandbox clock, so a message sent after "advance a week" shows that week's date.
      now: () => clock.now().getTime(),
      workspaces: [
        {
          teamId: SANDBOX_WORKSPACE,
          teamName: 'Pacer sandbox',
          botToken,
          botUserId: BOT_USER,
          appId: APP_ID,
          users: members.map((m) => {
            const team = m.memberships[0]?.team;
            return { id: slackId(m.id), name: m.email.split('@')[0]!, realName: m.name, email: m.email, tz: m.timezone ?? team?.timezone ?? 'UTC' };
          }),
          channels: teams.flatMap((t) => (t.channel ? [{ id: t.channel, name: t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-') }] : [])),
        },
      ],
    });
    const local = slack;
    const telemetry = new Telemetry();
    const openDb = db;
    telemetry.watchPool(() => openDb.poolUsage());
    app = await buildSlackApp({ slack: { kind: 'http', botToken, signingSecret }, slackApiUrl: local.apiUrl, db, logger, clock, telemetry });
    // Filled in once the server listens (the port may be chosen then); until then nothing is accepted.
    let ownHosts: ReadonlySet<string> = new Set();
    http = buildHttpServer({ db, logger, clock, telemetry, acceptsHost: (h) => isAllowedHost(h, ownHosts), ...(app.listener ? { slackListener: app.listener } : {}) });
    const jobs = jobContext({ db, logger, clock, telemetry, clients: deliveryClients({ kind: 'http', botToken, signingSecret }, local.apiUrl, db, logger) });
    // The sandbox has no CRM sources: its scheduler runs the messaging and database jobs.
    scheduler = startScheduler({ db, logger, clock, telemetry, messaging: jobs, sync: null }, { timer: options.scheduler !== false });
    const client = new WebClient(botToken, { slackApiUrl: local.apiUrl, retryConfig: { retries: 0 } });

    const people: SandboxPerson[] = members.map((m) => {
      const managed = m.memberships.filter((x) => x.role === 'manager').map((x) => x.team.name);
      return {
        slackUserId: slackId(m.id),
        name: m.name,
        email: m.email,
        role: managed.length > 0 ? 'manager' : 'rep',
        teams: managed.length > 0 ? managed : m.memberships.map((x) => x.team.name),
      };
    });
    let selfUrl = '';
    // Each person's DM with Pacer has its channel id from the start (conversations.open, as Slack
    // gives it), so the page never sees it change when Pacer first writes.
    const dmChannels = new Map<string, string>();
    const openDm = async (userId: string) => {
      if (!dmChannels.has(userId)) dmChannels.set(userId, (await client.conversations.open({ users: userId })).channel?.id ?? `D-${userId}`);
    };
    const dmChannel = (userId: string) => dmChannels.get(userId) ?? `D-${userId}`;
    const toMessage = (m: { ts?: string; text?: string; blocks?: unknown[]; ephemeral?: boolean; fileIds?: string[] }): SandboxMessage => ({
      ts: m.ts ?? '',
      text: m.text ?? '',
      blocks: m.blocks ?? [],
      ephemeral: m.ephemeral ?? false,
      imageUrls: (m.fileIds ?? []).map((id) => `${local.url}/files/${id}`),
    });
    const answersAt = async (responseUrl: string, waitMs: number) => {
      await eventually(() => (local.responses(responseUrl).length > 0 ? true : undefined), waitMs);
      return local.responses(responseUrl).map((r) => r.body as { text?: string; blocks?: unknown[]; replace_original?: boolean });
    };

    const serial = serialQueue();
    /** Every weekly job and the alert scan, as `pacer run-job` runs each. */
    const runJobs = async (): Promise<SandboxJobsRun> => {
      const runs: JobRun[] = [];
      for (const job of WEEKLY_JOBS) runs.push({ job, summary: await runJobNow(jobs, job, clock.now()) });
      return jobsRun(runs);
    };

    const backend: SandboxBackend = {
      now: () => clock.now(),
      people: () => Promise.resolve(people),
      conversations: async (userId) => {
        await openDm(userId);
        const person = people.find((p) => p.slackUserId === userId);
        const dm = {
          id: dmChannel(userId),
          kind: 'dm' as const,
          title: 'Pacer',
          messages: local
            .messages(userId)
            .filter((m) => !m.ephemeral)
            .map(toMessage),
        };
        const channels = teams
          .filter((t) => t.channel && person?.teams.includes(t.name))
          .map((t) => ({
            id: t.channel!,
            kind: 'channel' as const,
            title: `#${t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
            messages: local
              .messages(t.channel!)
              .filter((m) => !m.ephemeral)
              .map(toMessage),
          }));
        return [dm, ...channels];
      },
      openHome: async (userId) => {
        const before = local.callsTo('views.publish').length;
        const eventId = `Ev${randomBytes(6).toString('hex').toUpperCase()}`;
        await postSigned(
          `${selfUrl}/slack/events`,
          signingSecret,
          eventCallbackBody({
            teamId: SANDBOX_WORKSPACE,
            eventId,
            apiAppId: APP_ID,
            event: { type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home', event_ts: `${Date.now() / 1000}` },
          }),
          { contentType: 'application/json' },
        );
        await eventually(() => (local.callsTo('views.publish').length > before ? true : undefined), 10_000);
        return local.homeView(userId)?.payload ?? null;
      },
      runCommand: async (userId, command, typed) => {
        const responseUrl = local.newResponseUrl();
        // Slack escapes @mentions in a command's text (should_escape), as the manifest asks.
        const text = escapeMentions(
          typed,
          people.map((p) => ({ slackUserId: p.slackUserId, name: p.name, handle: handleOf(p.email) })),
        );
        const res = await postSigned(`${selfUrl}/slack/events`, signingSecret, slashCommandBody({ command, text, teamId: SANDBOX_WORKSPACE, userId, responseUrl, apiAppId: APP_ID }), {
          contentType: 'application/x-www-form-urlencoded',
        });
        const bodies = res.text ? [res.json() as { text?: string; blocks?: unknown[] }] : await answersAt(responseUrl, 10_000);
        // Slack shows each answer as an ephemeral message with its own ts, which a click on it names.
        return bodies.map((body) => ({ ...toMessage(body), ts: local.newMessageTs(), ephemeral: true }));
      },
      click: async (userId, click: SandboxClick) => {
        const responseUrl = local.newResponseUrl();
        const viewsBefore = local.openedViews.length;
        const source = click.source;
        // A click on an ephemeral answer (not stored by Slack) comes with its ts and no message.
        const message = source.kind === 'message' ? local.messages(source.channel).find((m) => m.ts === source.ts && !m.ephemeral) : undefined;
        const body = blockActionsBody({
          teamId: SANDBOX_WORKSPACE,
          userId,
          actionId: click.actionId,
          blockId: click.blockId,
          ...(click.value !== undefined ? { value: click.value } : {}),
          ...(click.selectedOption ? { selectedOption: click.selectedOption } : {}),
          triggerId: local.newTriggerId(),
          ...(source.kind === 'message' && message
            ? { responseUrl, message: { text: message.text ?? '', blocks: message.blocks ?? [], ts: source.ts }, container: { type: 'message', message_ts: source.ts, channel_id: source.channel } }
            : {}),
          ...(source.kind === 'message' && !message ? { responseUrl, container: { type: 'message', message_ts: source.ts, channel_id: source.channel, is_ephemeral: true } } : {}),
          ...(source.kind === 'home' ? { container: { type: 'view', view_id: local.homeView(userId)?.id ?? '' } } : {}),
          ...(source.kind === 'modal' ? { container: { type: 'view', view_id: source.viewId } } : {}),
        });
        await postSigned(`${selfUrl}/slack/events`, signingSecret, body, { contentType: 'application/x-www-form-urlencoded' });
        const responses: SandboxMessage[] = [];
        if (source.kind === 'message') {
          for (const r of await answersAt(responseUrl, 3000)) {
            // Slack applies replace_original to the message the button was on.
            if (r.replace_original && message) await client.chat.update({ channel: message.channel, ts: message.ts, text: r.text ?? message.text, blocks: (r.blocks ?? []) as KnownBlock[] });
            else responses.push({ ...toMessage(r), ephemeral: true });
          }
        }
        // A modal opens at once and is filled in by views.update a moment later.
        const opened = await eventually(
          () => (local.openedViews.length > viewsBefore ? local.openedViews.at(-1) : undefined),
          click.actionId === 'show_events' || click.actionId === 'open_rep' ? 5000 : 300,
        );
        if (opened) await eventually(() => (local.openedViews.some((v, i) => i > viewsBefore && v.method === 'views.update') ? true : undefined), 5000);
        const modalId = opened?.view.rootViewId ?? opened?.view.id;
        const modal = modalId ? local.view(modalId) : undefined;
        return { modal: modal ? { id: modal.id, view: modal.payload } : null, responses };
      },
      runWeeklyJobs: () => serial(runJobs),
      crmRecord: (kind, id) => recordHistory(db, workspace.id, { kind, id }, clock.now(), CRM_PAGE_EVENTS),
      advanceClock: (days) =>
        serial(async () => {
          const current = saved;
          const end = Date.parse(current.end);
          // The days' activity is stored before the clock moves, so no tick sends a week's messages
          // without it; were the process to stop before the state is saved, the next advance stores
          // the same events again, as duplicates.
          const generated = await ingestActivity(
            db,
            workspace.id,
            await demoOrg(current),
            { from: new Date(end + current.advancedDays * DAY_MS), until: new Date(end + (current.advancedDays + days) * DAY_MS) },
            new Date(clock.now().getTime() + days * DAY_MS),
          );
          saved = { ...current, advancedDays: current.advancedDays + days };
          await writeSandboxState(options.dataDir, saved);
          clock.advance(days * DAY_MS);
          logger.info({ days, events: generated.accepted }, 'sandbox: clock advanced, the demo org’s activity generated');
          return { now: clock.now(), events: generated.accepted, run: await runJobs() };
        }),
    };

    // Chart images live on the local Slack (as files on slack.com would), also on 127.0.0.1.
    registerSandboxRoutes(http, backend, { imageUrl: (fileId) => `${local.url}/files/${encodeURIComponent(fileId)}` });
    await held.release();
    const listening = await http.listen({ port: held.port, host });
    selfUrl = listening.replace('0.0.0.0', '127.0.0.1');
    ownHosts = loopbackHosts(Number(new URL(selfUrl).port));
    const runningHttp = http;
    const runningApp = app;
    const runningScheduler = scheduler;
    return {
      url: selfUrl,
      backend,
      slack: local,
      db,
      tick: () => runningScheduler.tick(),
      stop: async () => {
        await runningScheduler.stop();
        await runningApp.stop();
        await runningHttp.close();
        await local.close();
        await db.close();
      },
    };
  } catch (err) {
    await held.release().catch(() => undefined);
    await scheduler?.stop().catch(() => undefined);
    await http?.close().catch(() => undefined);
    await slack?.close().catch(() => undefined);
    await db.close();
    throw err;
  }
}
