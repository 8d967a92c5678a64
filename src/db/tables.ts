import type { ColumnType } from 'kysely';
import type { StoredSourceSettings } from '../config/apply-sources.js';
import type { CohortPairs, IndicatorLink } from '../metrics/correlation.js';
import type { KeptRepPaces } from './team-paces-repo.js';

/**
 * The tables as Kysely sees them: snake_case columns as in the database, written from
 * prisma/schema.prisma and the migrations (tests/integration/kysely.test.ts fails when they
 * and the migrated database disagree). The select types are what both drivers return through
 * src/db/kysely.ts, which reads bigint and date columns as text on PostgreSQL and PGlite alike.
 * Kysely is for the hand-written SQL; plain CRUD may use the Prisma client.
 */

/**
 * A column the database fills when an insert leaves it out (a default, a serial). Kysely's own
 * Defaulted<T> cannot wrap the ColumnTypes below, so this one passes theirs through.
 */
export type Defaulted<T> = [T] extends [ColumnType<infer S, infer I, infer U>] ? ColumnType<S, I | undefined, U> : ColumnType<T, T | undefined, T>;
/** timestamptz: read as a Date; written as a Date or an ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** bigint: read as decimal text (ids and versions may pass 2^53). */
export type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;
/** numeric: read as decimal text, exactly as stored. */
export type Numeric = ColumnType<string, string | number, string | number>;
/** date: read as YYYY-MM-DD (no time zone to shift it). */
export type DateColumn = ColumnType<string, string, string>;
/** jsonb: read as the parsed value the application stores there; written as JSON text. */
export type Json<T> = ColumnType<T, string, string>;

export type MemberRole = 'rep' | 'manager';
export type IdentityKind = 'email' | 'slack' | 'crm';
export type LeadSource = 'inbound' | 'outbound';
export type ApiKeyScope = 'ingest' | 'read';
export type TargetPeriodKind = 'quarter' | 'month' | 'custom';
export type AlertStatus = 'open' | 'snoozed' | 'dismissed' | 'done';
export type DeliveryStatus = 'pending' | 'posting' | 'sent' | 'failed' | 'unknown' | 'skipped';

export interface WorkspaceTable {
  id: Defaulted<number>;
  slack_team_id: string;
  name: string | null;
  currency: Defaulted<string>;
  timezone: Defaulted<string>;
  touch_types: Defaulted<string[] | null>;
  stale_after_hours: Defaulted<number>;
  data_version: Defaulted<Int8>;
  slack_disconnected_at: Timestamp | null;
  slack_missing_scopes: Defaulted<string[] | null>;
  admins: Defaulted<string[] | null>;
  created_at: Defaulted<Timestamp>;
  updated_at: Timestamp;
}

export interface TeamTable {
  id: Defaulted<number>;
  workspace_id: number;
  name: string;
  timezone: string;
  channel: string | null;
  pipeline_stages: string[] | null;
  focus: string[] | null;
  touch_types: Defaulted<string[] | null>;
  performance_metric: Defaulted<string>;
  week_starts_on: Defaulted<number>;
  /** Resolved team settings; read them with readTeamSettings. */
  settings: Defaulted<Json<unknown>>;
  active: Defaulted<boolean>;
  stale_since: Timestamp | null;
  created_at: Defaulted<Timestamp>;
  updated_at: Timestamp;
}

export interface MemberTable {
  id: Defaulted<number>;
  workspace_id: number;
  email: string;
  name: string;
  slack_user_id: string | null;
  crm_owner_id: string | null;
  start_date: DateColumn | null;
  timezone: string | null;
  active: Defaulted<boolean>;
  created_at: Defaulted<Timestamp>;
  updated_at: Timestamp;
}

export interface TeamMembershipTable {
  id: Defaulted<number>;
  team_id: number;
  member_id: number;
  role: Defaulted<MemberRole>;
  manager_id: number | null;
}

export interface IdentityTable {
  id: Defaulted<number>;
  workspace_id: number;
  kind: IdentityKind;
  value: string;
  member_id: number | null;
  rollup_zone: string | null;
}

export interface ActivityEventTable {
  id: Defaulted<Int8>;
  workspace_id: number;
  external_id: string;
  type: string;
  occurred_at: Timestamp;
  identity_id: number;
  lead_id: string | null;
  deal_id: string | null;
  amount: Numeric | null;
  stage: string | null;
  lead_source: LeadSource | null;
  metadata: Json<Record<string, unknown>> | null;
  deal_name: string | null;
  lead_name: string | null;
  account_name: string | null;
  url: string | null;
  version: Int8 | null;
  content_hash: string;
  received_at: Defaulted<Timestamp>;
}

export interface ApiKeyTable {
  id: Defaulted<number>;
  workspace_id: number;
  scope: ApiKeyScope;
  prefix: string;
  hash: string;
  created_at: Defaulted<Timestamp>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface TargetTable {
  id: Defaulted<number>;
  workspace_id: number;
  team_id: number;
  member_id: number | null;
  metric: string;
  period_kind: TargetPeriodKind;
  period_start: DateColumn | null;
  period_end: DateColumn | null;
  value: Numeric;
  ramped: Defaulted<boolean>;
}

export interface TeamLinksTable {
  team_id: number;
  week_start: Timestamp;
  data_version: Int8;
  fingerprint: string;
  cohort: Json<CohortPairs[]>;
  links: Json<IndicatorLink[]>;
  links_basis: string;
  computed_at: Defaulted<Timestamp>;
}

export interface TeamSnapshotTable {
  team_id: number;
  week_start: Timestamp;
  fingerprint: string;
  body: Json<unknown>;
  computed_at: Defaulted<Timestamp>;
}

export interface TeamPacesTable {
  team_id: number;
  week_end: Timestamp;
  as_of: Timestamp;
  paces: Json<KeptRepPaces[]>;
}

export interface SlackInstallationTable {
  id: Defaulted<number>;
  enterprise_id: Defaulted<string>;
  slack_team_id: Defaulted<string>;
  bot_user_id: string | null;
  /** Bolt's Installation, serialised; without its tokens when sealed. */
  installation: Json<unknown>;
  /** The tokens, AES-256-GCM under the key `key_id` names; null while the row is plain. */
  secrets: string | null;
  key_id: string | null;
  installed_at: Defaulted<Timestamp>;
  updated_at: Timestamp;
}

export interface SlackUserTable {
  workspace_id: number;
  slack_user_id: string;
  member_id: number | null;
  email: string | null;
  timezone: string | null;
  checked_at: Timestamp;
}

export interface MemberPreferenceTable {
  member_id: number;
  nudges_enabled: boolean | null;
  digest_enabled: boolean | null;
  send_time: string | null;
  updated_at: Timestamp;
}

export interface AlertStateTable {
  id: Defaulted<number>;
  workspace_id: number;
  member_id: number;
  alert_key: string;
  status: Defaulted<AlertStatus>;
  snoozed_until: Timestamp | null;
  snooze_count: Defaulted<number>;
  updated_at: Timestamp;
}

export interface FeedbackTable {
  id: Defaulted<number>;
  workspace_id: number;
  slack_user_id: string;
  member_id: number | null;
  subject: string;
  useful: boolean;
  created_at: Defaulted<Timestamp>;
  updated_at: Timestamp;
}

export interface AlertFeedbackTable {
  id: Defaulted<number>;
  workspace_id: number;
  member_id: number;
  alert_key: string;
  rule: string;
  useful: boolean;
  at: Timestamp;
}

export interface AlertRulePauseTable {
  id: Defaulted<number>;
  workspace_id: number;
  member_id: number;
  rule: string;
  started_at: Timestamp;
  until: Timestamp;
  undone_at: Timestamp | null;
}

export interface SlackEventReceiptTable {
  event_id: string;
  received_at: Defaulted<Timestamp>;
}

export interface SlackRequestSignatureTable {
  signature_hash: string;
  signed_at: Timestamp;
}

export interface DeliveryTable {
  id: Defaulted<Int8>;
  workspace_id: number;
  key: string;
  kind: string;
  recipient: string;
  status: Defaulted<DeliveryStatus>;
  claimed_by: string | null;
  lease_until: Timestamp | null;
  due_at: Timestamp;
  attempts: Defaulted<number>;
  not_before: Timestamp | null;
  channel: string | null;
  ts: string | null;
  error: string | null;
  created_at: Defaulted<Timestamp>;
  updated_at: Timestamp;
}

export interface CrmSourceTable {
  id: Defaulted<number>;
  workspace_id: number;
  name: string;
  kind: string;
  settings: Json<StoredSourceSettings>;
  settings_hash: string;
  every_minutes: number;
  active: Defaulted<boolean>;
  last_attempt_at: Timestamp | null;
  last_success_at: Timestamp | null;
  last_error: string | null;
  failing_since: Timestamp | null;
  last_run: Json<unknown> | null;
  claimed_by: string | null;
  lease_until: Timestamp | null;
  created_at: Defaulted<Timestamp>;
  updated_at: Timestamp;
}

export interface CrmCheckpointTable {
  source_id: number;
  stream: string;
  position: string;
  updated_at: Timestamp;
}

/** Every application table, by its name in the database. */
export interface RollupWeekTable {
  identity_id: number;
  week_start: Timestamp;
  type: string;
  workspace_id: number;
  n: number;
  amount: Defaulted<Numeric>;
}

export interface RollupLeadTable {
  identity_id: number;
  lead_id: string;
  workspace_id: number;
  last_at: Timestamp;
  events: Json<unknown[]>;
}

export interface RollupDealTable {
  identity_id: number;
  deal_id: string;
  workspace_id: number;
  last_at: Timestamp;
  events: Json<unknown[]>;
  touches: Json<Record<string, [number, number]>>;
}

export interface RollupRevisionTable {
  identity_id: number;
  week_start: Timestamp;
  workspace_id: number;
  revision: number;
}

export interface RollupOutboxTable {
  id: Defaulted<Int8>;
  workspace_id: number;
  added: Json<unknown[]>;
  removed: Json<unknown[]>;
  created_at: Defaulted<Timestamp>;
}

export interface DB {
  workspace: WorkspaceTable;
  team: TeamTable;
  member: MemberTable;
  team_membership: TeamMembershipTable;
  identity: IdentityTable;
  activity_event: ActivityEventTable;
  api_key: ApiKeyTable;
  target: TargetTable;
  team_links: TeamLinksTable;
  team_paces: TeamPacesTable;
  team_snapshot: TeamSnapshotTable;
  slack_installation: SlackInstallationTable;
  slack_user: SlackUserTable;
  member_preference: MemberPreferenceTable;
  alert_state: AlertStateTable;
  feedback: FeedbackTable;
  alert_feedback: AlertFeedbackTable;
  alert_rule_pause: AlertRulePauseTable;
  slack_event_receipt: SlackEventReceiptTable;
  slack_request_signature: SlackRequestSignatureTable;
  delivery: DeliveryTable;
  crm_source: CrmSourceTable;
  crm_checkpoint: CrmCheckpointTable;
  rollup_week: RollupWeekTable;
  rollup_lead: RollupLeadTable;
  rollup_deal: RollupDealTable;
  rollup_revision: RollupRevisionTable;
  rollup_outbox: RollupOutboxTable;
}
