/** Shapes shared by the generator's modules (org.ts, plant.ts, events.ts, run.ts). */
import type { AlertRule } from '../metrics/rules.js';
import type { Interval } from '../metrics/windows.js';
import type { EventInput } from '../ingest/event-schema.js';

export interface SeedOptions {
  reps: number;
  weeks: number;
  seed: number;
  /** The end instant: every event lies before it, and the planted behaviours are alerts as of it. */
  end: Date;
  /** Slack team id of the workspace. */
  workspace: string;
  /**
   * Address the record links point under (`<base>/crm/deals/<id>`, served by the sandbox);
   * DEFAULT_CRM_BASE_URL when absent.
   */
  crmBaseUrl?: string;
}

export type Segment = 'SMB' | 'Mid-Market' | 'Enterprise';

/**
 * How a rep sells. Top performers really work differently (more touches, faster responses,
 * better conversion, bigger deals), so the team's baselines have something to show; grinders
 * are busy but convert poorly (a methodology gap), coasters convert fine but do little (an
 * activity gap); closers do little too but sell well, over their target (no results gap: a
 * coach should leave their activity alone).
 */
export type Archetype = 'top' | 'steady' | 'grinder' | 'coaster' | 'closer' | 'ramping';

export interface RepProfile {
  archetype: Archetype;
  /** Multiplies the weekly touch quotas (calls, emails, social touches, meetings). */
  activity: number;
  /** Chance to leave each stage of the team's pipeline forwards (aligned with it). */
  stageConversion: number[];
  leadsPerWeek: number;
  /** Chance a lead ends qualified. */
  qualifyRate: number;
  /** Share of leads first touched within a couple of working hours. */
  fastResponse: number;
  /** Share of leads never touched at all. */
  neverTouch: number;
  /** Multiplies the segment's typical deal amount. */
  dealSize: number;
}

export interface SeedPerson {
  email: string;
  name: string;
}

export interface SeedRep extends SeedPerson {
  /** Position in the whole org, 0-based: names the rep's PRNG stream and ids. */
  index: number;
  /** Short code used in lead, deal and event ids, e.g. r0042. */
  code: string;
  crmOwnerId: string;
  /** YYYY-MM-DD (team zone) or null when unknown. */
  startDate: string | null;
  ramping: boolean;
  profile: RepProfile;
  /** Their manager's email when the team has two managers. */
  manager: string | null;
  /** Quarterly booked_revenue target; null for a new hire who has none of their own yet. */
  target: number | null;
}

/** A negative behaviour planted so that, as of the end instant, the rule finds it. */
export type Plant =
  | { rule: 'untouched_lead'; rep: string; leadId: string; assignedAt: number }
  | { rule: 'stalled_deal'; rep: string; dealId: string; createdAt: number; lastActivityAt: number }
  | { rule: 'missed_follow_up'; rep: string; dealId: string; createdAt: number; meetingAt: number }
  | { rule: 'activity_drop'; rep: string; type: string; week: Interval };

export const PLANT_RULES: readonly AlertRule[] = ['untouched_lead', 'stalled_deal', 'missed_follow_up', 'activity_drop'];

/**
 * A deal planted to give the org its shape (not an alert): a young open deal sitting in stage
 * `stageIndex` of the pipeline, or a deal won that puts a closer over their target.
 */
export type ShapeDeal =
  | { kind: 'young'; rep: string; dealId: string; createdAt: number; stageIndex: number; touchAt: number }
  | { kind: 'won'; rep: string; dealId: string; createdAt: number; wonAt: number; amount: number };

export interface SeedTeam {
  index: number;
  name: string;
  timezone: string;
  segment: Segment;
  pipelineStages: string[];
  focus: string[];
  /** Share of the team's leads that are inbound. */
  inboundShare: number;
  /** Typical deal amount in the workspace currency. */
  dealAmount: number;
  /** Multiplies stage durations (enterprise deals take longer). */
  cycleFactor: number;
  managers: SeedPerson[];
  reps: SeedRep[];
  /** Quarterly booked_revenue target of the team. */
  target: number;
  /** Start of the first generated week (team zone), epoch ms. */
  start: number;
  plants: Plant[];
  shapeDeals: ShapeDeal[];
  /** A week in the cadence window when the whole team was off (all activity × HOLIDAY_FACTOR), or null. */
  holidayWeek: Interval | null;
}

export interface SeedOrg {
  options: SeedOptions;
  teams: SeedTeam[];
  /** Distinct managers (one may lead two teams). */
  managers: number;
}

/** An event before it gets its id and rep reference. */
export interface DraftEvent {
  at: number;
  type: string;
  leadId?: string;
  dealId?: string;
  amount?: number;
  stage?: string;
  leadSource?: 'inbound' | 'outbound';
  /** Planted (an alert or the org's shape): kept whole whatever else thins the week. */
  planted?: true;
}

/** An event as the ingestion API takes it. */
export type SeedEvent = EventInput;
