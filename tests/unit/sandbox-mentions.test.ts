import { describe, expect, it } from 'vitest';
import { escapeMentions } from '../../src/sandbox/mentions.js';

const people = [
  { slackUserId: 'U000012', name: 'Dev Tanaka', handle: 'dev.tanaka' },
  { slackUserId: 'U000013', name: 'Dev', handle: 'dev' },
  { slackUserId: 'U000014', name: 'Ana Silva', handle: 'ana.silva2' },
];

describe('the sandbox composer escapes @mentions as Slack does for should_escape commands', () => {
  it('turns a display name or a handle into <@U…|handle>, the longest name winning, any case', () => {
    expect(escapeMentions('@Dev Tanaka', people)).toBe('<@U000012|dev.tanaka>');
    expect(escapeMentions('last @dev tanaka', people)).toBe('last <@U000012|dev.tanaka>');
    expect(escapeMentions('@dev.tanaka last', people)).toBe('<@U000012|dev.tanaka> last');
    expect(escapeMentions('@Dev last', people)).toBe('<@U000013|dev> last');
    expect(escapeMentions('@Ana Silva, @Dev Tanaka', people)).toBe('<@U000014|ana.silva2>, <@U000012|dev.tanaka>');
  });

  it('leaves unknown names, partial names, emails and escaped mentions as typed', () => {
    for (const text of ['@Nobody Here', '@Ana Silvas', '@Devon', 'dev@example.com', '<@U000012|dev.tanaka>', '@', 'last', '@ Dev Tanaka']) {
      expect(escapeMentions(text, people)).toBe(text);
    }
  });
});
