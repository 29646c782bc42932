import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/kb/diagnostics.ts';
import { linkProblem } from '../../src/kb/links.ts';
import { readKnowledgeBase } from '../../src/kb/load.ts';
import { readProse } from '../../src/kb/prose.ts';
import { copyKb } from './_fixture.ts';

let kb: ReturnType<typeof copyKb> | undefined;
afterEach(() => kb?.cleanup());

const dePage = 'content/de/causes/needs-app-password.md';
const enPage = 'content/en/causes/needs-app-password.md';

/** Appends lines to a file of the copy; returns the 1-based line of the first appended line. */
function append(file: string, text: string): number {
  const path = join(kb!.dir, file);
  const before = readFileSync(path, 'utf8').replace(/\n*$/, '\n');
  writeFileSync(path, `${before}${text}\n`);
  return before.split('\n').length;
}

function lint(lang: 'en' | 'de' = 'en'): Diagnostic[] {
  return readKnowledgeBase(kb!.dir, { checkRegexSafety: false, lang }).diagnostics;
}

const of = (diags: Diagnostic[], code: string, file: string) => diags.filter((d) => d.code === code && d.file === file);
const show = (diags: Diagnostic[]) => diags.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`).join('\n');

describe('the glossary check', () => {
  it('reports a variant in a page at its line and column, naming the chosen term', () => {
    kb = copyKb();
    const line = append(dePage, 'Legen Sie ein App-Passwort an.');
    const diags = lint();
    const found = of(diags, 'KB_GLOSSARY', dePage);
    expect(found, show(diags)).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', line, col: 'Legen Sie ein '.length + 1 });
    expect(found[0]!.message).toContain('"App-Kennwort"');
    expect(found[0]!.message).toContain('"App-Passwort"');
  });

  it('words the message in the asked language', () => {
    kb = copyKb();
    append(dePage, 'Das klappt.');
    const found = of(lint('de'), 'KB_GLOSSARY', dePage);
    expect(found[0]!.message).toMatch(/^schreiben Sie „funktioniert“ statt „klappt“/);
  });

  it('leaves code spans, code blocks, placeholders and link targets alone', () => {
    kb = copyKb();
    append(dePage, [
      'Der Befehl `Set-AppPasswort -Name App-Passwort` bleibt stehen.',
      '```',
      'App-Passwort im Codeblock',
      '```',
      'Ein Platzhalter {{email|App-Passwort}} und ein [Link](https://example.com/App-Passwort).',
    ].join('\n'));
    expect(of(lint(), 'KB_GLOSSARY', dePage)).toEqual([]);
  });

  it('applies each language only to its own pages', () => {
    kb = copyKb();
    const line = append(enPage, 'Check your e-mail.');
    append(dePage, 'Prüfen Sie Ihre E-Mail.');
    const diags = lint();
    expect(of(diags, 'KB_GLOSSARY', enPage)).toMatchObject([{ line, col: 12 }]);
    expect(of(diags, 'KB_GLOSSARY', dePage)).toEqual([]);
  });

  it('accepts the chosen term that starts with a variant, and refuses the bare variant', () => {
    kb = copyKb();
    append(dePage, 'Erteilen Sie „Senden im Auftrag von“.');
    expect(of(lint(), 'KB_GLOSSARY', dePage)).toEqual([]);
    const line = append(dePage, 'Oder „Senden im Auftrag“.');
    expect(of(lint(), 'KB_GLOSSARY', dePage)).toMatchObject([{ line, col: 7 }]);
  });

  it('matches whole words only, ignoring case and line breaks between words', () => {
    kb = copyKb();
    append(dePage, 'Klicken Sie, bis das Menü aufklappt; ein App-Passwort-Feld gibt es nicht.');
    expect(of(lint(), 'KB_GLOSSARY', dePage)).toEqual([]);
    const line = append(enPage, 'Sign in\nin Microsoft’s window. KLAPPT is German and fine here.');
    expect(of(lint(), 'KB_GLOSSARY', enPage)).toMatchObject([{ line, col: 1 }]);
  });

  it('finds a variant written with decomposed umlauts or wrapped in bidi controls', () => {
    kb = copyKb();
    const line = append(dePage, `Zwei App-Passwo\u0308rter und \u202EApp-Passwort\u202C.`);
    const found = of(lint(), 'KB_GLOSSARY', dePage);
    expect(found.map((d) => [d.line, d.col])).toEqual([[line, 6], [line, 27]]);
  });

  it('checks the title and summary of a page', () => {
    kb = copyKb();
    kb.edit(dePage, /^title: .*$/m, 'title: "Ihr Anbieter verlangt ein App-Passwort"');
    expect(of(lint(), 'KB_GLOSSARY', dePage)).toMatchObject([{ line: 2 }]);
  });

  it('reports variants in the rules’ texts with the severity the glossary sets for them', () => {
    kb = copyKb();
    const titleLine = kb.edit('rules/symptoms.yaml', 'de: Nicht autorisiert }', 'de: Nicht autorisiert (App-Passwort) }');
    const factLine = kb.edit('rules/facts.yaml', 'de: Die im Verbindungsformular eingetragene Exchange-URL.', 'de: Die im Verbindungsformular eingetragene Exchange-URL (siehe Host-Name).');
    const at = (file: string, line: number) => of(lint(), 'KB_GLOSSARY', file).filter((d) => d.line === line);
    expect(at('rules/symptoms.yaml', titleLine), show(lint())).toMatchObject([{ severity: 'error' }]);
    expect(at('rules/facts.yaml', factLine)).toMatchObject([{ severity: 'error' }]);
    expect(at('rules/facts.yaml', factLine)[0]!.message).toContain('"Hostname"');
    kb.edit('rules/glossary.yaml', /^ {2}rules: error$/m, '  rules: warning');
    expect(at('rules/symptoms.yaml', titleLine)).toMatchObject([{ severity: 'warning' }]);
  });

  it('treats a phrase as literal text, never as a regular expression', () => {
    kb = copyKb();
    kb.edit('rules/glossary.yaml', /^terms:\n/m, 'terms:\n  - id: hostile\n    de: { use: gut, avoid: ["(a+)+$", "x.*y"] }\n');
    append(dePage, `${'a'.repeat(5000)}! und xzzy bleiben unberührt.`);
    expect(of(lint(), 'KB_GLOSSARY', dePage)).toEqual([]);
    const line = append(dePage, 'Hier steht wörtlich (a+)+$ im Text.');
    expect(of(lint(), 'KB_GLOSSARY', dePage)).toMatchObject([{ line, col: 21 }]);
  });

  it('finds every variant in a large page', () => {
    kb = copyKb();
    append(dePage, Array.from({ length: 3000 }, (_, i) => `Zeile ${i} mit einem App-Passwort und viel weiterem Text, der nichts bedeutet.`).join('\n'));
    expect(of(lint(), 'KB_GLOSSARY', dePage)).toHaveLength(3000);
  });

  it('is optional: without rules/glossary.yaml there are no term checks and no complaint about the file', () => {
    kb = copyKb();
    kb.remove('rules/glossary.yaml');
    append(dePage, 'Legen Sie ein App-Passwort an.');
    const diags = lint();
    expect(diags.filter((d) => d.code === 'KB_GLOSSARY' || d.file.startsWith('rules/glossary') || d.code === 'KB_MISSING_FILE'), show(diags)).toEqual([]);
  });
});

describe('a broken glossary is reported where it is wrong', () => {
  it('an unknown field', () => {
    kb = copyKb();
    const line = kb.edit('rules/glossary.yaml', '  - id: webmail\n', '  - id: webmail\n    avoid: [Webmail]\n');
    const found = of(lint(), 'KB_SCHEMA', 'rules/glossary.yaml');
    expect(found.some((d) => d.line === line + 1 && d.message.includes('avoid')), show(found)).toBe(true);
  });

  it('a list written as a single phrase, and an empty phrase', () => {
    kb = copyKb();
    kb.edit('rules/glossary.yaml', /avoid: \[Vollzugriffsrecht[^\]]*\]/, 'avoid: Vollzugriffsrecht');
    kb.edit('rules/glossary.yaml', 'use: Mandant,', 'use: "",');
    const found = of(lint(), 'KB_SCHEMA', 'rules/glossary.yaml');
    expect(found.length, show(found)).toBeGreaterThanOrEqual(2);
    expect(found.every((d) => d.line > 1 && !/instancePath/.test(d.message))).toBe(true);
  });

  it('a term id used twice', () => {
    kb = copyKb();
    const line = kb.edit('rules/glossary.yaml', '  - id: tenant\n', '  - id: webmail\n');
    expect(of(lint(), 'KB_DUPLICATE_ID', 'rules/glossary.yaml')).toMatchObject([{ line }]);
  });

  it('a variant that is the chosen term itself', () => {
    kb = copyKb();
    const line = kb.edit('rules/glossary.yaml', 'use: Mandant, avoid: [Tenant, Tenants]', 'use: Mandant, avoid: [Tenant, mandant]');
    const found = of(lint(), 'KB_GLOSSARY', 'rules/glossary.yaml');
    expect(found).toMatchObject([{ line, severity: 'error' }]);
    expect(found[0]!.message).toContain('mandant');
  });
});

describe('the link check', () => {
  it('reports http links, tracking parameters and incomplete addresses at their place', () => {
    kb = copyKb();
    const line = append(enPage, [
      'See [the page](http://learn.microsoft.com/exchange/).',
      'Or <https://learn.microsoft.com/exchange/?utm_source=kb&x=1>.',
      'Or https://learn.microsoft.com/exchange/?WT.mc_id=M365-MVP-5003086 bare.',
      '[ref]: https://user:secret@learn.microsoft.com/',
      'Mail [us](mailto:it@example.com).',
    ].join('\n'));
    const found = of(lint(), 'KB_LINK', enPage);
    expect(found.map((d) => [d.line, d.col])).toEqual([[line, 16], [line + 1, 5], [line + 2, 4], [line + 3, 8], [line + 4, 11]]);
    expect(found[0]!.message).toContain('http://learn.microsoft.com/exchange/');
    expect(found[1]!.message).toContain('"utm_source"');
    expect(found[2]!.message).toContain('"WT.mc_id"');
  });

  it('accepts plain https links and ignores URLs in code', () => {
    kb = copyKb();
    append(enPage, [
      'Read [Microsoft Learn](https://learn.microsoft.com/exchange/new-features/build-numbers-and-release-dates).',
      'Type `http://mail.example.com/?utm_source=x` only as an example.',
      '```',
      'curl http://mail.example.com/EWS/Exchange.asmx',
      '```',
    ].join('\n'));
    expect(of(lint(), 'KB_LINK', enPage)).toEqual([]);
  });

  it('shortens a huge link in the message', () => {
    kb = copyKb();
    append(enPage, `[x](http://example.com/${'a'.repeat(1900)})`);
    const found = of(lint(), 'KB_LINK', enPage);
    expect(found).toHaveLength(1);
    expect(found[0]!.message.length).toBeLessThan(400);
  });

  it('judges single addresses', () => {
    expect(linkProblem('https://learn.microsoft.com/entra/identity-platform/reference-error-codes')).toBeNull();
    expect(linkProblem('HTTPS://LEARN.MICROSOFT.COM/')).toBeNull();
    expect(linkProblem('http://learn.microsoft.com/')).toEqual({ key: 'lint.linkNotHttps' });
    expect(linkProblem('javascript:alert(1)')).toEqual({ key: 'lint.linkNotHttps' });
    expect(linkProblem('https://')).toEqual({ key: 'lint.linkMalformed' });
    expect(linkProblem('https://localhost/x')).toEqual({ key: 'lint.linkMalformed' });
    expect(linkProblem('https://example.com/?UTM_Campaign=a')).toEqual({ key: 'lint.linkTracking', param: 'UTM_Campaign' });
    expect(linkProblem('https://example.com/?gclid=1')).toEqual({ key: 'lint.linkTracking', param: 'gclid' });
    expect(linkProblem('https://example.com/?view=exchserver-2019')).toBeNull();
  });
});

describe('the prose of a page', () => {
  it('keeps positions and line breaks while blanking code and placeholders', () => {
    const body = 'a `code` b\n```\nfenced\n```\n{{email|x}} c';
    const { prose } = readProse(body);
    expect(prose.length).toBe(body.length);
    expect(prose.split('\n').length).toBe(body.split('\n').length);
    expect(prose).not.toMatch(/code|fenced|email/);
    expect(prose.lastIndexOf('c')).toBe(body.lastIndexOf('c'));
    expect(prose.indexOf('c')).toBe(prose.lastIndexOf('c'));
  });

  it('treats an unclosed backtick as text', () => {
    expect(readProse('a ` b App-Passwort').prose).toContain('App-Passwort');
  });
});
