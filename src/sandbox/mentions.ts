/**
 * What Slack does to a slash command's text when the command has `should_escape`: a user
 * mentioned as @Name arrives as `<@U123|handle>`. The sandbox plays Slack, so its composer's
 * "@Dev Tanaka" (a display name) or "@dev.tanaka" (a handle) is escaped the same way before the
 * command reaches Pacer. Pure.
 */

export interface MentionablePerson {
  slackUserId: string;
  /** Display name, "Dev Tanaka". */
  name: string;
  /** Slack handle, "dev.tanaka". */
  handle: string;
}

/** Characters that may continue a name or handle: a match must not stop inside one. */
const NAME_CHAR = /[\p{L}\p{N}._'-]/u;

/**
 * `text` with every @Name or @handle of someone in `people` replaced by Slack's escaped mention,
 * the longest name winning ("@Dev Tanaka" over "@Dev"); names are compared case-insensitively.
 * Unknown names, emails and mentions already escaped are left as typed.
 */
export function escapeMentions(text: string, people: readonly MentionablePerson[]): string {
  const candidates = people.flatMap((p) => [p.name, p.handle].filter((n) => n.trim() !== '').map((n) => ({ name: n, key: n.toLowerCase(), person: p }))).sort((a, b) => b.name.length - a.name.length);
  const matches = (c: (typeof candidates)[number], from: number) => text.slice(from, from + c.name.length).toLowerCase() === c.key && !NAME_CHAR.test(text[from + c.name.length] ?? ' ');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('@', i);
    if (at === -1) break;
    out += text.slice(i, at);
    i = at + 1;
    // "ben@example.com" and "<@U123>" are not mentions to escape.
    const before = at > 0 ? text[at - 1]! : ' ';
    const found = before === '<' || NAME_CHAR.test(before) ? undefined : candidates.find((c) => matches(c, i));
    if (!found) {
      out += '@';
      continue;
    }
    out += `<@${found.person.slackUserId}|${found.person.handle}>`;
    i += found.name.length;
  }
  return out + text.slice(i);
}
