import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { openFeedbackStore } from '../../src/feedback/index.ts';
import { runKb } from '../_support/cli.ts';

/** kb priors as a content writer runs it, from dist/ (npm test builds first). */
const dir = mkdtempSync(join(tmpdir(), 'kb-priors-cli-'));
const db = join(dir, 'feedback.sqlite');
const kb = loadKnowledgeBase();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const store = await openFeedbackStore(db);
  for (let i = 0; i < 12; i++) await store.record({ kb, symptom: 'url-invalid', cause: 'url-redirects-to-owa', solved: i < 10 });
  for (let i = 0; i < 2; i++) await store.record({ kb, symptom: 'url-invalid', cause: 'url-malformed', solved: true });
  await store.close();
});

const kbPriors = (args: string[], env: Record<string, string> = {}) => runKb(['priors', ...args], { env, cwd: dir });

describe('kb priors', () => {
  it('prints per symptom and cause the written prior, the reports and the learned prior, then the YAML patch', async () => {
    const { code, stdout, stderr } = await kbPriors(['--db', db, '--symptom', 'url-invalid']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^symptom\s+cause\s+written\s+solved\s+not solved\s+learned$/m);
    // (0.25 × 20 + 10) / 32 = 0.47: learned from 12 reports.
    expect(stdout).toMatch(/^url-invalid\s+url-redirects-to-owa\s+0\.25\s+10\s+2\s+0\.47$/m);
    // 2 reports are fewer than learning.minReports: not learned.
    expect(stdout).toMatch(/^url-invalid\s+url-malformed\s+0\.2\s+2\s+0\s+–$/m);
    expect(stdout).not.toMatch(/^unauthorized/m);
    expect(stdout).toContain('url-invalid: 0.47 # was 0.25; solved 10 of 12 reported cases');
  });

  it('--format json has the entries and the patch; --format yaml is the patch alone, as YAML', async () => {
    const json = JSON.parse((await kbPriors(['--db', db, '--format', 'json'])).stdout) as { reports: number; settings: object; database: string; priors: { symptom: string | null; cause: string; learned: number | null }[] };
    expect(json).toMatchObject({ reports: 14, database: db, settings: { strength: 20, minReports: 5, maxFactor: 3 } });
    expect(json.priors.find((p) => p.symptom === 'url-invalid' && p.cause === 'url-redirects-to-owa')!.learned).toBe(0.4688);
    const yaml = (await kbPriors(['--db', db, '--format', 'yaml'])).stdout;
    expect(parse(yaml)).toEqual({ 'rules/causes/url.yaml': [{ id: 'url-redirects-to-owa', priorBySymptom: { 'url-invalid': 0.47 } }] });
  });

  it('reads KB_DB without --db, in German with --lang de', async () => {
    const { code, stdout } = await kbPriors(['--lang', 'de', '--symptom', 'url-invalid'], { KB_DB: db });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Meldung\s+Ursache\s+geschrieben\s+gelöst\s+nicht gelöst\s+gelernt$/m);
    expect(stdout).toMatch(/url-redirects-to-owa\s+0,25\s+10\s+2\s+0,47$/m);
    expect(stdout).toContain('# bisher 0.25; hat 10 von 12 gemeldeten Fällen gelöst');
  });

  it('a database without feedback yet: zeros, and no patch', async () => {
    const empty = join(dir, 'empty.sqlite');
    await (await openFeedbackStore(empty)).close();
    const { code, stdout } = await kbPriors(['--db', empty]);
    expect(code).toBe(0);
    expect(stdout).toContain('No learned prior differs from the written one yet.');
    expect(parse((await kbPriors(['--db', empty, '--format', 'yaml'])).stdout)).toEqual({});
  });

  it.each([
    ['an unknown format', ['--format', 'xml'], /argument 'xml' is invalid|Allowed choices/],
    ['an unknown symptom', ['--symptom', 'no-such-symptom'], /SYMPTOM_UNKNOWN/],
    ['a huge symptom with a bidi override', ['--symptom', `\u202e${'x'.repeat(5000)}`], /SYMPTOM_UNKNOWN/],
    ['feedback off', ['--db', 'off'], /give it with --db/],
    ['a file that is not there', ['--db', join(dir, 'missing', 'feedback.sqlite')], /Cannot open the feedback database .*missing.*no such file/],
    ['a PostgreSQL server that is not there', ['--db', 'postgres://kb:pw-not-shown@127.0.0.1:1/kb'], /ECONNREFUSED/],
    ['a URL without a host', ['--db', 'postgres://'], /names no host|not a valid URL/],
  ])('%s: exit 2 with a clear message, no stack trace', async (_what, args, message) => {
    const { code, stdout, stderr } = await kbPriors(['--db', db, ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain('pw-not-shown');
    expect(stderr.length).toBeLessThan(2000);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('a file that is not a database: exit 2', async () => {
    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, Buffer.from([0, 1, 2, 255, 254, 0x1b, 0x5b]).toString('latin1').repeat(1000));
    const a = await kbPriors(['--db', garbage]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/not a database|file is not a database/i);
  });
});
