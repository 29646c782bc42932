import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnose, type DiagnoseRequest, type DiagnoseResult, loadKnowledgeBase } from '../../src/index.ts';
import type { CompiledKnowledgeBase } from '../../src/engine/knowledge-base.ts';

/** Explanations read in the person's words: labels and values, never a fact id or an operator. */
let kb: CompiledKnowledgeBase;
beforeAll(() => {
  kb = loadKnowledgeBase();
});

const corpus = join(import.meta.dirname, '..', 'corpus');
/** Every test case of the corpus files that hold requests (message and/or facts), in both languages. */
function corpusRequests(): { name: string; request: DiagnoseRequest }[] {
  const out: { name: string; request: DiagnoseRequest }[] = [];
  for (const file of readdirSync(corpus).filter((f) => f.endsWith('.yaml'))) {
    const data = parse(readFileSync(join(corpus, file), 'utf8')) as { tests?: { name: string; message?: string; facts?: DiagnoseRequest['facts'] }[] };
    for (const test of data.tests ?? []) {
      for (const lang of ['de', 'en'] as const) out.push({ name: `${file}: ${test.name} (${lang})`, request: { ...(test.message ? { message: test.message } : {}), ...(test.facts ? { facts: test.facts } : {}), lang } });
    }
  }
  return out;
}

const operators = ['notEqual', 'notIn', 'versionAtLeast', 'versionBelow', 'matchesRegex', 'coversHost', 'doesNotContain', 'greaterThanInclusive', 'lessThanInclusive'];

function texts(result: DiagnoseResult): string[] {
  return result.causes.flatMap((c) => [c.reason, ...Object.values(c.explanation).flatMap((list) => list.map((i) => i.text))]);
}

describe('explanations in plain words', () => {
  it('name no fact by its id and no operator, in any result of the corpus', async () => {
    const ids = [...kb.data.facts.keys()].filter((id) => /[A-Z]/.test(id));
    const idPattern = new RegExp(`\\b(${[...ids, ...operators].join('|')})\\b`);
    const requests = corpusRequests();
    expect(requests.length).toBeGreaterThan(100);
    const leaks: string[] = [];
    for (const { name, request } of requests) {
      let result: DiagnoseResult;
      try {
        result = await diagnose(kb, request);
      } catch {
        continue; // a corpus case may hold a value the schema refuses; that is another test's business
      }
      for (const text of texts(result)) {
        const m = idPattern.exec(text);
        if (m) leaks.push(`${name}: "${m[1]}" in ${text}`);
      }
    }
    expect(leaks.slice(0, 10)).toEqual([]);
  });

  it('state a known value with the label and the value as the person gave it, in both languages', async () => {
    const de = await diagnose(kb, { message: 'Nicht autorisiert', facts: { credentialsWorkInWebmail: false }, lang: 'de' });
    const held = de.causes.find((c) => c.id === 'credentials-wrong')!.explanation.held;
    expect(held.map((i) => i.text)).toContain('Dieselbe Anmeldung funktioniert in der Webmail: nein');
    const en = await diagnose(kb, { message: 'Nicht autorisiert', observed: { ewsSignIn: 'refused' }, lang: 'en' });
    const item = en.causes.flatMap((c) => Object.values(c.explanation).flat()).find((i) => i.fact === 'ewsSignIn' && i.actual !== undefined)!;
    // The option's label, not the stored value "refused".
    expect(item.text).toBe('Sign-in in the live test: refused (401)');
  });

  it('say what was wanted where the value alone does not: a failed list and a version threshold', async () => {
    const r = await diagnose(kb, { message: 'CERT_HAS_EXPIRED', facts: { serverVersion: '14.1.218.15' }, lang: 'en' });
    const failed = r.causes.flatMap((c) => c.explanation.failed).find((i) => i.fact === 'clientErrorCode')!;
    expect(failed.text).toMatch(/^Error code of the connection: CERT_HAS_EXPIRED \(not [A-Z]+(, [A-Z]+)*( or [A-Z]+)?(, …)?\)$/);
    const version = await diagnose(kb, { symptom: 'version-unsupported', facts: { serverVersion: '14.1.218.15' }, lang: 'de' });
    const items = version.causes.flatMap((c) => [...c.explanation.held, ...c.explanation.failed]).filter((i) => i.fact === 'serverVersion');
    for (const i of items) expect(i.text).toMatch(/^Exchange-Build: 14\.1\.218\.15 \((älter als|Version) [\d.]+( oder neuer)?\)$/);
  });

  it('word a fact nobody gave as not known, never as a value', async () => {
    const r = await diagnose(kb, { facts: { tcpReachable: false }, lang: 'en' });
    const top = r.causes[0]!;
    expect(top.id).toBe('server-unreachable');
    expect(top.status).not.toBe('confirmed');
    for (const i of [...top.explanation.unknown, ...top.explanation.assumed]) expect(i.text).toMatch(/^not known yet: /);
    expect(top.explanation.held.map((i) => i.fact)).toEqual(['tcpReachable']);
    expect(top.reason).not.toMatch(/allowlist|allowed: yes/i);
  });
});
