import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import type { DiagnoseRequest, DiagnoseResult } from '../../src/index.ts';
import { chromiumInstall, chromiumPath, requireService, launchChromium } from '../_support/services.ts';
import { ewsEndpoint, user } from '../probe/_ews.ts';
import { createPki, host, type TestPki } from '../probe/_pki.ts';
import { httpsServer, loopbackLookup, type TestServer as FixtureServer } from '../probe/_servers.ts';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * A support agent's day in headless Chromium, German and English, desktop and phone, keyboard only:
 * answering (I don't know, Back, the step counter, double clicks, the autocomplete, a value not taken),
 * a case that ends (Likely fix, copy buttons, the case summary, New case), an unclear case, the live
 * test, a language switch, printing. Screenshots go to test/artifacts/; axe finds no violation.
 */
const artifacts = join(import.meta.dirname, '..', 'artifacts');
const run = requireService('Chromium', chromiumPath, chromiumInstall);
const browserTest = run ? test : test.skip;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const kb = loadKnowledgeBase();
const desktop = { width: 1366, height: 900 };
const phone = { width: 390, height: 844 };

let server: TestServer;
let browser: Browser;
let pki: TestPki;
let ews: FixtureServer;
const dir = mkdtempSync(join(tmpdir(), 'kb-journeys-'));

beforeAll(async () => {
  if (!run) return;
  mkdirSync(artifacts, { recursive: true });
  pki = await createPki();
  ews = await httpsServer(pki.right, ewsEndpoint({ challenges: ['NTLM'], headers: { 'X-OWA-Version': '15.2.1544.4' } }).handler);
  server = await startTestServer({
    kb,
    limits: { allowProbe: true, probeRateLimitMax: 50, feedbackDb: join(dir, 'feedback.sqlite') },
    // Test-only: the fixture host on 127.0.0.1 may be probed, with the test PKI's root.
    probe: { allowlist: [host], ca: pki.rootPem, lookup: loopbackLookup([host]) },
  });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ews?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  readonly page: Page;
  readonly problems: string[];
  /** The bodies the page sent to v1/diagnose, in order. */
  readonly diagnoses: DiagnoseRequest[];
}

async function open(locale: string, viewport: { width: number; height: number }, hash = ''): Promise<Opened> {
  const context = await browser.newContext({ locale, viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const problems: string[] = [];
  const diagnoses: DiagnoseRequest[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The browser reports the refusals the page itself handles (403 of a refused live test).
    if (m.type() === 'error' && !/status of 40[03]/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r: Request) => {
    if (r.url().includes('/v1/diagnose')) diagnoses.push(JSON.parse(r.postData() ?? '{}') as DiagnoseRequest);
  });
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(server.url)) return route.continue();
    problems.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector('body.ready');
  await idle(page);
  return { page, problems, diagnoses };
}

/** Waits until no diagnosis is on its way. */
async function idle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.body.classList.contains('busy'));
}

/** Presses Tab until the focus is on `selector` (keyboard only, as an agent without a mouse would). */
async function tabTo(page: Page, selector: string, max = 120): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function axe(page: Page, label: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${label}`).toEqual([]);
}

async function diagnoseApi(body: DiagnoseRequest): Promise<DiagnoseResult> {
  return (await (await server.post('/v1/diagnose', body)).json()) as DiagnoseResult;
}

const heading = (page: Page) => page.locator('#questions-heading').textContent();
const firstQuestion = (page: Page) => page.locator('#next-question .fact-row').getAttribute('data-fact');

describe('answering, keyboard only', () => {
  browserTest('German, desktop: Enter closes the list, I don\'t know, Back (browser and page), step counter, answers so far', async () => {
    const { page, problems, diagnoses } = await open('de-DE', desktop);
    await tabTo(page, '#message');
    await page.keyboard.type('Nicht autorisiert', { delay: 10 });
    await page.waitForSelector('#suggestions li');
    // An exact match is listed first, marked as such.
    expect(await page.locator('#suggestions li').first().getAttribute('class')).toContain('exact');
    expect(await page.locator('#suggestions li').first().locator('.suggestion-text').textContent()).toBe('Nicht autorisiert');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#symptom-title')?.textContent === 'Nicht autorisiert');
    await page.waitForTimeout(500);
    expect(await page.locator('#suggestions').isHidden()).toBe(true);
    expect(await page.getAttribute('#message', 'aria-expanded')).toBe('false');
    await idle(page);
    expect(await heading(page)).toBe('Frage 1');
    const first = (await firstQuestion(page))!;

    // "Weiß ich nicht": sent as `unknown`, never asked again; the next-best question follows.
    await tabTo(page, '#next-question button.dont-know');
    expect(await page.locator('#next-question button.dont-know').textContent()).toBe('Weiß ich nicht');
    await page.waitForTimeout(550);
    await page.keyboard.press('Enter');
    await page.waitForFunction((f) => document.querySelector('#next-question .fact-row')?.getAttribute('data-fact') !== f, first);
    await idle(page);
    expect(diagnoses.at(-1)!.unknown).toEqual([first]);
    expect(await heading(page)).toBe('Frage 2');
    expect(await page.locator(`#known-list tr[data-fact='${first}'] .known-value`).textContent()).toBe('unbekannt');
    const second = (await firstQuestion(page))!;
    expect(second).not.toBe(first);
    // Keyboard focus moved on to the next question.
    expect(await page.evaluate(() => document.activeElement?.closest('#next-question') !== null)).toBe(true);

    // A real answer, by keyboard, to the question that has focus (a text question gets its hint's example).
    await page.waitForTimeout(550);
    const placeholder = await page.evaluate(() => (document.activeElement instanceof HTMLInputElement ? document.activeElement.placeholder : null));
    if (placeholder) await page.keyboard.type(placeholder);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#questions-heading')?.textContent === 'Frage 3');
    await idle(page);
    expect(await page.locator('#known-list tr').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(artifacts, 'journey-de-answering.png'), fullPage: false });
    await axe(page, 'German case with answers');

    // The browser's Back undoes the last answer; the page's Back the one before.
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#questions-heading')?.textContent === 'Frage 2');
    await idle(page);
    expect(await page.locator(`#known-list tr[data-fact='${second}']`).count()).toBe(0);
    await tabTo(page, '#back');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#questions-heading')?.textContent === 'Frage 1');
    await idle(page);
    expect(await page.locator('#known-list tr:not(.from-message)').count()).toBe(0);
    expect(await firstQuestion(page)).toBe(first);
    // An answer is removable on its own, too.
    expect(problems).toEqual([]);
  }, 90_000);

  browserTest('pasting a message and pressing Enter: the list of known messages closes and stays closed', async () => {
    const { page, problems } = await open('en-US', phone);
    await tabTo(page, '#message');
    await page.evaluate(() => navigator.clipboard.writeText('The remote server returned an error: (401) Unauthorized.'));
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#symptom-title')?.textContent === 'Unauthorized');
    await page.waitForTimeout(600);
    expect(await page.locator('#suggestions').isHidden()).toBe(true);
    expect(await page.getAttribute('#message', 'aria-expanded')).toBe('false');
    await page.screenshot({ path: join(artifacts, 'journey-en-phone-pasted.png'), fullPage: false });
    await axe(page, 'a pasted message on a phone');
    expect(problems).toEqual([]);
  }, 60_000);

  browserTest('a double click sets one answer, not two', async () => {
    const { page, problems } = await open('en-US', desktop, `#lang=en&m=${encodeURIComponent('Unauthorized')}`);
    await page.waitForSelector('#next-question button.answer');
    await page.waitForTimeout(600);
    await page.locator('#next-question button.answer').first().dblclick();
    await page.waitForTimeout(1200);
    await idle(page);
    expect(await heading(page)).toBe('Question 2');
    const answers = [...new URLSearchParams(new URL(page.url()).hash.slice(1)).keys()].filter((k) => k.startsWith('f.') || k.startsWith('u.'));
    expect(answers).toHaveLength(1);
    expect(problems).toEqual([]);
  }, 60_000);

  browserTest('a value not taken: the field says why in the page\'s language and keeps what was typed; placeholders match their hints; empty submits say so', async () => {
    const { page, problems } = await open('de-DE', desktop);
    // An empty submit says so.
    await tabTo(page, '#message');
    await page.keyboard.press('Enter');
    await page.locator('#message-error').waitFor();
    expect(await page.locator('#message-error').textContent()).toMatch(/^Geben Sie zuerst die Fehlermeldung ein/);

    await page.keyboard.type('Verknüpfung aufgrund der Exchange-Version nicht möglich', { delay: 5 });
    await page.keyboard.press('Enter');
    await page.waitForSelector("#next-question .fact-row[data-fact='serverVersion']");
    await idle(page);
    const row = page.locator("#next-question .fact-row[data-fact='serverVersion']");
    const question = (await row.locator('.fact-question').textContent())!;
    const placeholder = (await row.locator('input').getAttribute('placeholder'))!;
    expect(question).toContain(placeholder);
    await tabTo(page, "#next-question input[id='input-serverVersion']");
    await page.keyboard.press('Enter');
    await row.locator('.field-error', { hasText: 'Geben Sie zuerst eine Antwort ein' }).waitFor();
    await page.keyboard.type('banana');
    await page.keyboard.press('Enter');
    await page.locator("#next-question .fact-row[data-fact='serverVersion'] .field-error", { hasText: 'banana' }).waitFor();
    await idle(page);
    const error = (await page.locator("#next-question .fact-row[data-fact='serverVersion'] .field-error").textContent())!;
    expect(error).toMatch(/^„banana“ wurde für „Exchange-Build“ nicht übernommen\. Möglich ist: /);
    expect(error).not.toMatch(/serverVersion|expected|treated/);
    expect(await page.inputValue('#input-serverVersion')).toBe('banana');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('input-serverVersion');
    expect(page.url()).not.toContain('banana');
    await page.screenshot({ path: join(artifacts, 'journey-de-invalid-value.png'), fullPage: false });
    await axe(page, 'a value not taken');

    // The user-name field shows EXAMPLE\jdoe with one backslash.
    const { page: other } = await open('en-US', desktop, `#lang=en&m=${encodeURIComponent('Unauthorized')}`);
    await other.locator('#more-facts > summary').focus();
    await other.keyboard.press('Enter');
    expect(await other.locator(".fact-row[data-fact='username'] input").getAttribute('placeholder')).toBe('EXAMPLE\\jdoe');
    expect(problems).toEqual([]);
  }, 90_000);
});

describe('questions for the IT department', () => {
  const facts = { credentialsWorkInWebmail: true, platform: 'on-premises', url: 'https://mail.example.com/EWS/Exchange.asmx', serverVersion: '15.2.1544.4', authSchemes: ['Negotiate', 'NTLM'], requiresDomainUsername: false };
  const hash = (lang: string) => `#lang=${lang}&m=${encodeURIComponent('Unauthorized')}${Object.entries(facts).map(([k, v]) => `&f.${k}=${encodeURIComponent(JSON.stringify(v))}`).join('')}`;

  browserTest('English, desktop: the IT questions in one request, copied together by keyboard, answered one by one', async () => {
    const expected = await diagnoseApi({ message: 'Unauthorized', facts: facts as DiagnoseRequest['facts'], lang: 'en' });
    expect(expected.itQuestions.length).toBeGreaterThan(1);
    const { page, problems } = await open('en-GB', desktop, hash('en'));
    await page.locator('#next-question .it-request').waitFor();
    expect(await page.locator('#it-request-heading').textContent()).toBe(`For the IT department: ${expected.itQuestions.length} questions in one request`);
    // Every IT question has its own answer controls, in the engine's order, and none of them repeats below.
    expect(await page.locator('#next-question .it-request .fact-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-fact')))).toEqual(expected.itQuestions.map((q) => q.fact));
    const below = await page.locator('#fact-list .fact-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-fact')));
    for (const q of expected.itQuestions) expect(below).not.toContain(q.fact);

    await tabTo(page, '.it-request button.copy-it-request');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#action-status')?.textContent?.startsWith('Copied'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected.itQuestions.map((q, i) => `${i + 1}. ${q.question}`).join('\n'));
    await axe(page, 'questions for IT');

    // IT answers the second question first: "no" to EWS being blocked is entered where it stands.
    const second = expected.itQuestions[1]!;
    const no = page.locator(`.it-request .fact-row[data-fact="${second.fact}"] button[data-value="false"]`);
    await page.waitForTimeout(550);
    await no.focus();
    await page.keyboard.press('Enter');
    await idle(page);
    await page.waitForFunction((f) => !document.querySelector(`#next-question .fact-row[data-fact="${f}"]`), second.fact);
    expect(await page.locator(`#known-list tr[data-fact="${second.fact}"]`).count()).toBe(1);
    expect(await page.locator(`#next-question .fact-row[data-fact="${expected.itQuestions[0]!.fact}"]`).count()).toBe(1);
    expect(problems).toEqual([]);
  });

  browserTest('German, phone: the request to IT in German', async () => {
    const { page, problems } = await open('de-DE', phone, hash('de'));
    await page.locator('#next-question .it-request').waitFor();
    expect(await page.locator('#it-request-heading').textContent()).toMatch(/^Für die IT-Abteilung: \d Fragen in einer Anfrage$/);
    expect(await page.locator('.it-request button.copy-it-request').textContent()).toMatch(/^Kopieren/);
    // The German title's long compound stays clear of the language switch.
    const title = (await page.locator('.brand h1').boundingBox())!;
    const switcher = (await page.locator('.lang-switch').boundingBox())!;
    const overlaps = title.x < switcher.x + switcher.width && switcher.x < title.x + title.width && title.y < switcher.y + switcher.height && switcher.y < title.y + title.height;
    expect(overlaps).toBe(false);
    expect(await page.locator('.brand h1').evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    await page.screenshot({ path: join(artifacts, 'journey-de-phone-it-request.png'), fullPage: false });
    await axe(page, 'questions for IT on a phone');
    expect(problems).toEqual([]);
  });
});

describe('a case that ends', () => {
  const owa = `#lang=de&m=${encodeURIComponent('Exchange-URL ist ungültig')}&f.url=${encodeURIComponent(JSON.stringify('https://mail.example.com/owa/'))}`;

  browserTest('German, desktop: Likely fix first, copy the suggested URL and a command, Solved it, copy the case summary, switch language, New case', async () => {
    const { page, problems } = await open('de-DE', desktop, owa);
    await page.locator('#outcome').waitFor();
    expect(await page.locator('#outcome-heading').textContent()).toBe('Wahrscheinliche Lösung');
    expect(await page.locator('#questions-heading').textContent()).toBe('Fragen');
    expect(await page.locator('#next-question').textContent()).toContain('Die Ursache ist bestätigt');
    expect(await page.locator('#more-facts').isHidden()).toBe(true);
    // The fix comes before the ranked list.
    const outcomeBox = (await page.locator('#outcome').boundingBox())!;
    const listBox = (await page.locator('#cause-list').boundingBox())!;
    expect(outcomeBox.y).toBeLessThan(listBox.y);

    // The suggested EWS URL in its own callout, copied by keyboard.
    expect(await page.locator('#suggested-url').textContent()).toBe('https://mail.example.com/EWS/Exchange.asmx');
    await tabTo(page, '.url-callout button.copy-value');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#action-status')?.textContent?.startsWith('Kopiert'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('https://mail.example.com/EWS/Exchange.asmx');
    // Every admin command in the guidance has its own copy button.
    const command = page.locator('#outcome button.copy-command').first();
    const commandText = (await command.getAttribute('data-copy'))!;
    expect(commandText).toMatch(/^Get-WebServicesVirtualDirectory/);
    await command.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((t) => document.querySelector('#action-status')?.textContent?.includes(t.slice(0, 20)), commandText);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(commandText);

    // "Das hat geholfen" is sent once; it stays answered after a language switch.
    const solved = page.locator('#outcome button.solved');
    await solved.focus();
    await page.keyboard.press('Enter');
    await page.locator('#outcome .feedback-status', { hasText: 'Danke' }).waitFor();

    // The case summary is the API's, with the permalink.
    await tabTo(page, '#outcome-summary');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#action-status')?.textContent === 'Fallzusammenfassung kopiert');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const request = { message: 'Exchange-URL ist ungültig', facts: { url: 'https://mail.example.com/owa/' }, lang: 'de' as const };
    const expected = await (await server.post(`/v1/summary?permalink=${encodeURIComponent(page.url())}`, request)).text();
    expect(copied).toBe(expected);
    expect(copied).toContain('## Nächster Schritt');
    await page.screenshot({ path: join(artifacts, 'journey-de-likely-fix.png'), fullPage: false });
    await axe(page, 'a confirmed case');

    // Language switch: every label follows, nothing of the old language is left.
    await tabTo(page, 'button[data-lang="en"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#outcome-heading')?.textContent === 'Likely fix');
    await idle(page);
    const texts = await page.evaluate(() => [...document.querySelectorAll('button, h1, h2, h3, .feedback-status, #action-status, th, .fact-cost, .known-source')].filter((n) => (n as HTMLElement).offsetParent !== null).map((n) => n.textContent ?? ''));
    const german = texts.filter((t) => /kopier|geholfen|Danke|Fall|Frage|Antwort|Entfernen|Zurück|Lösung|beantworten|gelesen/.test(t));
    expect(german).toEqual([]);
    expect(await page.locator('#outcome button.solved').getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('#outcome .feedback-status').textContent()).toMatch(/^Thank you/);
    expect(await page.locator('#summary-copy').textContent()).toBe('Copy case summary');

    // New case: everything is cleared.
    await tabTo(page, '#outcome-new-case');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#message')?.value === '' && (document.getElementById('outcome') as HTMLElement).hidden);
    expect(await page.locator('#empty').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message');
    expect(problems).toEqual([]);
  }, 90_000);

  browserTest('English, phone: the confirmed result comes first; the title, the answers so far and the page fit the screen', async () => {
    const { page, problems } = await open('en-US', phone, owa.replace('lang=de', 'lang=en').replace(encodeURIComponent('Exchange-URL ist ungültig'), encodeURIComponent('Exchange URL is invalid')));
    await page.locator('#outcome').waitFor();
    const outcome = (await page.locator('#outcome').boundingBox())!;
    const questions = (await page.locator('#questions').boundingBox())!;
    expect(outcome.y).toBeLessThan(questions.y);
    expect(outcome.y).toBeLessThan(phone.height);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    // The title breaks between words only.
    expect(await page.locator('h1').evaluate((n) => [getComputedStyle(n).hyphens, getComputedStyle(n).overflowWrap])).toEqual(['manual', 'normal']);
    // Labels of the answers so far get room: not one word per line.
    const label = (await page.locator('#known-list tr .known-label').first().boundingBox())!;
    expect(label.width).toBeGreaterThan(100);
    await page.screenshot({ path: join(artifacts, 'journey-en-phone-confirmed.png'), fullPage: false });
    // The why of the top cause in the person's words: labels and values, no fact id.
    const why = page.locator('#cause-list > li').first().locator('.why-details');
    await why.locator('summary').focus();
    await page.keyboard.press('Enter');
    const items = await why.locator('li').allTextContents();
    expect(items).toContain('URL ends in /EWS/Exchange.asmx: no');
    const ids = [...kb.data.facts.keys()].filter((id) => /[A-Z]/.test(id));
    expect(items.filter((t) => ids.some((id) => t.includes(id)))).toEqual([]);
    await axe(page, 'a confirmed case on a phone');
    expect(problems).toEqual([]);
  }, 60_000);

  browserTest('an unclear case offers the CRM\'s known messages and what to collect; picking one by keyboard recognises it', async () => {
    const { page, problems } = await open('en-US', desktop, `#lang=en&m=${encodeURIComponent('Something odd happened in the CRM')}`);
    await page.locator('#unclear').waitFor();
    await page.waitForSelector('#unclear .known-messages button');
    const messages = await page.locator('#unclear .known-messages button').allTextContents();
    expect(messages).toEqual(expect.arrayContaining(['Unauthorized', 'Exchange URL is invalid']));
    const collect = await page.locator('#unclear .collect-list li').allTextContents();
    const expected = (await diagnoseApi({ message: 'Something odd happened in the CRM', lang: 'en' })).assessment.collect.map((c) => c.text);
    expect(collect).toEqual(expected);
    expect(collect.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, 'journey-en-unclear.png'), fullPage: false });
    await axe(page, 'an unclear case');
    await tabTo(page, '#unclear .known-messages button[data-symptom="unauthorized"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#symptom-title')?.textContent === 'Unauthorized');
    expect(await page.locator('#unclear').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  }, 60_000);

  browserTest('printing shows the case and its guidance, not the form, on at most two pages', async () => {
    const { page, problems } = await open('de-DE', desktop, owa);
    await page.locator('#outcome').waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#message-form').isHidden()).toBe(true);
    expect(await page.locator('#questions').isHidden()).toBe(true);
    expect(await page.locator('#outcome').isVisible()).toBe(true);
    expect(await page.locator('#known').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('the live test from the page', () => {
  browserTest('German, keyboard only: each step with its result, the observed facts join the case, the password leaves no trace', async () => {
    const url = ews.url();
    const { page, problems, diagnoses } = await open('de-DE', desktop, `#lang=de&m=${encodeURIComponent('Nicht autorisiert')}`);
    expect(await page.locator('#live-test-heading').textContent()).toBe('Verbindung testen');
    await tabTo(page, '#probe-url');
    await page.keyboard.type(url);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(`${user.domain}\\${user.name}`);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#probe-steps li[data-step="ews"]');
    await idle(page);
    const steps = await page.locator('#probe-steps li').evaluateAll((items) => items.map((li) => [(li as HTMLElement).dataset['step'], (li as HTMLElement).dataset['status']]));
    expect(steps).toEqual([
      ['url', 'ok'],
      ['dns', 'ok'],
      ['tcp', 'ok'],
      ['tls', 'ok'],
      ['http', 'ok'],
      ['ews', 'ok'],
      ['send', 'skipped'],
    ]);
    expect(await page.locator('#probe-steps li[data-step="tls"] .probe-name').textContent()).toBe('Zertifikat (TLS)');
    expect(await page.locator('#probe-steps li[data-step="tls"] .probe-status').textContent()).toBe('bestanden');
    // The observed facts join the case and are named as the live test's.
    expect(diagnoses.at(-1)!.observed).toMatchObject({ certTrusted: true, ewsSignIn: 'ok', httpStatus: 401 });
    expect(await page.locator('#known-list tr.from-live[data-fact="ewsSignIn"] .known-source').textContent()).toBe('vom Live-Test beobachtet');
    // The password is gone from the form, the address and every request but the one to v1/probe.
    expect(await page.inputValue('#probe-password')).toBe('');
    expect(decodeURIComponent(page.url())).not.toContain(user.password);
    expect(JSON.stringify(diagnoses)).not.toContain(user.password);
    await page.screenshot({ path: join(artifacts, 'journey-de-live-test.png'), fullPage: true });
    await axe(page, 'the live test');

    // A refused target is said in the page's language.
    await page.locator('#probe-url').fill('https://127.0.0.1/EWS/Exchange.asmx');
    await page.locator('#probe-url').focus();
    await page.keyboard.press('Enter');
    await page.locator('#probe-error', { hasText: 'kein öffentlicher Server' }).waitFor();
    expect(problems).toEqual([]);
  }, 90_000);
});
