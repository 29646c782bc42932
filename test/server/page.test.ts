import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import type { DiagnoseResult } from '../../src/index.ts';
import { startTestServer, type TestServer } from './helpers.ts';
import { chromiumInstall, chromiumPath, requireService, launchChromium } from '../_support/services.ts';

/** The page in headless Chromium (Debian's `chromium`), driven by playwright-core. */
const artifacts = join(import.meta.dirname, '..', 'artifacts');
const run = requireService('Chromium', chromiumPath, chromiumInstall);
const browserTest = run ? test : test.skip;

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if (!run) return;
  mkdirSync(artifacts, { recursive: true });
  server = await startTestServer({ kb: loadKnowledgeBase() });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function newPage(locale: string, viewport = { width: 1366, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  // Offline: the page may load nothing from another origin.
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(server.url)) return route.continue();
    problems.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
  return { page, problems };
}

const topCause = (page: Page) => page.locator('#cause-list > li').first().getAttribute('data-cause');

async function diagnoseApi(body: object): Promise<DiagnoseResult> {
  return (await (await server.post('/v1/diagnose', body)).json()) as DiagnoseResult;
}

browserTest('an agent works a German case with a typo, answers a question, switches language, reopens the permalink', async () => {
  const { page, problems } = await newPage('de-DE');
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body.ready');
  expect(await page.locator('h1').textContent()).toBe('Hilfe bei Exchange-Verbindungsfehlern');
  expect(await page.getAttribute('html', 'lang')).toBe('de');

  // Typing a German message with a typo: suggestions in both languages, then the symptom.
  await page.locator('#message').pressSequentially('Nicht autorisert', { delay: 15 });
  await page.waitForSelector('#suggestions li');
  expect(await page.locator('#suggestions .suggestion-text').allTextContents()).toContain('Nicht autorisiert');
  expect(await page.getAttribute('#message', 'aria-expanded')).toBe('true');
  await page.waitForFunction(() => document.querySelector('#symptom-title')?.textContent === 'Nicht autorisiert');
  await page.keyboard.press('Escape');
  expect(await page.locator('#suggestions').isHidden()).toBe(true);
  await page.waitForSelector('#cause-list > li[data-cause]');

  // The next question, as buttons; pick the answer the engine says moves the top cause.
  const before = await diagnoseApi({ message: 'Nicht autorisert', lang: 'de' });
  const question = before.questions.find((q) => q.options.length > 0)!;
  expect(await page.locator('#next-question .fact-row').getAttribute('data-fact')).toBe(question.fact);
  expect(await page.locator('#next-question .fact-question').textContent()).toBe(question.question);
  let answer: (typeof question.options)[number] | undefined;
  for (const option of question.options) {
    const after = await diagnoseApi({ message: 'Nicht autorisert', lang: 'de', facts: { [question.fact]: option.value } });
    if (after.causes[0]?.id !== before.causes[0]?.id) answer = option;
  }
  expect(answer, `no answer to ${question.fact} changes the top cause`).toBeDefined();
  const topBefore = await topCause(page);
  expect(topBefore).toBe(before.causes[0]!.id);
  // A new question's buttons are armed half a second after they appear (a double click sets one answer).
  await page.waitForTimeout(550);
  await page.locator(`#next-question button.answer[data-value='${JSON.stringify(answer!.value)}']`).click();
  await page.waitForFunction((previous) => document.querySelector<HTMLElement>('#cause-list > li')?.dataset['cause'] !== previous, topBefore);
  const topAfter = await topCause(page);
  expect(topAfter).not.toBe(topBefore);
  // Keyboard focus moved on to the next question.
  if ((await page.locator('#next-question button, #next-question input').count()) > 0) {
    await page.waitForFunction(() => document.activeElement?.closest('#next-question') !== null);
  }
  expect(await page.locator(`#known-list tr[data-fact='${question.fact}'] .known-value`).textContent()).toBe(answer!.label);
  expect(await page.locator('#cause-list > li').first().locator('.badge').textContent()).toMatch(/^(bestätigt|wahrscheinlich|möglich)$/);
  // The top cause's guidance is open, rendered from sanitised HTML, and can be copied for a ticket.
  const first = page.locator('#cause-list > li').first();
  expect(await first.locator('.guidance h2').count()).toBeGreaterThan(0);
  await first.locator('button.copy').click();
  await page.waitForFunction(() => document.querySelector('#action-status')?.textContent !== '');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.startsWith((await first.locator('.cause-title').textContent())!)).toBe(true);
  expect(copied).toMatch(/\n1\. /);
  expect(copied).not.toMatch(/<[a-z]/);
  await page.screenshot({ path: join(artifacts, 'page-de.png'), fullPage: true });

  // Language switch: labels, symptom and causes in English, answers kept.
  await page.locator('button[data-lang="en"]').click();
  await page.waitForFunction(() => document.querySelector('#symptom-title')?.textContent === 'Unauthorized');
  expect(await page.locator('h1').textContent()).toBe('Exchange connection troubleshooter');
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect(await page.getAttribute('button[data-lang="en"]', 'aria-pressed')).toBe('true');
  const english = await diagnoseApi({ message: 'Nicht autorisert', lang: 'en', facts: { [question.fact]: answer!.value } });
  await page.waitForFunction((title) => document.querySelector('#cause-list .cause-title')?.textContent === title, english.causes[0]!.title);
  expect(await topCause(page)).toBe(topAfter);

  // The permalink restores the whole state in a fresh page.
  const permalink = page.url();
  expect(permalink).toContain('lang=en');
  expect(permalink).toContain(`f.${question.fact}=`);
  const { page: reopened, problems: reopenedProblems } = await newPage('de-DE');
  await reopened.goto(permalink);
  await reopened.waitForFunction(() => document.querySelector('#symptom-title')?.textContent === 'Unauthorized');
  expect(await reopened.inputValue('#message')).toBe('Nicht autorisert');
  expect(await reopened.locator('h1').textContent()).toBe('Exchange connection troubleshooter');
  await reopened.waitForSelector('#cause-list > li[data-cause]');
  expect(await topCause(reopened)).toBe(topAfter);
  expect(await reopened.locator(`#known-list tr[data-fact='${question.fact}']`).count()).toBe(1);
  // Removing the answer goes back to the first ranking.
  await reopened.locator(`#known-list tr[data-fact='${question.fact}'] button.remove`).click();
  await reopened.waitForFunction((previous) => document.querySelector<HTMLElement>('#cause-list > li')?.dataset['cause'] === previous, topBefore);
  expect(reopened.url()).not.toContain(`f.${question.fact}=`);

  expect([...problems, ...reopenedProblems]).toEqual([]);
}, 60_000);

browserTest('what a user typed is shown as text, never run as HTML', async () => {
  const { page, problems } = await newPage('en-US');
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body.ready');
  const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Nicht autorisiert';
  await page.fill('#message', hostile);
  await page.keyboard.press('Enter');
  await page.waitForFunction((text) => document.querySelector('#your-text')?.textContent === text, hostile);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('main script, main img').count()).toBe(0);
  expect(await page.locator('#symptom-title').textContent()).toBe('Unauthorized');
  // A fact typed into a field is shown as text too.
  const { facts } = (await (await server.get('/v1/facts')).json()) as { facts: { id: string; type: string }[] };
  const textFacts = new Set(facts.filter((f) => f.type === 'string' || f.type === 'url').map((f) => f.id));
  const withInput = await page.locator('.fact-row:has(input.text-input)').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['fact']!));
  const fact = withInput.find((f) => textFacts.has(f));
  expect(fact, `a text fact among ${withInput.join(', ')}`).toBeDefined();
  const row = page.locator(`.fact-row[data-fact='${fact}']`);
  if (!(await row.isVisible())) await page.locator('#more-facts > summary').click();
  const typed = '<b onmouseover=alert(1)>bold</b>';
  await row.locator('input').fill(typed);
  await row.locator('input').press('Enter');
  await page.waitForSelector(`#known-list tr[data-fact='${fact}']`);
  expect(await page.locator(`#known-list tr[data-fact='${fact}'] .known-value`).textContent()).toBe(typed);
  expect(await page.locator('#known-list b, main b').count()).toBe(0);
  expect(problems.filter((p) => !p.includes('/x'))).toEqual([]);
}, 60_000);

browserTest('keyboard only: pick a suggestion with the arrow keys; every control has a name; readable on a phone', async () => {
  const { page, problems } = await newPage('en-US', { width: 390, height: 844 });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body.ready');
  await page.keyboard.press('Tab'); // skip link
  await page.keyboard.press('Tab'); // Deutsch
  await page.keyboard.press('Tab'); // English
  await page.keyboard.press('Tab'); // message
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('message');
  await page.keyboard.type('exchange url ung', { delay: 15 });
  await page.waitForSelector('#suggestions li');
  await page.keyboard.press('ArrowDown');
  const active = await page.getAttribute('#message', 'aria-activedescendant');
  expect(active).toBe('suggestion-0');
  const chosen = await page.locator('#suggestion-0 .suggestion-text').textContent();
  await page.keyboard.press('Enter');
  expect(await page.inputValue('#message')).toBe(chosen);
  await page.waitForFunction(() => document.querySelector('#symptom-title')?.textContent === 'Exchange URL is invalid');
  await page.waitForSelector('#cause-list > li[data-cause]');
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, [role=combobox], [role=listbox], a')]
      .filter((el) => el.offsetParent !== null || el.getAttribute('role') === 'listbox')
      .filter((el) => {
        const labelled = el.getAttribute('aria-labelledby')?.split(' ').some((id) => document.getElementById(id)?.textContent?.trim());
        const label = el instanceof HTMLInputElement && el.labels && el.labels.length > 0;
        return !(labelled || label || el.getAttribute('aria-label') || el.textContent?.trim());
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unnamed).toEqual([]);
  // Nothing wider than the phone's screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(artifacts, 'page-phone.png'), fullPage: false });
  expect(problems).toEqual([]);
}, 60_000);

browserTest('"Das hat geholfen" stores the feedback and thanks the agent', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'kb-page-feedback-'));
  const withDb = await startTestServer({ kb: loadKnowledgeBase(), limits: { feedbackDb: join(dir, 'feedback.sqlite') } });
  try {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${withDb.url}/#lang=de&m=${encodeURIComponent('Nicht autorisiert')}`);
    await page.waitForSelector('#cause-list > li[data-cause]');
    const first = page.locator('#cause-list > li').first();
    const cause = await first.getAttribute('data-cause');
    const button = first.locator('button.solved');
    expect(await button.textContent()).toBe('Das hat geholfen');
    await button.focus();
    await page.keyboard.press('Enter');
    await first.locator('.feedback-status', { hasText: 'Danke' }).waitFor();
    expect(await first.locator('.feedback-status').getAttribute('aria-live')).toBe('polite');
    const stats = (await (await withDb.get('/v1/feedback/stats')).json()) as { causes: { id: string; solved: number }[] };
    expect(stats.causes.find((c) => c.id === cause)?.solved).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  } finally {
    await withDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
