import { ALERT_RULES, alertRuleOfKey, type AlertRule } from '../metrics/rules.js';
import type { Database } from './client.js';

/**
 * Feedback that changes something (issue 12): a rep's 👍/👎 on each alert, and the rules a rep
 * paused. 👎 on two alerts of the same rule within 30 days pauses that rule for the rep for 30
 * days: the alert scan sends none of it meanwhile, and the manager's digest says so. A 👎 counts
 * once per alert (a second click on the same alert replaces the first), and the 👎s that started a
 * pause are spent: only later ones count towards the next.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Two 👎 within this span pause the rule… */
export const PAUSE_AFTER_WINDOW_MS = 30 * DAY_MS;
/** …for this long. */
export const PAUSE_MS = 30 * DAY_MS;
/** 👎 within the window that pause a rule. */
export const PAUSE_AFTER_NOT_USEFUL = 2;

export interface RulePause {
  rule: AlertRule;
  until: Date;
}

export class UnknownAlertRuleError extends Error {
  constructor(alertKey: string) {
    super(`alert feedback: the key ${JSON.stringify(alertKey.slice(0, 80))} names no alert rule (${ALERT_RULES.join(', ')})`);
  }
}

/**
 * Records a rep's 👍/👎 on an alert. Returns the pause this click started (the second 👎 on the
 * rule within 30 days, with no pause running), else null: the rep is told once, in the click's answer.
 */
export async function recordAlertFeedback(
  db: Database,
  input: { workspaceId: number; memberId: number; alertKey: string; useful: boolean; now: Date },
): Promise<{ rule: AlertRule; pause: RulePause | null }> {
  const rule = alertRuleOfKey(input.alertKey);
  if (!rule) throw new UnknownAlertRuleError(input.alertKey);
  const { workspaceId, memberId, alertKey, useful, now } = input;
  await db.query(
    `INSERT INTO alert_feedback (workspace_id, member_id, alert_key, rule, useful, at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (member_id, alert_key) DO UPDATE SET useful = EXCLUDED.useful, at = EXCLUDED.at`,
    [workspaceId, memberId, alertKey, rule, useful, now],
  );
  if (useful) return { rule, pause: null };
  const [count] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM alert_feedback f
     WHERE f.member_id = $1 AND f.rule = $2 AND NOT f.useful AND f.at > $3 AND f.at <= $4
       AND f.at > coalesce((SELECT p.started_at FROM alert_rule_pause p WHERE p.member_id = $1 AND p.rule = $2), '-infinity')`,
    [memberId, rule, new Date(now.getTime() - PAUSE_AFTER_WINDOW_MS), now],
  );
  if ((count?.n ?? 0) < PAUSE_AFTER_NOT_USEFUL) return { rule, pause: null };
  // One pause per rep and rule at a time: of two clicks at once, only one starts it.
  const until = new Date(now.getTime() + PAUSE_MS);
  const started = await db.query<{ until: Date }>(
    `INSERT INTO alert_rule_pause (workspace_id, member_id, rule, started_at, until) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (member_id, rule) DO UPDATE SET started_at = EXCLUDED.started_at, until = EXCLUDED.until, undone_at = NULL
       WHERE alert_rule_pause.until <= EXCLUDED.started_at OR alert_rule_pause.undone_at IS NOT NULL
     RETURNING until`,
    [workspaceId, memberId, rule, now, until],
  );
  return { rule, pause: started[0] ? { rule, until: new Date(started[0].until) } : null };
}

/** Undoes the rep's pause of a rule that ends at `until` (the one the click's message announced); false when it already ended or was undone. */
export async function undoRulePause(db: Database, input: { memberId: number; rule: AlertRule; until: Date; now: Date }): Promise<boolean> {
  const rows = await db.query<{ id: number }>(
    `UPDATE alert_rule_pause SET undone_at = $4 WHERE member_id = $1 AND rule = $2 AND until = $3 AND undone_at IS NULL AND until > $4 RETURNING id`,
    [input.memberId, input.rule, input.until, input.now],
  );
  return rows.length === 1;
}

/** The rules paused right now for these members, as `${memberId}|${rule}`. */
export async function pausedRuleKeys(db: Database, workspaceId: number, memberIds: readonly number[], now: Date): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await db.query<{ member_id: number; rule: string }>(
    'SELECT member_id, rule FROM alert_rule_pause WHERE workspace_id = $1 AND member_id = ANY($2::int[]) AND until > $3 AND undone_at IS NULL',
    [workspaceId, [...memberIds], now],
  );
  return new Set(rows.map((r) => `${r.member_id}|${r.rule}`));
}

/** 👍 and 👎 on one rule's alerts. */
export interface RuleFeedbackCount {
  rule: AlertRule;
  useful: number;
  notUseful: number;
}

/** A rule paused for a rep of the team, for the manager. */
export interface PausedAlertRule {
  name: string;
  rule: AlertRule;
  until: Date;
}

/** Teams by name, each holding what the query found for its active reps. */
type ByTeam<T> = Map<string, T[]>;

const asRule = (rule: string): AlertRule | null => ALERT_RULES.find((r) => r === rule) ?? null;

function byTeam<T>(rows: readonly { team: string; item: T }[]): ByTeam<T> {
  const out: ByTeam<T> = new Map();
  for (const r of rows) {
    const list = out.get(r.team);
    if (list) list.push(r.item);
    else out.set(r.team, [r.item]);
  }
  return out;
}

/**
 * Per active team, 👍/👎 counts per rule over the 30 days before `now`, from the team's active
 * reps (rules in ALERT_RULES order; a rule nobody rated is left out).
 */
export async function alertFeedbackCounts(db: Database, workspaceId: number, now: Date): Promise<ByTeam<RuleFeedbackCount>> {
  const rows = await db.query<{ team: string; rule: string; useful: number; not_useful: number }>(
    `SELECT t.name AS team, f.rule, count(*) FILTER (WHERE f.useful)::int AS useful, count(*) FILTER (WHERE NOT f.useful)::int AS not_useful
     FROM team t
     JOIN team_membership tm ON tm.team_id = t.id AND tm.role = 'rep'
     JOIN member m ON m.id = tm.member_id AND m.active
     JOIN alert_feedback f ON f.member_id = m.id
     WHERE t.workspace_id = $1 AND t.active AND f.at > $2 AND f.at <= $3
     GROUP BY t.name, f.rule
     ORDER BY t.name`,
    [workspaceId, new Date(now.getTime() - PAUSE_AFTER_WINDOW_MS), now],
  );
  const items = rows.flatMap((r) => {
    const rule = asRule(r.rule);
    return rule ? [{ team: r.team, item: { rule, useful: r.useful, notUseful: r.not_useful } }] : [];
  });
  return byTeam(items.sort((a, b) => a.team.localeCompare(b.team) || ALERT_RULES.indexOf(a.item.rule) - ALERT_RULES.indexOf(b.item.rule)));
}

/** Per active team, the rules paused right now for its active reps, soonest end first. */
export async function pausedAlertRules(db: Database, workspaceId: number, now: Date): Promise<ByTeam<PausedAlertRule>> {
  const rows = await db.query<{ team: string; name: string; rule: string; until: Date }>(
    `SELECT t.name AS team, m.name, p.rule, p.until
     FROM team t
     JOIN team_membership tm ON tm.team_id = t.id AND tm.role = 'rep'
     JOIN member m ON m.id = tm.member_id AND m.active
     JOIN alert_rule_pause p ON p.member_id = m.id
     WHERE t.workspace_id = $1 AND t.active AND p.until > $2 AND p.undone_at IS NULL
     ORDER BY t.name, p.until, m.name, p.rule`,
    [workspaceId, now],
  );
  return byTeam(
    rows.flatMap((r) => {
      const rule = asRule(r.rule);
      return rule ? [{ team: r.team, item: { name: r.name, rule, until: new Date(r.until) } }] : [];
    }),
  );
}
