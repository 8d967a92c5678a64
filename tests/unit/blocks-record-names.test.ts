import type { ActionsBlock, AnyBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateBlocks, validateView } from '../../src/local-slack/block-kit.js';
import type { AlertJson, RecordJson } from '../../src/reports/types.js';
import { renderBehaviourAlerts } from '../../src/slack/blocks/alert.js';
import { visibleText } from '../../src/slack/blocks/visible-text.js';
import { escapeRe } from '../helpers/blocks.js';
import { renderEventsBehind } from '../../src/slack/blocks/events-behind.js';

// docs/metrics.md "Events" (rev 2): messages show a record's name, clipped to 60 characters (else the
// id), and a link button when there is a link.

const LONG_NAME = 'Acme Logistics & <Freight> — 40 seats, renewal with the EMEA warehouse expansion';
const record = (over: Partial<RecordJson> = {}): RecordJson => ({ kind: 'deal', id: 'D-7', name: LONG_NAME, accountName: 'Acme Logistics', url: 'https://crm.example.com/deals/D-7?a=1&b=2', ...over });
const stalled = (r: RecordJson | null): AlertJson => ({
  rule: 'stalled_deal',
  key: 'stalled_deal:D-7:2026-11-05T15:00:00.000Z',
  subject: 'D-7',
  triggeredAt: '2026-11-19T10:00:00-05:00',
  detail: { amount: 12000, daysSinceActivity: 18, stalledDays: 14 },
  record: r,
});
const render = (a: AlertJson) => renderBehaviourAlerts({ items: [{ alert: a, returning: false }], currency: 'USD', timezone: 'America/New_York' });
const sectionTexts = (blocks: readonly (KnownBlock | AnyBlock)[]) => blocks.filter((b): b is SectionBlock => b.type === 'section').map((b) => b.text?.text ?? '');
const buttons = (blocks: readonly (KnownBlock | AnyBlock)[]) =>
  blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements.filter((e): e is Button => e.type === 'button'));

describe('an alert names its record and links it', () => {
  it('shows the name clipped to 60 characters, escaped, and a primary "Open in CRM" button to its link', () => {
    const m = render(stalled(record()));
    expect(validateBlocks(m.blocks, { surface: 'message' })).toEqual([]);
    // 59 characters and an ellipsis, then escaped; the name already says the account.
    const clipped = 'Acme Logistics &amp; &lt;Freight&gt; — 40 seats, renewal with the EME…';
    const [headline] = sectionTexts(m.blocks);
    expect(headline).toMatch(new RegExp(`^⏸️ \\*${escapeRe(clipped)}\\* \\(\\$12K\\) has gone quiet: no touch or stage change in 18 days\\.`));
    expect(m.text).not.toContain('D-7');
    const open = buttons(m.blocks).find((b) => b.text.text === 'Open in CRM');
    expect(open).toMatchObject({ action_id: 'open_record', url: 'https://crm.example.com/deals/D-7?a=1&b=2', style: 'primary' });
    expect(open?.value).toBeUndefined();
    expect(buttons(m.blocks)[0]).toBe(open);
    // One primary action per alert: Open in CRM, not Done.
    expect(buttons(m.blocks).filter((b) => b.style === 'primary')).toEqual([open]);
  });

  it('adds the account when the name does not say it', () => {
    const m = render(stalled(record({ name: 'Renewal 2027', accountName: 'Globex' })));
    expect(sectionTexts(m.blocks)[0]).toContain('*Renewal 2027* (Globex, $12K) has gone quiet');
  });

  it('says "a deal" with what is known, never the id, and shows no link button when there is no link', () => {
    const cases: [RecordJson | null, string][] = [
      [record({ name: null, url: null }), '*A $12K deal at Acme Logistics* has gone quiet'],
      [record({ name: null, accountName: null, url: null }), '*A $12K deal* has gone quiet'],
      [null, '*A $12K deal* has gone quiet'],
    ];
    for (const [r, expected] of cases) {
      const m = render(stalled(r));
      expect(sectionTexts(m.blocks)[0]).toContain(expected);
      // The key rides in button values; nothing a person reads names the id.
      expect(`${visibleText(m.blocks)}\n${m.text}`).not.toContain('D-7');
      expect(buttons(m.blocks).map((b) => b.action_id)).toEqual(['alert_done', 'alert_dismiss', 'alert_useful', 'alert_not_useful']);
    }
    const noAmount = render({ ...stalled(null), detail: { daysSinceActivity: 18, stalledDays: 14 } });
    expect(sectionTexts(noAmount.blocks)[0]).toContain('*A deal* has gone quiet');
  });

  it('still shows the link button when the record has a link but no name', () => {
    const m = render(stalled(record({ name: null })));
    expect(sectionTexts(m.blocks)[0]).toContain('*A $12K deal at Acme Logistics* has gone quiet');
    expect(buttons(m.blocks)[0]).toMatchObject({ action_id: 'open_record', url: 'https://crm.example.com/deals/D-7?a=1&b=2' });
  });
});

describe('events behind a figure name their records', () => {
  it("links a deal's name to its page and shows a lead's name, escaping both", () => {
    const events = [
      { occurredAt: '2026-11-03T10:00:00-05:00', type: 'opportunity_created', leadId: 'L-1', dealId: 'D-7', amount: 12000, stage: null, record: record({ url: 'https://crm.example.com/d?x=<1>|2' }) },
      {
        occurredAt: '2026-11-02T10:00:00-05:00',
        type: 'call',
        leadId: 'L-1',
        dealId: null,
        amount: null,
        stage: null,
        record: { kind: 'lead' as const, id: 'L-1', name: 'Jo Park', accountName: null, url: null },
      },
      { occurredAt: '2026-11-01T10:00:00-05:00', type: 'call', leadId: 'L-2', dealId: null, amount: null, stage: null, record: null },
    ];
    const modal = renderEventsBehind({ label: 'Pipeline created', repName: 'Quinn', window: { start: '2026-10-26T00:00:00-04:00', end: '2026-11-23T00:00:00-05:00' }, value: null, events, total: 3 });
    expect(validateView(modal, 'modal')).toEqual([]);
    const lines = sectionTexts(modal.blocks)
      .slice(1)
      .flatMap((t) => t.split('\n'));
    expect(lines[0]).toContain('lead L-1 · deal <https://crm.example.com/d?x=%3C1%3E%7C2|Acme Logistics &amp; &lt;Freight&gt; — 40 seats, renewal with the EME…>');
    expect(lines[1]).toContain('lead Jo Park');
    expect(lines[2]).toContain('lead L-2');
  });
});
