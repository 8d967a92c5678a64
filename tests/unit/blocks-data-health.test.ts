import type { AnyBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateBlocks, validateView } from '../../src/local-slack/block-kit.js';
import type { DataHealthJson, RepReport } from '../../src/reports/types.js';
import { buildOrg } from '../../src/seed/org.js';
import { staleDataText } from '../../src/slack/blocks/data-health.js';
import { renderRepHome, STALE_ALERTS_TEXT } from '../../src/slack/blocks/home.js';
import { renderMyKpis } from '../../src/slack/blocks/mykpis.js';
import { renderRepNudge } from '../../src/slack/blocks/nudge.js';
import { askOf } from '../../src/reports/ask.js';
import { ASK_BLOCK } from '../../src/slack/blocks/ask.js';
import { seededTeamReport } from '../helpers/seeded-report.js';

const AS_OF = new Date('2026-11-25T15:30:00Z');
const org = buildOrg({ reps: 12, weeks: 16, seed: 1, end: AS_OF, workspace: 'T0SEED' });
const team = seededTeamReport(org, org.teams[0]!, AS_OF);
// A rep Pacer would ask something of and alert about, with fresh data.
const rep = team.members.find((m) => askOf(m)?.kind === 'goal' && m.alerts.length > 0)!;
/** The ask every surface renders from askOf, in its own section. */
const askIn = (blocks: readonly AnyBlock[] | undefined) => (blocks ?? []).filter((b) => 'block_id' in b && b.block_id === ASK_BLOCK);

const STALE: DataHealthJson = { lastReceivedAt: '2026-11-23T09:00:00-05:00', lastOccurredAt: '2026-11-23T08:30:00-05:00', stale: true, reason: 'no_events', sources: [] };
const stale = (r: RepReport, h: DataHealthJson = STALE): RepReport => ({ ...r, dataHealth: h });

const texts = (blocks: readonly AnyBlock[] | undefined): string[] =>
  (blocks ?? []).flatMap((b) => {
    if (b.type === 'section' && 'text' in b && b.text) return [b.text.text];
    if (b.type === 'context' && 'elements' in b) return b.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []));
    return [];
  });
const hasAlertButtons = (blocks: readonly AnyBlock[]) => blocks.some((b) => b.type === 'actions' && 'elements' in b && b.elements.some((e) => 'action_id' in e && e.action_id === 'alert_done'));
const SINCE = '⚠️ No new CRM data since <!date^1795442400^{date_short_pretty} {time}|Nov 23, 09:00 (UTC−05:00)> — figures may be behind.';

describe('while data is stale, rep-facing messages say when data last arrived and ask nothing', () => {
  it('the line, per reason; none while fresh or for a historical report', () => {
    expect(staleDataText(STALE)).toBe(SINCE);
    expect(staleDataText(STALE, false)).toBe('⚠️ No new CRM data since Nov 23, 09:00 (UTC−05:00) — figures may be behind.');
    expect(staleDataText({ ...STALE, reason: 'zero_activity' }, false)).toBe(
      '⚠️ No activity has come in from the CRM this week (data last arrived Nov 23, 09:00 (UTC−05:00)) — figures may be behind.',
    );
    expect(staleDataText({ ...STALE, reason: 'source_error' }, false)).toBe('⚠️ A CRM connection is failing (data last arrived Nov 23, 09:00 (UTC−05:00)) — figures may be behind.');
    // A failing source is named with what failed, so the manager knows what to ask for.
    const failing = (name: string, error: string | null) => ({ name, lastSuccessAt: null, error });
    expect(staleDataText({ ...STALE, reason: 'source_error', sources: [failing('hubspot', 'the token was revoked (401)'), failing('salesforce', null)] }, false)).toBe(
      '⚠️ The CRM sync is failing — hubspot: the token was revoked (401) (data last arrived Nov 23, 09:00 (UTC−05:00)) — figures may be behind.',
    );
    const three = [failing('a', 'x <y>'), failing('b', 'z'), failing('c', 'w')];
    expect(staleDataText({ ...STALE, reason: 'source_error', sources: three })).toMatch(/^⚠️ CRM syncs are failing — a: x &lt;y&gt;; b: z, and 1 more \(/);
    expect(staleDataText({ ...STALE, stale: false, reason: null })).toBeNull();
    expect(staleDataText({ ...STALE, stale: null, reason: null })).toBeNull();
  });

  it('/mykpis: the line instead of the ask', () => {
    expect(askIn(renderMyKpis({ report: rep, period: 'this_week', appHomeUrl: null, viewerIsSubject: true }).blocks)).toHaveLength(1);
    const message = renderMyKpis({ report: stale(rep), period: 'this_week', appHomeUrl: null, viewerIsSubject: true });
    expect(texts(message.blocks)).toContain(SINCE);
    expect(askIn(message.blocks)).toEqual([]);
    expect(message.text).toContain('No new CRM data since Nov 23, 09:00 (UTC−05:00)');
    expect(validateBlocks(message.blocks ?? [], { surface: 'message' })).toEqual([]);
  });

  it('the nudge: the line and no “this week” ask', () => {
    const asks = (blocks: readonly AnyBlock[] | undefined) => texts(blocks).filter((t) => t.startsWith('🎯') || t.startsWith('🌟'));
    expect(asks(renderRepNudge({ report: rep, feedbackSubject: 'rep_nudge:2026-11-16', appHomeUrl: null }).blocks)).toHaveLength(1);
    const message = renderRepNudge({ report: stale(rep), feedbackSubject: 'rep_nudge:2026-11-16', appHomeUrl: null });
    expect(asks(message.blocks)).toEqual([]);
    expect(texts(message.blocks)).toContain(SINCE);
    expect(message.text).toContain('No new CRM data since Nov 23, 09:00 (UTC−05:00)');
  });

  it('App Home: the line, no ask and the alerts paused', () => {
    const settings = { nudgesEnabled: true, sendTime: '08:30' };
    const fresh = renderRepHome({ report: rep, settings, generatedAt: '2026-11-25T10:30:00-05:00' });
    expect(askIn(fresh.blocks)).toHaveLength(1);
    expect(hasAlertButtons(fresh.blocks)).toBe(true);

    const view = renderRepHome({ report: stale(rep), settings, generatedAt: '2026-11-25T10:30:00-05:00' });
    expect(texts(view.blocks)).toEqual(expect.arrayContaining([SINCE, STALE_ALERTS_TEXT]));
    expect(askIn(view.blocks)).toEqual([]);
    expect(hasAlertButtons(view.blocks)).toBe(false);
    expect(validateView(view)).toEqual([]);
  });
});
