import type { ActionsBlock, AnyBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateBlocks, validateView } from '../../src/local-slack/block-kit.js';
import type { AlertJson, RecordJson } from '../../src/reports/types.js';
import { renderBehaviourAlert } from '../../src/slack/blocks/alert.js';
import { renderEventsBehind } from '../../src/slack/blocks/events-behind.js';

// metrics.md "Events" (rev 2): messages show a record's name, clipped to 60 characters (else the
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
const render = (a: AlertJson) => renderBehaviourAlert({ alert: a, repName: 'Quinn', currency: 'USD', timezone: 'America/New_York', returning: false });
const sectionTexts = (blocks: readonly (KnownBlock | AnyBlock)[]) => blocks.filter((b): b is SectionBlock => b.type === 'section').map((b) => b.text?.text ?? '');
const buttons = (blocks: readonly (KnownBlock | AnyBlock)[]) => blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements as Button[]);

describe('an alert names its record and links it', () => {
  it('shows the name clipped to 60 characters, escaped, and an "Open in CRM" button to its link', () => {
    const m = render(stalled(record()));
    expect(validateBlocks(m.blocks, { surface: 'message' })).toEqual([]);
    // 59 characters and an ellipsis, then escaped.
    const clipped = 'Acme Logistics &amp; &lt;Freight&gt; — 40 seats, renewal with the EME…';
    const [headline, todo] = sectionTexts(m.blocks);
    expect(headline).toMatch(/^⏸️ \*Deal (.+) has gone quiet\*/);
    expect(headline).toContain(`*Deal ${clipped} has gone quiet*`);
    expect(todo).toContain(`check-in on deal ${clipped} (`);
    expect(m.text).not.toContain('D-7');
    const open = buttons(m.blocks).find((b) => b.text.text === 'Open in CRM');
    expect(open).toMatchObject({ action_id: 'open_record', url: 'https://crm.example.com/deals/D-7?a=1&b=2' });
    expect(open?.value).toBeUndefined();
  });

  it('shows the id and no link button when the record has no name and no link', () => {
    for (const r of [record({ name: null, url: null }), null]) {
      const m = render(stalled(r));
      expect(sectionTexts(m.blocks)[0]).toContain('*Deal D-7 has gone quiet*');
      expect(buttons(m.blocks).map((b) => b.action_id)).toEqual(['alert_snooze_1d', 'alert_snooze_1w', 'alert_dismiss', 'alert_done']);
    }
  });

  it('shows the id and still the link button when the record has a link but no name', () => {
    const m = render(stalled(record({ name: null })));
    expect(sectionTexts(m.blocks)[0]).toContain('*Deal D-7 has gone quiet*');
    expect(buttons(m.blocks)[0]).toMatchObject({ action_id: 'open_record', url: 'https://crm.example.com/deals/D-7?a=1&b=2' });
  });
});

describe('events behind a figure name their records', () => {
  it("links a deal's name to its page and shows a lead's name, escaping both", () => {
    const events = [
      { occurredAt: '2026-11-03T10:00:00-05:00', type: 'opportunity_created', leadId: 'L-1', dealId: 'D-7', amount: 12000, stage: null, record: record({ url: 'https://crm.example.com/d?x=<1>|2' }) },
      { occurredAt: '2026-11-02T10:00:00-05:00', type: 'call', leadId: 'L-1', dealId: null, amount: null, stage: null, record: { kind: 'lead' as const, id: 'L-1', name: 'Jo Park', accountName: null, url: null } },
      { occurredAt: '2026-11-01T10:00:00-05:00', type: 'call', leadId: 'L-2', dealId: null, amount: null, stage: null, record: null },
    ];
    const modal = renderEventsBehind({ label: 'Pipeline created', repName: 'Quinn', window: { start: '2026-10-26T00:00:00-04:00', end: '2026-11-23T00:00:00-05:00' }, value: null, events, total: 3 });
    expect(validateView(modal, 'modal')).toEqual([]);
    const lines = sectionTexts(modal.blocks).slice(1).flatMap((t) => t.split('\n'));
    expect(lines[0]).toContain('lead L-1 · deal <https://crm.example.com/d?x=%3C1%3E%7C2|Acme Logistics &amp; &lt;Freight&gt; — 40 seats, renewal with the EME…>');
    expect(lines[1]).toContain('lead Jo Park');
    expect(lines[2]).toContain('lead L-2');
  });
});
