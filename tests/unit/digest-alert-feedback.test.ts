import type { ContextBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateBlocks } from '../../src/local-slack/block-kit.js';
import { renderManagerDigest } from '../../src/slack/blocks/digest.js';
import { demoLargestTeam, sixtyRepTeam } from '../helpers/budget-teams.js';

// Issue 12 item 4: the manager's digest footer gives the team's 👍/👎 per alert rule and the
// rules its reps paused. (The digest's own layout is another change's; this is the line it gets.)

const until = new Date('2027-01-02T15:00:00Z');
const token = `<!date^${until.getTime() / 1000}^{date_short_pretty}|Jan 2>`;

describe('the digest’s alert feedback line', () => {
  const render = (team = demoLargestTeam(), extra: Partial<Parameters<typeof renderManagerDigest>[0]> = {}) =>
    renderManagerDigest({ report: team, previous: null, openAlerts: {}, includeLinks: false, feedbackSubject: 'manager_digest:2026-11-16', ...extra });
  const contexts = (messages: ReturnType<typeof render>) => messages.flatMap((m) => m.blocks.filter((b): b is ContextBlock => b.type === 'context').map((b) => b.elements.map((e) => ('text' in e ? e.text : '')).join(' ')));

  it('sits above the feedback buttons of the last message: counts per rule, then who paused what until when', () => {
    const messages = render(demoLargestTeam(), {
      alertFeedback: [
        { rule: 'untouched_lead', useful: 3, notUseful: 1 },
        { rule: 'stalled_deal', useful: 0, notUseful: 2 },
      ],
      pausedAlertRules: [{ name: 'Ann <b> & Co', rule: 'stalled_deal', until }],
    });
    const last = messages.at(-1)!;
    expect(last.blocks.at(-1)).toMatchObject({ type: 'actions', block_id: 'feedback' });
    expect(last.blocks.at(-2)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Alert feedback, last 30 days: untouched-lead 3 👍 1 👎 · stalled-deal 0 👍 2 👎. ⏸️ Paused: Ann &lt;b&gt; &amp; Co (stalled-deal alerts until ${token}).` }],
    });
  });

  it('is left out when there is no feedback and no pause, and says only what there is', () => {
    expect(contexts(render()).filter((t) => t.includes('Alert feedback') || t.includes('Paused'))).toEqual([]);
    expect(contexts(render(demoLargestTeam(), { alertFeedback: [], pausedAlertRules: [{ name: 'Bo', rule: 'activity_drop', until }] }))).toContain(`⏸️ Paused: Bo (activity-drop alerts until ${token}).`);
  });

  it('names five pauses and counts the rest, and keeps a 60-rep digest within Slack’s limits', () => {
    const pauses = Array.from({ length: 8 }, (_, i) => ({ name: `Rep ${i + 1}`, rule: 'missed_follow_up' as const, until }));
    const messages = render(sixtyRepTeam(), { alertFeedback: [{ rule: 'missed_follow_up', useful: 1, notUseful: 16 }], pausedAlertRules: pauses });
    for (const m of messages) expect(validateBlocks(m.blocks, { surface: 'message' })).toEqual([]);
    const line = contexts(messages).find((t) => t.startsWith('Alert feedback'))!;
    expect(line).toContain('Rep 5 (missed-follow-up alerts');
    expect(line).not.toContain('Rep 6');
    expect(line).toMatch(/ and 3 more\.$/);
  });
});
