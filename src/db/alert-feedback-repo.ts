import { ALERT_RULES, alertRuleOfKey, type AlertRule, type PausedAlertRule, type RuleFeedbackCount } from '../metrics/rules.js';
import { sql } from 'kysely';
import type { SqlRunner } from './client.js';

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
  db: SqlRunner,
  input: { workspaceId: number; memberId: number; alertKey: string; useful: boolean; now: Date },
): Promise<{ rule: AlertRule; pause: RulePause | null }> {
  const rule = alertRuleOfKey(input.alertKey);
  if (!rule) throw new UnknownAlertRuleError(input.alertKey);
  const { workspaceId, memberId, alertKey, useful, now } = input;
  await db.kysely
    .insertInto('alert_feedback')
    .values({ workspace_id: workspaceId, member_id: memberId, alert_key: alertKey, rule, useful, at: now })
    .onConflict((oc) => oc.columns(['member_id', 'alert_key']).doUpdateSet((eb) => ({ useful: eb.ref('excluded.useful'), at: eb.ref('excluded.at') })))
    .execute();
  if (useful) return { rule, pause: null };
  const count = await db.kysely
    .selectFrom('alert_feedback as f')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('f.member_id', '=', memberId)
    .where('f.rule', '=', rule)
    .where('f.useful', '=', false)
    .where('f.at', '>', new Date(now.getTime() - PAUSE_AFTER_WINDOW_MS))
    .where('f.at', '<=', now)
    // 👎s before the current or last pause started were spent on it.
    .where('f.at', '>', sql<Date>`coalesce((SELECT p.started_at FROM alert_rule_pause p WHERE p.member_id = ${memberId} AND p.rule = ${rule}), '-infinity')`)
    .executeTakeFirst();
  if ((count?.n ?? 0) < PAUSE_AFTER_NOT_USEFUL) return { rule, pause: null };
  // One pause per rep and rule at a time: of two clicks at once, only one starts it.
  const until = new Date(now.getTime() + PAUSE_MS);
  const started = await db.kysely
    .insertInto('alert_rule_pause')
    .values({ workspace_id: workspaceId, member_id: memberId, rule, started_at: now, until })
    .onConflict((oc) =>
      oc
        .columns(['member_id', 'rule'])
        .doUpdateSet((eb) => ({ started_at: eb.ref('excluded.started_at'), until: eb.ref('excluded.until'), undone_at: null }))
        .where((eb) => eb.or([eb('alert_rule_pause.until', '<=', eb.ref('excluded.started_at')), eb('alert_rule_pause.undone_at', 'is not', null)])),
    )
    .returning('until')
    .executeTakeFirst();
  return { rule, pause: started ? { rule, until: started.until } : null };
}

/** Undoes the rep's pause of a rule that ends at `until` (the one the click's message announced); false when it already ended or was undone. */
export async function undoRulePause(db: SqlRunner, input: { memberId: number; rule: AlertRule; until: Date; now: Date }): Promise<boolean> {
  const undone = await db.kysely
    .updateTable('alert_rule_pause')
    .set({ undone_at: input.now })
    .where('member_id', '=', input.memberId)
    .where('rule', '=', input.rule)
    .where('until', '=', input.until)
    .where('undone_at', 'is', null)
    .where('until', '>', input.now)
    .executeTakeFirst();
  return undone.numUpdatedRows === 1n;
}

/** The rules paused right now for these members, as `${memberId}|${rule}`. */
export async function pausedRuleKeys(db: SqlRunner, workspaceId: number, memberIds: readonly number[], now: Date): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await db.kysely
    .selectFrom('alert_rule_pause')
    .select(['member_id', 'rule'])
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb('member_id', '=', eb.fn.any(eb.val([...memberIds]))))
    .where('until', '>', now)
    .where('undone_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => `${r.member_id}|${r.rule}`));
}

/** Teams by name, each holding what the query found for its active reps. */
type ByTeam<T> = Map<string, T[]>;

/** The active reps of the workspace's active teams, each with their team (t) and member (m) row. */
const activeReps = (db: SqlRunner, workspaceId: number) =>
  db.kysely
    .selectFrom('team as t')
    .innerJoin('team_membership as tm', (join) => join.onRef('tm.team_id', '=', 't.id').on('tm.role', '=', 'rep'))
    .innerJoin('member as m', (join) => join.onRef('m.id', '=', 'tm.member_id').on('m.active', '=', true))
    .where('t.workspace_id', '=', workspaceId)
    .where('t.active', '=', true);

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
export async function alertFeedbackCounts(db: SqlRunner, workspaceId: number, now: Date): Promise<ByTeam<RuleFeedbackCount>> {
  const rows = await activeReps(db, workspaceId)
    .innerJoin('alert_feedback as f', 'f.member_id', 'm.id')
    .select(['t.name as team', 'f.rule', sql<number>`count(*) FILTER (WHERE f.useful)::int`.as('useful'), sql<number>`count(*) FILTER (WHERE NOT f.useful)::int`.as('not_useful')])
    .where('f.at', '>', new Date(now.getTime() - PAUSE_AFTER_WINDOW_MS))
    .where('f.at', '<=', now)
    .groupBy(['t.name', 'f.rule'])
    .orderBy('t.name')
    .execute();
  const items = rows.flatMap((r) => {
    const rule = asRule(r.rule);
    return rule ? [{ team: r.team, item: { rule, useful: r.useful, notUseful: r.not_useful } }] : [];
  });
  return byTeam(items.sort((a, b) => a.team.localeCompare(b.team) || ALERT_RULES.indexOf(a.item.rule) - ALERT_RULES.indexOf(b.item.rule)));
}

/** Per active team, the rules paused right now for its active reps, soonest end first. */
export async function pausedAlertRules(db: SqlRunner, workspaceId: number, now: Date): Promise<ByTeam<PausedAlertRule>> {
  const rows = await activeReps(db, workspaceId)
    .innerJoin('alert_rule_pause as p', 'p.member_id', 'm.id')
    .select(['t.name as team', 'm.name', 'p.rule', 'p.until'])
    .where('p.until', '>', now)
    .where('p.undone_at', 'is', null)
    .orderBy('t.name')
    .orderBy('p.until')
    .orderBy('m.name')
    .orderBy('p.rule')
    .execute();
  return byTeam(
    rows.flatMap((r) => {
      const rule = asRule(r.rule);
      return rule ? [{ team: r.team, item: { name: r.name, rule, until: r.until } }] : [];
    }),
  );
}
