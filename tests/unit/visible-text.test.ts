import { describe, expect, it } from 'vitest';
import { compactMoney } from '../../src/reports/text.js';
import { actions, button, context, divider, fields, header, option, section } from '../../src/slack/blocks/kit.js';
import { renderedMrkdwn, visibleLength, visibleText } from '../../src/slack/blocks/visible-text.js';

describe('visible text', () => {
  it('renders mrkdwn as the reader sees it: no markup, link labels not targets, names, date fallbacks, entities', () => {
    expect(renderedMrkdwn('*Calls* _behind_ ~old~ `▰▱`')).toBe('Calls behind old ▰▱');
    expect(renderedMrkdwn('<https://crm.example.com/deals/1|Acme renewal> and <https://x.example.com>')).toBe('Acme renewal and https://x.example.com');
    expect(renderedMrkdwn('<@U123|dev.tanaka> <#C9|sales> <!here>')).toBe('@dev.tanaka #sales @here');
    expect(renderedMrkdwn('due <!date^1764000000^{date_short}|Nov 24>')).toBe('due Nov 24');
    expect(renderedMrkdwn('Smith &amp; Co &lt;3 :tada:')).toBe('Smith & Co <3 ☺');
    expect(renderedMrkdwn('lead_id stays')).toBe('lead_id stays');
  });

  it('counts headers, sections with fields and accessories, context lines and button labels; not dividers or link targets', () => {
    const blocks = [
      header('Your week'),
      section('*Go* <https://very.long.example.com/path/that/is/not/read|now>', button({ text: 'Open', actionId: 'a', url: 'https://example.com/xyz' })),
      fields(['*A*', 'B']),
      divider(),
      context('ctx'),
      actions([button({ text: 'Done', actionId: 'd' })]),
      {
        type: 'actions' as const,
        elements: [{ type: 'static_select' as const, action_id: 's', placeholder: { type: 'plain_text' as const, text: 'Snooze' }, options: [option('1 day', '1d')] }],
      },
    ];
    expect(visibleText(blocks).split('\n')).toEqual(['Your week', 'Go now', 'Open', 'A', 'B', 'ctx', 'Done', 'Snooze']);
    expect(visibleLength(blocks)).toBe('Your weekGo nowOpenABctxDoneSnooze'.length);
  });

  it('counts an emoji as one character', () => {
    expect(visibleLength([section('🎯 ok')])).toBe(4);
  });
});

describe('compact money', () => {
  it('shows the currency symbol and a compact amount', () => {
    expect(compactMoney(1_799_407, 'USD')).toBe('$1.8M');
    expect(compactMoney(54_900, 'USD')).toBe('$54.9K');
    expect(compactMoney(900, 'EUR')).toBe('€900');
    expect(compactMoney(12.5, 'USD')).toBe('$13');
    expect(compactMoney(null, 'USD')).toBe('—');
  });
});
