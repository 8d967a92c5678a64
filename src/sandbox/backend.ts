/**
 * What the sandbox page asks of a running sandbox: the people of the demo org, what Slack would
 * show each of them (DMs, team channels, App Home, modals), and Slack's gestures (a slash command,
 * a button click) sent to Pacer exactly as Slack sends them (signed HTTP to /slack/events).
 * src/sandbox/routes.ts serves it as JSON; src/sandbox/runtime.ts implements it.
 */
import type { RecordHistoryEvent } from '../db/record-names.js';
import type { RecordInfo, RecordKind } from '../metrics/records.js';

export interface SandboxPerson {
  slackUserId: string;
  name: string;
  email: string;
  role: 'rep' | 'manager';
  /** Teams: the rep's one, or the ones a manager manages. */
  teams: string[];
}

/** A message as Slack stores it; `blocks` are Block Kit JSON. */
export interface SandboxMessage {
  ts: string;
  text: string;
  blocks: unknown[];
  /** Shown only to the viewer (slash command answers). */
  ephemeral: boolean;
  /** Image files shared with the message (charts): URLs the page can load. */
  imageUrls: string[];
}

export interface SandboxConversation {
  id: string;
  kind: 'dm' | 'channel';
  /** "Pacer" for the DM, "#central-sales" for a team channel. */
  title: string;
  messages: SandboxMessage[];
}

/** Where a clicked button sits: Slack sends different payloads for each. */
export type SandboxActionSource = { kind: 'message'; channel: string; ts: string } | { kind: 'home' } | { kind: 'modal'; viewId: string };

export interface SandboxClick {
  actionId: string;
  blockId: string;
  /** A button's value. */
  value?: string;
  /** A static select's chosen option. */
  selectedOption?: { value: string; text: string };
  source: SandboxActionSource;
}

/** A modal view Pacer opened for the user (views.open / views.update), as Block Kit JSON. */
export interface SandboxModal {
  id: string;
  view: unknown;
}

/** A deal or lead of the demo org, as its CRM page shows it. */
export interface SandboxRecord {
  record: RecordInfo;
  /** The latest events, newest first. */
  events: RecordHistoryEvent[];
  total: number;
}

/** What a run of the weekly jobs and the alert scan sent. */
export interface SandboxJobsRun {
  nudges: number;
  digests: number;
  recaps: number;
  alerts: number;
  failed: number;
  /** Weeks (their first day, yyyy-MM-dd) whose messages the schedule had skipped and this run delivered. */
  skippedWeeks: string[];
  /** The status line: weekly messages and alerts counted apart, and any week the schedule had skipped. */
  summary: string;
}

export interface SandboxBackend {
  /** The sandbox clock (starts at the end of the generated data). */
  now(): Date;
  people(): Promise<SandboxPerson[]>;
  /** The user's DM with Pacer and the channels of their teams, oldest message first. */
  conversations(slackUserId: string): Promise<SandboxConversation[]>;
  /** Opens the App Home as Slack does (app_home_opened) and returns the view Pacer published. */
  openHome(slackUserId: string): Promise<unknown>;
  /**
   * Runs a slash command as the user; returns the answers Slack would show (the acknowledgement's
   * body and anything posted to the response URL), in order.
   */
  runCommand(slackUserId: string, command: '/mykpis' | '/teamkpis', text: string): Promise<SandboxMessage[]>;
  /** Clicks a button or picks an option; returns the modal now open (if any) and answers posted. */
  click(slackUserId: string, click: SandboxClick): Promise<{ modal: SandboxModal | null; responses: SandboxMessage[] }>;
  /**
   * Runs every weekly job and the alert scan now, as `run-job` does: the last complete week's
   * messages go out whatever the grace window (those the schedule skipped, once).
   */
  runWeeklyJobs(): Promise<SandboxJobsRun>;
  /**
   * Moves the clock on (7 days for "advance a week"): the demo org's generated activity of those
   * days is stored first, then the weekly jobs run as runWeeklyJobs does.
   */
  advanceClock(days: number): Promise<{ now: Date; events: number; run: SandboxJobsRun }>;
  /** A deal or lead of the demo org as of the sandbox clock (what its record link opens); null when unknown. */
  crmRecord(kind: RecordKind, id: string): Promise<SandboxRecord | null>;
}
