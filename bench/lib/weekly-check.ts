/**
 * Did every planned weekly message reach Slack exactly once? Compares the plan (what
 * src/jobs/plan.ts says is due), the delivery ledger and what the local Slack received, message
 * by message. The posts are told apart by their header block, as a reader sees them:
 *  - rep nudge:      "Your week — …" in the rep's DM;
 *  - manager digest: "Coaching digest — <team>…" in the manager's DM, parts marked "(i/n)" at the
 *                    end (a manager of two teams gets one digest per team);
 *  - team recap:     "<team> — weekly recap…" in the team's channel.
 */
import type { WeeklyKind } from '../../src/jobs/plan.js';

export interface PlannedDelivery {
  key: string;
  kind: WeeklyKind;
  team: string;
  /** The local Slack user of a member recipient (nudge, digest). */
  userId?: string;
  /** The channel of a team recap. */
  channel?: string;
}

export interface LedgerRow {
  key: string;
  kind: string;
  status: string;
  ts: string | null;
}

export interface PostedMessage {
  /** The conversation id (C… or D…). */
  channel: string;
  dmUserId?: string;
  ts: string;
  blocks?: unknown[];
  ephemeral: boolean;
}

export interface DeliveryCheck {
  /** Planned messages not (fully) posted, or whose ledger row is not `sent`, unknown ones aside. */
  lost: number;
  /** Planned messages posted more than once (any part of a digest). */
  doubled: number;
  /** Planned messages whose ledger row is `unknown` (the poster died inside the Web API call). */
  unknown: number;
  /** Posts that belong to no planned message. */
  unexpectedPosts: number;
  /** Ledger rows of these kinds that the plan does not name. */
  unplannedLedgerRows: number;
  ledgerStatus: Record<string, number>;
  /** Posts (digest parts counted one by one) per kind. */
  postsByKind: Record<WeeklyKind, number>;
  plannedByKind: Record<WeeklyKind, number>;
  /** Digests in more than one part, and the most parts seen. */
  digests: { multiPart: number; maxParts: number };
  /** The first problems found, for the log. */
  examples: string[];
}

function headerOf(message: PostedMessage): string | null {
  const first = message.blocks?.[0] as { type?: unknown; text?: { text?: unknown } } | undefined;
  return first?.type === 'header' && typeof first.text?.text === 'string' ? first.text.text : null;
}

const DIGEST = 'Coaching digest — ';
/** A nudge's header: "👋 Hi Ana — your week of Nov 16 – 22" (src/slack/blocks/nudge.ts). */
const NUDGE = /^👋 Hi .+ — your week of /u;

/** The part of a digest post ("… (2/3)" at the end of its header; a lone part is 1/1), when it is one of `team`'s. */
function digestPart(header: string, team: string): { i: number; n: number } | null {
  if (!header.startsWith(DIGEST)) return null;
  const rest = header.slice(DIGEST.length);
  if (!(rest === team || rest.startsWith(`${team},`) || rest.startsWith(`${team} (`))) return null;
  const m = /\((\d+)\/(\d+)\)$/.exec(rest);
  return m ? { i: Number(m[1]), n: Number(m[2]) } : { i: 1, n: 1 };
}

export function checkDeliveries(planned: readonly PlannedDelivery[], ledger: readonly LedgerRow[], messages: readonly PostedMessage[]): DeliveryCheck {
  const kinds: WeeklyKind[] = ['rep_nudge', 'manager_digest', 'team_recap'];
  const zero = () => Object.fromEntries(kinds.map((k) => [k, 0])) as Record<WeeklyKind, number>;
  const result: DeliveryCheck = {
    lost: 0,
    doubled: 0,
    unknown: 0,
    unexpectedPosts: 0,
    unplannedLedgerRows: 0,
    ledgerStatus: {},
    postsByKind: zero(),
    plannedByKind: zero(),
    digests: { multiPart: 0, maxParts: 0 },
    examples: [],
  };
  const problem = (text: string) => {
    if (result.examples.length < 10) result.examples.push(text);
  };

  const rows = new Map(ledger.map((r) => [r.key, r]));
  for (const r of ledger) result.ledgerStatus[r.status] = (result.ledgerStatus[r.status] ?? 0) + 1;
  const plannedKeys = new Set(planned.map((p) => p.key));
  for (const r of ledger) {
    if (plannedKeys.has(r.key)) continue;
    result.unplannedLedgerRows++;
    problem(`ledger row ${r.key} (${r.status}) was not planned`);
  }

  const posts = messages.filter((m) => !m.ephemeral);
  const byConversation = new Map<string, PostedMessage[]>();
  for (const m of posts) {
    const key = m.dmUserId ?? m.channel;
    const list = byConversation.get(key);
    if (list) list.push(m);
    else byConversation.set(key, [m]);
  }
  const used = new Set<PostedMessage>();

  for (const p of planned) {
    result.plannedByKind[p.kind]++;
    const inConversation = byConversation.get(p.kind === 'team_recap' ? p.channel! : p.userId!) ?? [];
    // How many complete copies were posted (sets), and the most copies of any part (most).
    let sets: number;
    let most: number;
    let found: PostedMessage[];
    if (p.kind === 'manager_digest') {
      const parts = inConversation.map((m) => ({ m, part: digestPart(headerOf(m) ?? '', p.team) })).filter((x) => x.part !== null);
      found = parts.map((x) => x.m);
      const n = Math.max(0, ...parts.map((x) => x.part!.n));
      const counts = Array.from({ length: n }, (_, i) => parts.filter((x) => x.part!.i === i + 1).length);
      sets = n === 0 ? 0 : Math.min(...counts);
      most = Math.max(0, ...counts);
      if (n > 1) result.digests.multiPart++;
      result.digests.maxParts = Math.max(result.digests.maxParts, n);
    } else {
      const matches = p.kind === 'rep_nudge' ? (h: string) => NUDGE.test(h) : (h: string) => h.startsWith(`${p.team} — weekly recap`);
      found = inConversation.filter((m) => matches(headerOf(m) ?? ''));
      sets = found.length;
      most = found.length;
    }
    for (const m of found) used.add(m);
    result.postsByKind[p.kind] += found.length;

    const row = rows.get(p.key);
    if (row?.status === 'unknown') {
      result.unknown++;
      problem(`${p.key}: ledger says unknown (${sets} posted)`);
    } else if (!row || row.status !== 'sent' || sets === 0 || !found.some((m) => m.ts === row.ts)) {
      result.lost++;
      problem(`${p.key}: ledger ${row ? `${row.status}, ts ${row.ts ?? 'none'}` : 'has no row'}; ${sets} complete cop${sets === 1 ? 'y' : 'ies'} posted`);
    }
    if (most > 1) {
      result.doubled++;
      problem(`${p.key}: posted ${most} times`);
    }
  }

  for (const m of posts) {
    if (used.has(m)) continue;
    result.unexpectedPosts++;
    problem(`unexpected post in ${m.dmUserId ?? m.channel}: ${headerOf(m) ?? '(no header)'}`);
  }
  return result;
}
