/** What a slash command's text asked for. `unknown` holds the words it did not understand. */
export type CommandRequest = { kind: 'help'; unknown: string | null } | { kind: 'report'; period: Period; subjectSlackUserId: string | null };

type Period = 'this_week' | 'last_week';

/**
 * The text's tokens: Slack's escaped entities (`<@U123|Dev Tanaka>`, `<#C1|sales>`, `<!here>`)
 * whole, because a mention's label may hold spaces (some clients send the display name), and
 * the rest split on whitespace. Slack escapes a literal `<` or `>` in text (`&lt;`), so a raw one
 * only opens or closes an entity; a stray one stays with the word it touches.
 */
const TOKEN = /<[^<>]*>|<?[^\s<>]+>?|[<>]/g;

/** Slack escapes a mention as <@U123|label> or <@U123> when the command has should_escape. */
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>$/;

/** Words naming a period, alone or as the first of two (`last week`). */
const PERIODS: readonly { words: readonly string[]; period: Period }[] = [
  { words: ['last', 'week'], period: 'last_week' },
  { words: ['this', 'week'], period: 'this_week' },
  { words: ['last'], period: 'last_week' },
  { words: ['lastweek'], period: 'last_week' },
  { words: ['last-week'], period: 'last_week' },
  { words: ['thisweek'], period: 'this_week' },
  { words: ['this-week'], period: 'this_week' },
];

const HELP = new Set(['help', '?', '-h', '--help']);

/**
 * Parses `/mykpis` and `/teamkpis` text: nothing, a period (`last week`, `last`, `lastweek`,
 * `this week`), `help` or `?`, and (for /mykpis) one escaped mention, in any order. Anything
 * else, a second period or a second mention is answered with help naming what was not understood.
 */
export function parseCommandText(text: string, options: { allowMention: boolean }): CommandRequest {
  const found = [...text.matchAll(TOKEN)];
  const tokens = found.map((m) => m[0]);
  if (tokens.some((t) => HELP.has(t.toLowerCase()))) return { kind: 'help', unknown: null };
  // What was not understood, as typed (tokens i..j, whatever whitespace separates them).
  const typed = (i: number, j: number) => text.slice(found[i]!.index, found[j]!.index + tokens[j]!.length);
  let period: Period | null = null;
  let subject: string | null = null;
  for (let i = 0; i < tokens.length;) {
    const token = tokens[i]!;
    const mention = MENTION.exec(token);
    if (mention) {
      if (!options.allowMention || subject !== null) return { kind: 'help', unknown: token };
      subject = mention[1]!;
      i += 1;
      continue;
    }
    const match = PERIODS.find((p) => p.words.every((w, k) => tokens[i + k]?.toLowerCase() === w));
    if (!match) return { kind: 'help', unknown: token };
    if (period !== null) return { kind: 'help', unknown: typed(i, i + match.words.length - 1) };
    period = match.period;
    i += match.words.length;
  }
  return { kind: 'report', period: period ?? 'this_week', subjectSlackUserId: subject };
}
