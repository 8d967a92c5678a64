/** What a slash command's text asked for. `unknown` holds words it did not understand. */
export type CommandRequest =
  | { kind: 'help'; unknown: string | null }
  | { kind: 'report'; period: 'this_week' | 'last_week'; subjectSlackUserId: string | null };

/** Slack escapes a mention as <@U123|name> or <@U123> when the command has should_escape. */
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

/**
 * Parses `/mykpis` and `/teamkpis` text: nothing, `last`, `help`, and (for /mykpis) one mention.
 * Anything else is answered with help naming what was not understood.
 */
export function parseCommandText(text: string, options: { allowMention: boolean }): CommandRequest {
  const words = text.trim().split(/\s+/).filter(Boolean);
  let period: 'this_week' | 'last_week' = 'this_week';
  let subject: string | null = null;
  for (const word of words) {
    const lower = word.toLowerCase();
    if (lower === 'help' || lower === '?') return { kind: 'help', unknown: null };
    if (lower === 'last' && period === 'this_week') {
      period = 'last_week';
      continue;
    }
    const mention = MENTION.exec(word);
    if (mention && options.allowMention && subject === null) {
      subject = mention[1]!;
      continue;
    }
    return { kind: 'help', unknown: word };
  }
  return { kind: 'report', period, subjectSlackUserId: subject };
}
