import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startSandbox, systemChromium, type Sandbox } from './sandbox-process.js';

/**
 * The sandbox page in a real browser: `npm start`'s sandbox as a child process, driven by the
 * system Chromium. A rep runs /mykpis, the weekly jobs run, the rep's nudge arrives and takes a
 * click, the rep's Home shows the dashboard, the manager's DM has the coaching digest and the
 * team channel the recap. Screenshots go to a temp dir, and the README's pair also to
 * SAVE_SCREENSHOTS (e.g. docs/screenshots) when that is set.
 */

interface Person {
  slackUserId: string;
  name: string;
  email: string;
  role: string;
  teams: string[];
}

const VIEWPORT = { width: 1280, height: 800 };
/** A focus indicator's line: its status emoji, its name, its figures, then its status in the pace words of src/slack/blocks/format.ts. */
const STATUS = /^(?:🟢|🟡|🟠|⚪) (.+?) (?=[-—$€£\d]).* · (?:on pace|behind|far behind|no baseline|no data yet|\d+ (?:leads?|deals?) — too few to compare)(?: · |$)/u;

let sandbox: Sandbox | undefined;
let browser: Browser | undefined;
let page: Page;
let shotsDir: string;
let manager: Person;
let rep: Person;
/** The indicator names of the rep's /mykpis answer, checked later against the manager's digest. */
let repIndicators: string[] = [];

const api = async (pathname: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${sandbox!.url}sandbox/api/${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${pathname} answered ${res.status}`).toBe(200);
  return res.json();
};

const byTestId = (id: string): Locator => page.getByTestId(id);
const status = () => byTestId('status');

/** Waits until the locator's text matches; fails with what was there instead. */
async function waitForText(locator: Locator, pattern: RegExp, timeout = 30_000): Promise<string> {
  try {
    await locator.filter({ hasText: pattern }).first().waitFor({ timeout });
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
  await byTestId('person-picker').selectOption(person.slackUserId);
  await waitForText(byTestId('person-summary'), new RegExp(person.name));
  // selectPerson opens the person's DM with Pacer.
  await waitForText(byTestId('pane-title'), /^Pacer$/);
  await byTestId('messages').waitFor();
}

/** The indicator names with a pace status in a rendered message ("🟢 Calls per week 93.8 vs 93.5 ▰▰▰▰▰▰▰▰▰▰ 100% · on pace"). */
async function indicatorNames(message: Locator): Promise<string[]> {
  const lines = await message.locator('.sk-text').evaluateAll((nodes) => nodes.flatMap((n) => (n as unknown as { innerText: string }).innerText.split('\n').map((l) => l.trim())));
  return lines.flatMap((line) => STATUS.exec(line)?.[1] ?? []);
}

beforeAll(async () => {
  shotsDir = await mkdtemp(path.join(tmpdir(), 'pacer-screens-'));
  const executablePath = systemChromium();
  [sandbox, browser] = await Promise.all([startSandbox(), chromium.launch({ executablePath, args: ['--no-sandbox'] })]);
  page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
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
  const shown = await page.evaluate(() => (globalThis as any).document.body.innerText as string).catch(() => '(no page)');
  console.error(`${name}: the page showed:\n${shown.slice(0, 3000)}\n--- sandbox output:\n${sandbox?.output().slice(-3000) ?? ''}`);
});

describe('the sandbox page in Chromium', () => {
  it('starts as npm start does: one stdout line, then the page with the clock and the demo org', async () => {
    expect(sandbox!.output().split('\n').filter((l) => l.startsWith('Pacer sandbox: http'))).toEqual([`Pacer sandbox: ${sandbox!.url}`]);
    const people: Person[] = (await api('people')).people;
    const managers = people.filter((p) => p.role === 'manager').sort((a, b) => a.name.localeCompare(b.name));
    expect(managers.length).toBeGreaterThan(0);
    manager = managers[0]!;
    const team = manager.teams[0]!;
    const reps = people.filter((p) => p.role === 'rep' && p.teams.includes(team)).sort((a, b) => a.name.localeCompare(b.name));
    expect(reps.length).toBeGreaterThan(1);
    // The rep with the most indicators that have data (the README's screenshot reads better).
    const gaps = await Promise.all(reps.map(async (r) => (await api('command', { user: r.slackUserId, command: '/mykpis', text: '' })).responses.map((x: { text: string }) => x.text).join(' ').split('no data yet').length));
    rep = reps[gaps.indexOf(Math.min(...gaps))]!;

    await page.goto(sandbox!.url);
    await waitForText(status(), /^Viewing Slack as /);
    await waitForText(byTestId('clock'), /^\w{3} \d{1,2} \w{3} \d{4} \d\d:\d\d UTC$/);
    const options = await byTestId('person-picker').locator('option').allTextContents();
    expect(options).toHaveLength(people.length);
    expect(options).toContain(`${rep.name} · rep`);
  });

  it('a rep runs /mykpis and sees their KPIs, only to them', async () => {
    await pick(rep);
    await byTestId('composer').fill('/mykpis');
    await byTestId('composer').press('Enter');
    await waitForText(status(), /^\/mykpis: 1 answer\.$/);
    const answer = byTestId('message').filter({ hasText: /Your KPIs — week of/ });
    await expect(answer.count()).resolves.toBe(1);
    expect(await answer.getByTestId('ephemeral-note').textContent()).toBe('Only visible to you · in answer to /mykpis');
    const text = (await answer.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(rep.teams[0]);
    expect(text).toMatch(/top performers/);
    expect(text).toMatch(/Booked \S+/);
    repIndicators = await indicatorNames(answer);
    expect(repIndicators.length).toBeGreaterThanOrEqual(2);
    // It is an answer in this pane only: nothing of it was posted to the rep's DM.
    const dm = (await api(`conversations?user=${rep.slackUserId}`)).conversations.find((c: { kind: string }) => c.kind === 'dm');
    expect(dm.messages.filter((m: { text: string }) => m.text.includes('Your KPIs'))).toEqual([]);
    await shoot('sandbox-rep-mykpis', { top: answer, forReadme: true });
  });

  it('runs the weekly jobs: the rep’s DM gets a nudge, and its feedback button answers', async () => {
    await byTestId('run-jobs').click();
    const ran = await waitForText(status(), /^Ran the weekly jobs: \d+ sent, \d+ failed\./, 60_000);
    // The sandbox's minute scheduler may have sent the week's messages already; nothing may fail.
    expect(ran).toMatch(/: \d+ sent, 0 failed\./);
    const nudge = byTestId('message').filter({ hasText: /👋 Hi .+ — your week of/ });
    await nudge.waitFor();
    expect(await nudge.getAttribute('data-ephemeral')).toBe('false');
    await expect(nudge.getByTestId('ephemeral-note').count()).resolves.toBe(0);
    expect(await indicatorNames(nudge)).toEqual(repIndicators);
    await expect(nudge.count()).resolves.toBe(1);
    // The /mykpis answer is still there.
    await expect(byTestId('message').filter({ hasText: /Your KPIs — week of/ }).count()).resolves.toBe(1);
    await shoot('sandbox-rep-nudge', { top: nudge });

    const useful = nudge.getByRole('button', { name: /Useful/ }).first();
    expect(await useful.textContent()).toBe('👍 Useful');
    await useful.click();
    await waitForText(nudge, /Thanks — noted as useful\./);
    await expect(nudge.getByRole('button', { name: /useful/i }).count()).resolves.toBe(0);
    await waitForText(status(), /^Clicked “👍 Useful”: no reply\.$/);
  });

  it('the rep’s App Home shows their dashboard; a button there opens a modal', async () => {
    await byTestId('open-home').click();
    await waitForText(byTestId('pane-title'), /^Home$/);
    const home = byTestId('home');
    await waitForText(home, /Your KPIs — week of/);
    // The focus indicators first, then the rest of the rep's indicators.
    expect((await indicatorNames(home)).slice(0, repIndicators.length)).toEqual(repIndicators);
    expect(await byTestId('composer').isDisabled()).toBe(true);
    await shoot('sandbox-rep-home');

    // One menu opens the events behind a figure; its first option is the first focus indicator.
    await home.locator('select[data-action-id="show_events"]').selectOption({ index: 1 });
    await byTestId('modal').waitFor({ state: 'visible' });
    expect(await byTestId('modal-title').textContent()).toBe('Events behind this');
    const body = await byTestId('modal-body').innerText();
    expect(body).toContain(repIndicators[0]);
    expect(body).toContain(rep.name);
    await shoot('sandbox-rep-modal');
    await byTestId('modal-close').click();
    await byTestId('modal').waitFor({ state: 'hidden' });
  });

  it('the manager’s DM has the coaching digest; the team channel has the recap', async () => {
    await pick(manager);
    const team = manager.teams[0]!;
    const digest = byTestId('message').filter({ hasText: new RegExp(`Coaching digest — ${team}`) });
    await digest.waitFor();
    const text = await digest.innerText();
    // The team's pace on each of the team's focus indicators, its results, the reps to coach first.
    const paced = [...text.matchAll(/^• ([^:]+):/gm)].map((m) => m[1]!.trim());
    expect(paced).toEqual(repIndicators.map((l) => l.replace(/ per week$/, '')));
    expect(text).toMatch(/Results \(/);
    expect(text).toMatch(/\d reps? to coach first: /);
    expect(await digest.getByRole('button', { name: /useful/i }).allTextContents()).toEqual(['👍 Useful', '👎 Not useful']);
    // Every rep, the one picked too, is one click away.
    await digest.getByRole('button', { name: 'See all reps' }).click();
    await byTestId('modal').waitFor({ state: 'visible' });
    await waitForText(byTestId('modal-body'), new RegExp(rep.name));
    await byTestId('modal-close').click();
    await byTestId('modal').waitFor({ state: 'hidden' });
    // The address keeps who and where: a reload comes back to the manager's DM.
    expect(page.url()).toContain(`user=${manager.slackUserId}`);
    await page.reload();
    await waitForText(status(), new RegExp(`^Viewing Slack as ${manager.name}\\.`));
    await digest.waitFor();
    await shoot('sandbox-manager-digest', { top: digest, forReadme: true });

    const channel = byTestId('channel-list').getByRole('button').first();
    const label = ((await channel.locator('.nav-label').textContent()) ?? '').trim();
    await channel.click();
    await waitForText(byTestId('pane-title'), new RegExp(`^#${label}$`));
    const recap = byTestId('message').filter({ hasText: new RegExp(`${team} — weekly recap`) });
    await recap.waitFor();
    expect(await recap.innerText()).toMatch(/Booked so far/);
    await shoot('sandbox-team-recap', { top: recap });
  });
});
