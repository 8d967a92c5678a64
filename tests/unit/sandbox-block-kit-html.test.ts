import { describe, expect, it } from 'vitest';
import type { AlertJson, TeamReport } from '../../src/reports/types.js';
import { blocksToHtml, escapeHtml, messageToHtml, mrkdwnToHtml, viewTitle, viewToHtml } from '../../src/sandbox/block-kit-html.js';
import { buildOrg } from '../../src/seed/org.js';
import type { SeedTeam } from '../../src/seed/types.js';
import { renderBehaviourAlerts } from '../../src/slack/blocks/alert.js';
import { renderManagerHome, renderRepHome } from '../../src/slack/blocks/home.js';
import { renderLoadingModal, renderMessageModal } from '../../src/slack/blocks/loading.js';
import { renderMyKpis, renderMyKpisHelp } from '../../src/slack/blocks/mykpis.js';
import { renderRepNudge } from '../../src/slack/blocks/nudge.js';
import { renderTeamKpis, renderTeamKpisHelp } from '../../src/slack/blocks/teamkpis.js';
import { seededTeamReport } from '../helpers/seeded-report.js';

/** No executable markup anywhere: no script element, no event handler attribute, no javascript: URL. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<[^>]+\son\w+\s*=/i);
  expect(html).not.toMatch(/(href|src)\s*=\s*"\s*javascript:/i);
}

describe('mrkdwnToHtml', () => {
  it('renders bold, italic, strike and inline code where Slack reads them', () => {
    expect(mrkdwnToHtml('*bold* and _italic_ and ~gone~')).toBe('<strong>bold</strong> and <em>italic</em> and <del>gone</del>');
    expect(mrkdwnToHtml('*_both_*')).toBe('<strong><em>both</em></strong>');
    expect(mrkdwnToHtml('`/mykpis *last*`')).toBe('<code class="sk-code">/mykpis *last*</code>');
    // Not inside words, not across lines, not around spaces.
    expect(mrkdwnToHtml('lead_id_42 2*3*4 * not * *a\nb*')).toBe('lead_id_42 2*3*4 * not * *a<br>b*');
  });

  it('renders preformatted blocks literally and keeps line breaks', () => {
    expect(mrkdwnToHtml('before\n```\n<b>x</b> *y*\n```\nafter')).toBe('before<br><pre class="sk-pre">&lt;b&gt;x&lt;/b&gt; *y*</pre><br>after');
    expect(mrkdwnToHtml('one\ntwo')).toBe('one<br>two');
    expect(mrkdwnToHtml('> quoted\n&gt; too\nplain')).toBe('<blockquote class="sk-quote">quoted<br>too</blockquote>plain');
  });

  it('links http(s) only; other schemes are shown as text', () => {
    expect(mrkdwnToHtml('<https://example.com/a?b=1&amp;c=2|the *report*>')).toBe(
      '<a class="sk-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the <strong>report</strong></a>',
    );
    expect(mrkdwnToHtml('<http://example.com>')).toContain('href="http://example.com/"');
    const app = mrkdwnToHtml('<slack://app?team=T1&amp;id=A1&amp;tab=home|Open your dashboard>');
    expect(app).not.toContain('<a ');
    expect(app).toContain('Open your dashboard');
    const js = mrkdwnToHtml('<javascript:alert(1)|click me> <data:text/html,<b>x</b>|x>');
    expect(js).not.toContain('<a ');
    expectInert(js);
  });

  it('escapes markup in text, in labels and in attribute values', () => {
    const html = mrkdwnToHtml('<script>alert(1)</script> &lt;img src=x onerror=alert(1)&gt; "quotes" & \'single\'');
    expectInert(html);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;quotes&quot; &amp; &#39;single&#39;');
    const link = mrkdwnToHtml('<https://example.com/"><script>|label">');
    expectInert(link);
    expect(link).not.toContain('"><');
    // The placeholders used inside the renderer cannot be forged from text.
    expect(mrkdwnToHtml('\uE0000\uE001')).not.toContain('\uE000');
  });

  it('shows a date token’s fallback, mentions and special mentions', () => {
    expect(mrkdwnToHtml('since <!date^1764072000^{date_short} {time}|Nov 25, 12:00 UTC>')).toBe('since <time class="sk-date" datetime="2025-11-25T12:00:00.000Z">Nov 25, 12:00 UTC</time>');
    expect(mrkdwnToHtml('<!date^bogus^{date}|a &lt;fallback&gt;>')).toBe('<time class="sk-date">a &lt;fallback&gt;</time>');
    expect(mrkdwnToHtml('<@U123> and <@U456|ana>')).toBe('<span class="sk-mention" data-user-id="U123">@U123</span> and <span class="sk-mention" data-user-id="U456">@ana</span>');
    expect(mrkdwnToHtml('hi <@U123>', { userName: (id) => (id === 'U123' ? 'Ana <Lopez>' : undefined) })).toBe('hi <span class="sk-mention" data-user-id="U123">@Ana &lt;Lopez&gt;</span>');
    expect(mrkdwnToHtml('<!here> <#C1|sales>')).toBe('<span class="sk-mention">@here</span> <span class="sk-mention">#sales</span>');
  });

  it('maps a handful of emoji shortcodes and leaves the others as typed', () => {
    expect(mrkdwnToHtml(':white_check_mark: :zzz: :wave: :+1: :memo: :hourglass_flowing_sand:')).toBe('✅ 💤 👋 👍 📝 ⏳');
    expect(mrkdwnToHtml(':not_an_emoji: at 12:30:45')).toBe(':not_an_emoji: at 12:30:45');
  });
});

describe('blocksToHtml', () => {
  it('renders a header and escapes its plain text', () => {
    const html = blocksToHtml([{ type: 'header', text: { type: 'plain_text', text: '<script>alert(1)</script> :wave:' } }]);
    expect(html).toBe('<div class="sk-blocks"><div class="sk-block sk-header" data-block-id="b0">&lt;script&gt;alert(1)&lt;/script&gt; 👋</div></div>');
  });

  it('renders a section with text, fields in a two-column grid and an accessory button', () => {
    const html = blocksToHtml([
      {
        type: 'section',
        block_id: 'results',
        text: { type: 'mrkdwn', text: '*Results*' },
        fields: [
          { type: 'mrkdwn', text: '*Booked*\n$12,000' },
          { type: 'plain_text', text: '*not bold*' },
        ],
        accessory: { type: 'button', text: { type: 'plain_text', text: 'Open' }, action_id: 'open_rep', value: '{"email":"a@b.c"}' },
      },
    ]);
    expect(html).toContain('<div class="sk-text"><strong>Results</strong></div>');
    expect(html).toContain('<div class="sk-fields"><div class="sk-field"><strong>Booked</strong><br>$12,000</div><div class="sk-field">*not bold*</div></div>');
    expect(html).toContain(
      '<div class="sk-accessory"><button type="button" class="sk-button" data-action-id="open_rep" data-block-id="results" data-value="{&quot;email&quot;:&quot;a@b.c&quot;}">Open</button></div>',
    );
  });

  it('renders context elements inline, and a divider', () => {
    const html = blocksToHtml([
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '_Updated_' },
          { type: 'image', image_url: 'https://example.com/i.png', alt_text: 'logo' },
          { type: 'plain_text', text: 'plain' },
        ],
      },
      { type: 'divider' },
    ]);
    expect(html).toContain(
      '<div class="sk-block sk-context" data-block-id="b0"><span class="sk-element-text"><em>Updated</em></span><img class="sk-element-image" src="https://example.com/i.png" alt="logo" loading="lazy"><span class="sk-element-text">plain</span></div>',
    );
    expect(html).toContain('<hr class="sk-block sk-divider" data-block-id="b1">');
  });

  it('renders action buttons with their data attributes and styles, escaping attribute values', () => {
    const html = blocksToHtml([
      {
        type: 'actions',
        block_id: 'alert:"><script>',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Done' }, action_id: 'alert_done', value: '{"key":"k1"}', style: 'primary' },
          { type: 'button', text: { type: 'plain_text', text: 'Dismiss' }, action_id: 'alert_dismiss', value: '"><script>alert(1)</script>', style: 'danger' },
          { type: 'button', text: { type: 'plain_text', text: 'Snooze :zzz:' }, action_id: 'alert_snooze_1d', style: 'javascript:x' },
          { type: 'button', text: { type: 'plain_text', text: 'Docs' }, action_id: 'docs', url: 'https://example.com', confirm: { text: { type: 'plain_text', text: 'Sure?' } } },
        ],
      },
    ]);
    expectInert(html);
    expect(html).toContain('<div class="sk-block sk-actions" data-block-id="alert:&quot;&gt;&lt;script&gt;">');
    expect(html).toContain(
      '<button type="button" class="sk-button sk-button--primary" data-action-id="alert_done" data-block-id="alert:&quot;&gt;&lt;script&gt;" data-value="{&quot;key&quot;:&quot;k1&quot;}">Done</button>',
    );
    expect(html).toContain('class="sk-button sk-button--danger" data-action-id="alert_dismiss"');
    expect(html).toContain('data-value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('<button type="button" class="sk-button" data-action-id="alert_snooze_1d" data-block-id="alert:&quot;&gt;&lt;script&gt;">Snooze 💤</button>');
    expect(html).toContain('data-url="https://example.com" data-confirm="Sure?">Docs</button>');
  });

  it('renders a static select with its options, the initial one chosen, and overflow menus', () => {
    const html = blocksToHtml([
      {
        type: 'section',
        block_id: 'settings',
        text: { type: 'mrkdwn', text: 'Send time' },
        accessory: {
          type: 'static_select',
          action_id: 'settings_send_time',
          placeholder: { type: 'plain_text', text: 'Pick a time' },
          options: [
            { text: { type: 'plain_text', text: '08:00' }, value: '08:00' },
            { text: { type: 'plain_text', text: '<09:00>' }, value: '"09:00"' },
          ],
          initial_option: { text: { type: 'plain_text', text: '08:00' }, value: '08:00' },
        },
      },
      {
        type: 'actions',
        elements: [{ type: 'overflow', action_id: 'more', options: [{ text: { type: 'plain_text', text: 'Hide' }, value: 'hide' }] }],
      },
    ]);
    expect(html).toContain(
      '<select class="sk-select" data-type="static_select" data-action-id="settings_send_time" data-block-id="settings" aria-label="Pick a time"><option value="" disabled>Pick a time</option><option value="08:00" selected>08:00</option><option value="&quot;09:00&quot;">&lt;09:00&gt;</option></select>',
    );
    expect(html).toContain('<select class="sk-select sk-overflow" data-type="overflow" data-action-id="more" data-block-id="b1"');
    expect(html).toContain('<option value="hide">Hide</option>');
  });

  it('renders images from a URL or a Slack file, with alt text, and refuses other schemes', () => {
    const html = blocksToHtml(
      [
        { type: 'image', image_url: 'https://example.com/chart.png', alt_text: 'Pace "chart"', title: { type: 'plain_text', text: 'Pace' } },
        { type: 'image', slack_file: { id: 'F123' }, alt_text: 'from a file' },
        { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'bad' },
      ],
      { imageUrl: (id) => `/sandbox/files/${id}` },
    );
    expectInert(html);
    expect(html).toContain('<div class="sk-image-title">Pace</div><img class="sk-image-img" src="https://example.com/chart.png" alt="Pace &quot;chart&quot;" loading="lazy">');
    expect(html).toContain('<img class="sk-image-img" src="/sandbox/files/F123" alt="from a file" loading="lazy">');
    expect(html).toContain('<div class="sk-image-missing">[image: bad]</div>');
    // A Slack file without a way to load it is shown by its alt text.
    expect(blocksToHtml([{ type: 'image', slack_file: { id: 'F1' }, alt_text: 'alt' }])).toContain('[image: alt]');
  });

  it('shows unknown blocks and elements as a short line, and survives junk', () => {
    const html = blocksToHtml([
      { type: 'rich_text', elements: [] },
      { type: '<b>odd</b>' },
      null,
      'text',
      { type: 'actions', elements: [{ type: 'datepicker', action_id: 'd' }, 42] },
      { type: 'section' },
    ]);
    expect(html).toContain('[unsupported block: rich_text]');
    expect(html).toContain('[unsupported block: &lt;b&gt;odd&lt;/b&gt;]');
    expect(html).toContain('[unsupported block: unknown]');
    expect(html).toContain('[unsupported element: datepicker]');
    expect(html).toContain('[unsupported element: unknown]');
    expect(blocksToHtml([])).toBe('<div class="sk-blocks"></div>');
  });
});

describe('views and messages', () => {
  it('renders a modal with its title, and a home without one', () => {
    const modal = renderMessageModal('Ana <Lopez>', renderMyKpisHelp());
    expect(viewTitle(modal)).toBe('Ana <Lopez>');
    const html = viewToHtml(modal);
    expect(html).toMatch(/^<div class="sk-view sk-view--modal"><div class="sk-view-title">Ana &lt;Lopez&gt;<\/div><div class="sk-blocks">/);
    expect(viewToHtml(renderLoadingModal('Loading'))).toContain('⏳ Working out the numbers…');
    expect(viewTitle({ type: 'home', blocks: [] })).toBeNull();
    expect(viewToHtml({ type: 'home', blocks: [{ type: 'divider' }] })).toBe(
      '<div class="sk-view sk-view--home"><div class="sk-blocks"><hr class="sk-block sk-divider" data-block-id="b0"></div></div>',
    );
    expect(viewToHtml(null)).toContain('[unsupported block: view]');
  });

  it('renders a message’s text when it has no blocks, and its shared images', () => {
    const html = messageToHtml({ text: 'Hi *there*', blocks: [], imageUrls: ['/sandbox/files/F1', 'javascript:alert(1)', '//evil.example/x.png'] });
    expect(html).toContain('Hi <strong>there</strong>');
    expect(html).toContain('<img class="sk-file-image" src="/sandbox/files/F1" alt="Shared image" loading="lazy">');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('evil.example');
  });

  it('renders /mykpis help from the real renderer without anything unsupported', () => {
    const help = renderMyKpisHelp({ unknown: '<script>alert(1)</script>' });
    const html = blocksToHtml(help.blocks);
    expect(html).not.toContain('unsupported');
    expectInert(html);
    expect(html).toContain('<div class="sk-block sk-header" data-block-id="b0">Pacer — /mykpis</div>');
    expect(html).toContain('<code class="sk-code">/mykpis last week</code>');
    expect(html).toContain('“&lt;script&gt;alert(1)&lt;/script&gt;”');
    expect(blocksToHtml(renderTeamKpisHelp().blocks)).not.toContain('unsupported');
  });
});

// Real reports from the seed generator, through every renderer the sandbox shows.
const AS_OF = new Date('2026-11-25T15:30:00Z');
const org = buildOrg({ reps: 8, weeks: 12, seed: 3, end: AS_OF, workspace: 'T0SEED' });

const computeTeam = (team: SeedTeam): TeamReport => seededTeamReport(org, team, AS_OF);

describe('real messages and views from the seeded org', () => {
  const team = computeTeam(org.teams[0]!);
  const rep = team.members[0]!;

  it.each([
    ['/mykpis', () => renderMyKpis({ report: rep, period: 'this_week', appHomeUrl: 'slack://app?team=T1&id=A1&tab=home', viewerIsSubject: true }).blocks],
    ['/teamkpis', () => renderTeamKpis({ report: team, openAlerts: {} }).blocks],
    ['the nudge', () => renderRepNudge({ report: rep, feedbackSubject: 'rep_nudge:2026-W48', appHomeUrl: 'slack://app?team=T1&id=A1&tab=home' }).blocks],
    ['the rep home', () => renderRepHome({ report: rep, settings: { nudgesEnabled: true, sendTime: '08:00' }, generatedAt: '2026-11-25T15:30:00.000Z' }).blocks],
    ['the manager home', () => renderManagerHome({ teams: [team], settings: { digestEnabled: true, sendTime: '08:00' }, generatedAt: '2026-11-25T15:30:00.000Z' }).blocks],
  ])('renders %s without anything unsupported', (_name, blocks) => {
    const html = blocksToHtml(blocks());
    expect(html).not.toContain('unsupported');
    expect(html).not.toMatch(/&amp;(amp|lt|gt);/);
    expectInert(html);
  });

  it('keeps the nudge’s feedback buttons clickable with their block id and value', () => {
    const html = blocksToHtml(renderRepNudge({ report: rep, feedbackSubject: 'rep_nudge:2026-W48', appHomeUrl: 'slack://app?team=T1&id=A1&tab=home' }).blocks);
    expect(html).toMatch(/<button type="button" class="sk-button" data-action-id="feedback_useful" data-block-id="feedback" data-value="[^"]*rep_nudge:2026-W48[^"]*">👍 Useful<\/button>/);
  });

  it('renders an alert with its buttons and the date token’s fallback', () => {
    const alert: AlertJson = {
      rule: 'stalled_deal',
      key: 'stalled_deal:D-1',
      subject: 'Acme & <Sons>',
      triggeredAt: '2026-11-24T09:00:00-05:00',
      detail: { amount: 12000, daysSinceActivity: 16, stalledDays: 14 },
      record: { kind: 'deal', id: 'D-1', name: 'Acme & <Sons>', accountName: null, url: null },
    };
    const html = blocksToHtml(renderBehaviourAlerts({ items: [{ alert, returning: false }], currency: 'USD', timezone: 'America/New_York' }).blocks);
    expect(html).not.toContain('unsupported');
    expect(html).toContain('Acme &amp; &lt;Sons&gt;');
    expect(html).toMatch(/<select [^>]*data-action-id="alert_snooze"[^>]*data-block-id="alert_actions:0"/);
    expect(html).toContain('data-action-id="alert_not_useful"');
    expect(html).not.toContain('!date^');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
