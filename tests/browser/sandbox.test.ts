import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startSandbox, systemChromium, type Sandbox } from './sandbox-process.js';

/**
 * A newcomer's path through the sandbox page in a real browser: `npm start`'s sandbox as a child
 * process, driven by the system Chromium. Open the sandbox, pick a rep, run /mykpis and follow its
 * dashboard link to their App Home, run the weekly jobs (the rep's nudge arrives), advance the clock
 * (a new Monday nudge, the manager's digest, the team recap), an alert that names its record and
 * opens the sandbox's record page; modals that keep focus; a phone-wide page that never scrolls
 * sideways. Other work redesigns the messages' wording, so this asserts structure and facts:
 * which conversation a message arrived in, that it has a headline, that names are not ids, that a
 * button exists and what it opens. Screenshots go to a temp dir, and the README's also to
 * SAVE_SCREENSHOTS (e.g. docs/screenshots) when that is set.
 */

// The page's document inside page.evaluate (the tests compile without the DOM library).
declare const document: any;

interface Person {
  slackUserId: string;
  name: string;
  email: string;
  role: string;
  teams: string[];
}

interface ApiMessage {
  ts: string;
  text: string;
  html: string;
}

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** Seeded deal and lead ids (D-7-r0000-38, L-7-r0012-p1): what people must never have to read. */
const RECORD_ID = /\b[DL]-\d+-r\d{4}-\w+/;
/** A record page of the sandbox's own CRM, as the demo org's links point to it. */
const CRM_LINK = /\/crm\/(deals|leads)\/[^/]+$/;

let sandbox: Sandbox | undefined;
let browser: Browser | undefined;
let page: Page;
let shotsDir: string;
let people: Person[];
let manager: Person;
let rep: Person;

const api = async (pathname: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${sandbox!.url}sandbox/api/${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${pathname} answered ${res.status}`).toBe(200);
  return res.json();
};

/** An alert: it carries the alert's own controls (snooze, dismiss, done) or a link to a record page. */
const isAlert = (m: ApiMessage) => /data-action-id="alert_/.test(m.html) || /data-url="[^"]*\/crm\/(deals|leads)\//.test(m.html);
const dmOf = async (p: Person): Promise<ApiMessage[]> => (await api(`conversations?user=${p.slackUserId}`)).conversations.find((c: { kind: string }) => c.kind === 'dm').messages;
/** The person's weekly messages in their DM with Pacer: everything there that is not an alert. */
const weeklyIn = async (p: Person) => (await dmOf(p)).filter((m) => !isAlert(m));

const byTestId = (id: string): Locator => page.getByTestId(id);
const status = () => byTestId('status');
/** A rendered message by its ts. */
const messageAt = (ts: string): Locator => page.locator(`[data-testid="message"][data-ts="${ts}"]`);

/** Waits until the locator's text matches (shown, or only there with `attached`); fails with what was there instead. */
async function waitForText(locator: Locator, pattern: RegExp, timeout = 30_000, state: 'visible' | 'attached' = 'visible'): Promise<string> {
  try {
    await locator.filter({ hasText: pattern }).first().waitFor({ timeout, state });
  } catch {
    const seen = (await locator.allTextContents().catch(() => [])).join(' | ');
    throw new Error(`expected ${pattern} in ${locator.toString()}; it shows: ${seen.slice(0, 600)}`);
  }
  return (await locator.filter({ hasText: pattern }).first().textContent()) ?? '';
}

/** Screenshot of the viewport, the pane scrolled to `top` (or its start); also kept for the README when asked. */
async function shoot(name: string, options: { top?: Locator; forReadme?: boolean } = {}): Promise<void> {
  const { top, forReadme = false } = options;
  if (top) await top.evaluate((node) => node.scrollIntoView({ block: 'start' }));
  else await byTestId('pane').evaluate((pane) => (pane.scrollTop = 0));
  const file = path.join(shotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  const saveTo = process.env.SAVE_SCREENSHOTS?.trim();
  if (forReadme && saveTo) {
    const dir = path.resolve(ROOT, saveTo);
    await mkdir(dir, { recursive: true });
    await copyFile(file, path.join(dir, `${name}.png`));
  }
}

async function pick(person: Person): Promise<void> {
  // On a phone the picker is in the drawer.
  if (await byTestId('nav-toggle').isVisible()) {
    await byTestId('nav-toggle').click();
    await byTestId('sidebar').waitFor({ state: 'visible' });
  }
  await byTestId('person-picker').selectOption(person.slackUserId);
  // Picking the person already shown changes nothing, so the drawer stays open: close it.
  if ((await byTestId('nav-toggle').getAttribute('aria-expanded')) === 'true') await page.keyboard.press('Escape');
  // On a phone the summary is in the drawer, closed again by the pick.
  await waitForText(byTestId('person-summary'), new RegExp(person.name), 30_000, 'attached');
  // selectPerson opens the person's DM with Pacer.
  await waitForText(byTestId('pane-title'), /^Pacer$/);
  await byTestId('messages').waitFor();
}

/** A message as people see it: a notification headline, and a first block that is a header or text. */
async function expectHeadline(message: ApiMessage): Promise<void> {
  expect(message.text.trim().length).toBeGreaterThan(10);
  expect(await messageAt(message.ts).locator('.sk-blocks > .sk-block').first().getAttribute('class')).toMatch(/sk-(header|section|text)/);
}

/** Whether the page scrolls sideways: the document wider than its viewport. */
const scrollsSideways = () => page.evaluate(() => document.scrollingElement!.scrollWidth > document.scrollingElement!.clientWidth);

/** Tab and Shift-Tab `count` times each; where focus was after each press (inside the modal or not). */
async function tabAround(count: number): Promise<boolean[]> {
  const inside: boolean[] = [];
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < count; i += 1) {
      await page.keyboard.press(key);
      inside.push(await byTestId('modal').evaluate((modal) => modal.contains(document.activeElement)));
    }
  }
  return inside;
}

beforeAll(async () => {
  shotsDir = await mkdtemp(path.join(tmpdir(), 'pacer-screens-'));
  const executablePath = systemChromium();
  [sandbox, browser] = await Promise.all([startSandbox(), chromium.launch({ executablePath, args: ['--no-sandbox'] })]);
  page = await browser.newPage({ viewport: DESKTOP, deviceScaleFactor: 1 });
  page.on('pageerror', (err) => console.error('page error:', err.message));
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await sandbox?.stop();
  if (process.env.KEEP_SCREENSHOTS === undefined && process.env.SAVE_SCREENSHOTS === undefined) await rm(shotsDir, { recursive: true, force: true });
  else console.log(`browser test screenshots: ${shotsDir}`);
});

// A failed step leaves a screenshot and what the page showed, for the CI log.
afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail' || !browser) return;
  const name = `failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`;
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`) }).catch(() => undefined);
  const shown = await page.evaluate(() => document.body.innerText as string).catch(() => '(no page)');
  console.error(`${name}: the page showed:\n${shown.slice(0, 3000)}\n--- sandbox output:\n${sandbox?.output().slice(-3000) ?? ''}`);
});

describe('a newcomer in the sandbox page (Chromium)', () => {
  it('opens the sandbox as npm start runs it: one stdout line, the clock, everyone of the demo org', async () => {
    expect(
      sandbox!
        .output()
        .split('\n')
        .filter((l) => l.startsWith('Pacer sandbox: http')),
    ).toEqual([`Pacer sandbox: ${sandbox!.url}`]);
    people = (await api('people')).people;
    const managers = people.filter((p) => p.role === 'manager').sort((a, b) => a.name.localeCompare(b.name));
    expect(managers.length).toBeGreaterThan(0);
    manager = managers[0]!;
    const team = manager.teams[0]!;
    const reps = people.filter((p) => p.role === 'rep' && p.teams.includes(team)).sort((a, b) => a.name.localeCompare(b.name));
    expect(reps.length).toBeGreaterThan(1);
    // The rep whose /mykpis answer holds the most figures (indicators with data: the README's screenshot reads better).
    const figures = await Promise.all(
      reps.map(
        async (r) =>
          (
            (await api('command', { user: r.slackUserId, command: '/mykpis', text: '' })).responses
              .map((x: { text: string }) => x.text)
              .join(' ')
              .match(/\d/g) ?? []
          ).length,
      ),
    );
    rep = reps[figures.indexOf(Math.max(...figures))]!;

    await page.goto(sandbox!.url);
    await waitForText(status(), /^Viewing Slack as /);
    await waitForText(byTestId('clock'), /^\w{3} \d{1,2} \w{3} \d{4} \d\d:\d\d UTC$/);
    const options = await byTestId('person-picker').locator('option').allTextContents();
    expect(options).toHaveLength(people.length);
    expect(options).toContain(`${rep.name} · rep`);
  });

  it('a rep runs /mykpis: an answer only they see, whose dashboard link opens their App Home', async () => {
    await pick(rep);
    const dmBefore = (await dmOf(rep)).length;
    await byTestId('composer').fill('/mykpis');
    await byTestId('composer').press('Enter');
    await waitForText(status(), /^\/mykpis: 1 answer\.$/);
    const answer = byTestId('message')
      .filter({ has: byTestId('ephemeral-note') })
      .last();
    expect(await answer.getByTestId('ephemeral-note').textContent()).toBe('Only visible to you · in answer to /mykpis');
    expect(await answer.locator('.sk-block').count()).toBeGreaterThan(2);
    expect(await answer.getAttribute('data-ts')).toMatch(/^\d+\.\d{6}$/);
    // It is an answer in this pane only: nothing was posted to the rep's DM.
    expect(await dmOf(rep)).toHaveLength(dmBefore);
    await shoot('sandbox-rep-mykpis', { top: answer, forReadme: true });

    // The dashboard link (slack://app…tab=home) opens the rep's App Home, as the Slack client does; Pacer acknowledges the click.
    const dashboard = answer.locator('button[data-url^="slack://app"]');
    await expect(dashboard.count()).resolves.toBe(1);
    await dashboard.click();
    await waitForText(byTestId('pane-title'), /^Home$/);
    const home = byTestId('home');
    await home.locator('.sk-block').first().waitFor();
    await waitForText(status(), /^Clicked “.+”: no reply\.$/, 15_000);
    expect(await status().getAttribute('data-kind')).toBe('info');
    expect(await home.innerText()).not.toMatch(/has not published a Home/);
  });

  it('a modal keeps focus inside (Tab, Shift-Tab), closes on Escape and gives focus back to its control', async () => {
    // The App Home's one menu opens the events behind a figure; its first option is the first focus indicator.
    const opener = byTestId('home').locator('select[data-action-id="show_events"]');
    const value = await opener.getAttribute('data-value');
    await opener.focus();
    await opener.selectOption({ index: 1 });
    await byTestId('modal').waitFor({ state: 'visible' });
    await waitForText(byTestId('modal-body'), new RegExp(rep.name));
    expect(await byTestId('modal').evaluate((modal) => modal.contains(document.activeElement))).toBe(true);
    const controls = await byTestId('modal').locator('button:visible, select:visible, a[href]:visible').count();
    expect(controls).toBeGreaterThanOrEqual(2);
    expect(await tabAround(controls + 2)).not.toContain(false);
    // The page behind cannot be clicked or focused while the modal is open.
    expect(await page.evaluate(() => document.querySelector('.layout').inert)).toBe(true);
    await shoot('sandbox-rep-modal');

    await page.keyboard.press('Escape');
    await byTestId('modal').waitFor({ state: 'hidden' });
    const focused = await page.evaluate(() => ({ action: document.activeElement?.getAttribute('data-action-id'), value: document.activeElement?.getAttribute('data-value') }));
    expect(focused).toEqual({ action: 'show_events', value });

    // Closing with the button gives focus back too.
    await byTestId('home').locator('select[data-action-id="show_events"]').selectOption({ index: 2 });
    await byTestId('modal').waitFor({ state: 'visible' });
    await byTestId('modal-close').click();
    await byTestId('modal').waitFor({ state: 'hidden' });
    // As soon as the button is usable again (its click may still be finishing).
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-action-id') === 'show_events', undefined, { timeout: 10_000 });
  });

  it('runs the weekly jobs: the status counts weekly messages and alerts apart, and the rep’s nudge shows in their DM', async () => {
    await pick(rep);
    await byTestId('run-jobs').click();
    const ran = await waitForText(status(), /^Ran the weekly jobs\. Sent \d+ weekly messages?( \([^)]+\))? and \d+ alerts?\./, 90_000);
    // Whatever the grace window: the last complete week's nudge reached every rep, now or by the schedule before.
    expect(ran).not.toMatch(/ failed/);
    const weekly = await weeklyIn(rep);
    expect(weekly).toHaveLength(1);
    const nudge = messageAt(weekly[0]!.ts);
    await nudge.waitFor();
    expect(await nudge.getAttribute('data-ephemeral')).toBe('false');
    await expect(nudge.getByTestId('ephemeral-note').count()).resolves.toBe(0);
    await expectHeadline(weekly[0]!);
    await shoot('sandbox-rep-nudge', { top: nudge });
    for (const p of people.filter((x) => x.role === 'rep')) expect((await weeklyIn(p)).length, p.name).toBe(1);
  });

  it('advances the clock a week: a new Monday nudge for the rep, the manager’s digest and the team recap', async () => {
    const digestsBefore = (await weeklyIn(manager)).length;
    expect(digestsBefore).toBeGreaterThanOrEqual(1);
    await byTestId('advance-clock').click();
    await waitForText(status(), /^Advanced the clock 7 days to .+: [\d,]+ events of the demo org’s activity\. Sent \d+ weekly messages \(\d+ nudges?, \d+ digests?, \d+ recaps?\)/, 120_000);
    const weekly = await weeklyIn(rep);
    expect(weekly).toHaveLength(2);
    const newNudge = weekly.at(-1)!;
    // Sent a week later by the sandbox clock, which stamps the messages.
    const advancedTo = Date.parse((await byTestId('clock').getAttribute('data-now'))!);
    expect(Number(newNudge.ts) * 1000).toBeGreaterThanOrEqual(advancedTo - 60_000);
    expect(Number(newNudge.ts) - Number(weekly[0]!.ts)).toBeGreaterThanOrEqual(7 * 86_400 - 3600);
    await messageAt(newNudge.ts).waitFor();
    await expectHeadline(newNudge);

    await pick(manager);
    const digests = await weeklyIn(manager);
    expect(digests.length).toBeGreaterThan(digestsBefore);
    const digest = digests.at(-1)!;
    await messageAt(digest.ts).waitFor();
    await expectHeadline(digest);
    // The address keeps who and where: a reload comes back to the manager's DM.
    expect(page.url()).toContain(`user=${manager.slackUserId}`);
    await page.reload();
    await waitForText(status(), new RegExp(`^Viewing Slack as ${manager.name}\\.`));
    await messageAt(digest.ts).waitFor();
    await shoot('sandbox-manager-digest', { top: messageAt(digest.ts), forReadme: true });

    // The composer escapes @Name as Slack does: the manager asks for one rep's numbers by name.
    await byTestId('composer').fill(`/mykpis @${rep.name}`);
    await byTestId('composer').press('Enter');
    await waitForText(status(), /: 1 answer\.$/);
    const about = byTestId('message')
      .filter({ has: byTestId('ephemeral-note') })
      .last();
    expect(await about.innerText()).toContain(rep.name);

    const channel = byTestId('channel-list').getByRole('button').first();
    const label = ((await channel.locator('.nav-label').textContent()) ?? '').trim();
    const channelId = await channel.getAttribute('data-conversation-id');
    await channel.click();
    await waitForText(byTestId('pane-title'), new RegExp(`^#${label}$`));
    const recaps = (await api(`conversations?user=${manager.slackUserId}`)).conversations.find((c: { id: string }) => c.id === channelId).messages as ApiMessage[];
    expect(recaps.length).toBeGreaterThanOrEqual(2);
    const recap = recaps.at(-1)!;
    await messageAt(recap.ts).waitFor();
    await expectHeadline(recap);
    await shoot('sandbox-team-recap', { top: messageAt(recap.ts) });
  });

  it('an alert names its record, not its id, and its “Open in CRM” button opens the sandbox’s own record page', async () => {
    let owner: Person | undefined;
    let alert: ApiMessage | undefined;
    for (const p of people.filter((x) => x.role === 'rep')) {
      alert = (await dmOf(p)).find((m) => /data-url="[^"]*\/crm\/(deals|leads)\//.test(m.html));
      if (alert) {
        owner = p;
        break;
      }
    }
    expect(alert, 'no rep has an alert with a record link').toBeDefined();
    await pick(owner!);
    const shown = messageAt(alert!.ts);
    await shown.waitFor();
    const text = await shown.innerText();
    expect(text).not.toMatch(RECORD_ID);
    expect(alert!.text).not.toMatch(RECORD_ID);
    // The alerts one scan found for the rep arrive as one message, each with its own button.
    const buttons = shown.locator('button[data-url*="/crm/"]');
    expect(await buttons.count()).toBeGreaterThanOrEqual(1);
    const open = buttons.first();
    const href = (await open.getAttribute('data-url'))!;
    expect(href.startsWith(`${sandbox!.url}crm/`)).toBe(true);
    expect(href).toMatch(CRM_LINK);
    await shoot('sandbox-rep-alert', { top: shown });

    const [crm] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
    await crm.waitForLoadState();
    expect(crm.url()).toBe(href);
    const name = ((await crm.locator('h1').textContent()) ?? '').trim();
    expect(name.length).toBeGreaterThan(3);
    expect(name).not.toMatch(RECORD_ID);
    // The record the alert names is the page's.
    expect(text).toContain(name.length > 60 ? name.slice(0, 50) : name);
    await crm.close();
    // Slack also tells Pacer about a link button's click; Pacer acknowledges it.
    await waitForText(status(), /^Clicked “.+”: no reply\.$/, 15_000);
    expect(await status().getAttribute('data-kind')).toBe('info');
  });

  it('at 390 px the sidebar is a drawer behind ☰ and the page never scrolls sideways', async () => {
    await page.setViewportSize(PHONE);
    // No sliding: the drawer is where it ends up at once (the page honours reduced motion).
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await pick(rep);
    expect(await scrollsSideways()).toBe(false);
    // The sidebar is off screen until the toggle opens it, and a pick closes it.
    await byTestId('sidebar').waitFor({ state: 'hidden' });
    await byTestId('nav-toggle').click();
    await byTestId('sidebar').waitFor({ state: 'visible' });
    const box = (await byTestId('sidebar').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(await byTestId('nav-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await scrollsSideways()).toBe(false);
    await shoot('sandbox-phone-drawer');
    await page.keyboard.press('Escape');
    await byTestId('sidebar').waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-toggle');

    // Every surface: the rep's DM (nudges, alerts), the App Home and a modal, the manager's digest, the team channel.
    const nudge = (await weeklyIn(rep)).at(-1)!;
    await messageAt(nudge.ts).waitFor();
    expect(await scrollsSideways()).toBe(false);
    await shoot('sandbox-rep-nudge-phone', { top: messageAt(nudge.ts), forReadme: true });
    await byTestId('nav-toggle').click();
    await byTestId('open-home').click();
    await byTestId('sidebar').waitFor({ state: 'hidden' });
    await byTestId('home').locator('.sk-block').first().waitFor();
    expect(await scrollsSideways()).toBe(false);
    await byTestId('home').locator('select[data-action-id="show_events"]').selectOption({ index: 1 });
    await byTestId('modal').waitFor({ state: 'visible' });
    expect(await scrollsSideways()).toBe(false);
    await page.keyboard.press('Escape');
    await pick(manager);
    expect(await scrollsSideways()).toBe(false);
    await byTestId('nav-toggle').click();
    await byTestId('channel-list').getByRole('button').first().click();
    await byTestId('sidebar').waitFor({ state: 'hidden' });
    await byTestId('messages').locator('[data-testid="message"]').first().waitFor();
    expect(await scrollsSideways()).toBe(false);
  });
});
