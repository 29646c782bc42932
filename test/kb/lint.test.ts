import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { KbError } from '../../src/engine/errors.ts';
import type { Diagnostic } from '../../src/kb/diagnostics.ts';
import { readKnowledgeBase } from '../../src/kb/load.ts';
import { copyKb } from './_fixture.ts';

let kb: ReturnType<typeof copyKb> | undefined;
afterEach(() => kb?.cleanup());

function lineOf(file: string, text: string): number {
  const content = readFileSync(join(kb!.dir, file), 'utf8');
  return content.slice(0, content.indexOf(text)).split('\n').length;
}

function lint(checkRegexSafety = false): Diagnostic[] {
  return readKnowledgeBase(kb!.dir, { checkRegexSafety }).diagnostics;
}

function expectError(code: string, file: string, line: number): Diagnostic {
  const diags = lint(code === 'KB_UNSAFE_REGEX');
  const found = diags.find((d) => d.code === code && d.file === file && d.line === line && d.severity === 'error');
  expect(found, `expected ${code} at ${file}:${line}, got:\n${diags.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`).toBeDefined();
  expect(found!.message).not.toMatch(/instancePath|must match "then"|\bat Object\./);
  expect(found!.col).toBeGreaterThan(0);
  return found!;
}

describe('the bundled knowledge base', () => {
  it('lints clean, regex safety included', () => {
    kb = copyKb();
    expect(lint(true).filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('each kind of mistake is reported at its file and line', () => {
  it('bad YAML syntax', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', '    prior: 0.4\n', '    prior: [0.4\n');
    expectError('KB_YAML_SYNTAX', 'rules/causes/auth.yaml', line + 1);
  });

  it('a value of the wrong type', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', '    prior: 0.4\n', '    prior: high\n');
    const d = expectError('KB_SCHEMA', 'rules/causes/auth.yaml', line);
    expect(d.message).toContain('number');
  });

  it('an unknown field, with a did-you-mean', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', '    layer: auth\n    prior: 0.4\n', '    layer: auth\n    prio: 0.4\n');
    const diags = lint();
    const d = diags.find((x) => x.code === 'KB_SCHEMA' && x.line === line + 1 && x.message.includes('prio'));
    expect(d?.message).toContain('"prior"');
  });

  it('an unknown fact in a condition', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', 'fact: twoFactorEnabled', 'fact: twoFactorEnabeld');
    const d = expectError('KB_UNKNOWN_FACT', 'rules/causes/auth.yaml', line);
    expect(d.message).toContain('twoFactorEnabeld');
  });

  it('an operator unfit for the fact type', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', '{ fact: twoFactorEnabled, operator: equal, value: true }', '{ fact: twoFactorEnabled, operator: greaterThan, value: 1 }');
    expectError('KB_OPERATOR_TYPE', 'rules/causes/auth.yaml', line);
  });

  it('a value unfit for the fact', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/url.yaml', '{ fact: httpStatus, operator: equal, value: 440 }', '{ fact: httpStatus, operator: equal, value: "440" }');
    expectError('KB_VALUE_TYPE', 'rules/causes/url.yaml', line);
  });

  it('an unknown operator', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', 'operator: versionAtLeast', 'operator: versionAtleast');
    expectError('KB_UNKNOWN_OPERATOR', 'rules/causes/auth.yaml', line);
  });

  it('a duplicate id', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', '  - id: needs-app-password', '  - id: credentials-wrong');
    expectError('KB_DUPLICATE_ID', 'rules/causes/auth.yaml', line);
  });

  it('a missing German page', () => {
    kb = copyKb();
    kb.remove('content/de/causes/needs-app-password.md');
    const line = lineOf('rules/causes/auth.yaml', '  - id: needs-app-password');
    const d = expectError('KB_MISSING_PAGE', 'rules/causes/auth.yaml', line);
    expect(d.message).toContain('content/de/causes/needs-app-password.md');
  });

  it('an orphan page', () => {
    kb = copyKb();
    kb.write('content/en/causes/no-such-cause.md', '---\ntitle: "x"\nsummary: "y"\n---\n## What it means\nx\n');
    expectError('KB_ORPHAN_PAGE', 'content/en/causes/no-such-cause.md', 1);
  });

  it('a regex that does not compile', () => {
    kb = copyKb();
    const line = kb.edit('rules/signals.yaml', String.raw`pattern: '\(401\)\s*(Unauthori[sz]ed|Nicht autorisiert)'`, String.raw`pattern: '\(401\)\s*(Unauthori[sz]ed|Nicht autorisiert'`);
    expectError('KB_BAD_REGEX', 'rules/signals.yaml', line);
  });

  it('a regex that can backtrack catastrophically', () => {
    kb = copyKb();
    const line = kb.edit('rules/signals.yaml', String.raw`pattern: '\bAADSTS(?<aadstsCode>\d{5,7})\b'`, String.raw`pattern: '(a+)+\bAADSTS(?<aadstsCode>\d{5,7})\b'`);
    expectError('KB_UNSAFE_REGEX', 'rules/signals.yaml', line);
  }, 60_000);

  it('a named group that is not a fact', () => {
    kb = copyKb();
    const line = kb.edit('rules/signals.yaml', '(?<serverVersion>\\d{1,2}', '(?<build>\\d{1,2}');
    const d = expectError('KB_UNKNOWN_GROUP', 'rules/signals.yaml', line);
    expect(d.message).toContain('build');
  });

  it('an unknown placeholder in a page', () => {
    kb = copyKb();
    const line = kb.edit('content/en/causes/url-not-ews-endpoint.md', '{{suggestedEwsUrl', '{{suggestedEwsUrll');
    expectError('KB_UNKNOWN_PLACEHOLDER', 'content/en/causes/url-not-ews-endpoint.md', line);
  });

  it('an unknown symptom named by a cause', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', 'symptoms: [unauthorized]', 'symptoms: [unauthorised]');
    expectError('KB_UNKNOWN_SYMPTOM', 'rules/causes/auth.yaml', line);
  });

  it('a missing section and missing front matter', () => {
    kb = copyKb();
    const line = kb.edit('content/de/causes/needs-app-password.md', '## So beheben Sie es', '## So lösen Sie es');
    const d = lint().find((x) => x.code === 'KB_MISSING_SECTION' && x.file === 'content/de/causes/needs-app-password.md');
    expect(d?.message).toContain('So beheben Sie es');
    expect(line).toBeGreaterThan(1);
    kb.write('content/en/causes/needs-app-password.md', '## What it means\nno front matter\n');
    expectError('KB_FRONT_MATTER', 'content/en/causes/needs-app-password.md', 1);
  });

  it('a signal example the pattern does not match', () => {
    kb = copyKb();
    const line = kb.edit('rules/signals.yaml', "      - 'AADSTS53003: Access has been blocked by Conditional Access policies.'", "      - 'AADSTS5300: blocked'");
    expectError('KB_SIGNAL_EXAMPLE', 'rules/signals.yaml', line);
  });

  it('an alias bomb ("billion laughs") is refused, not expanded', () => {
    kb = copyKb();
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    kb.write('rules/causes/bomb.yaml', `${bomb}\n`);
    const diags = lint();
    expect(diags).toContainEqual(expect.objectContaining({ code: 'KB_YAML_SYNTAX', file: 'rules/causes/bomb.yaml' }));
  }, 10_000);

  it('binary and oversized files are refused by name, the rest still checked', () => {
    kb = copyKb();
    kb.write('rules/causes/binary.yaml', 'causes:\u0000\u0001');
    kb.write('rules/causes/huge.yaml', `# ${'x'.repeat(1024 * 1024 + 10)}\n`);
    const diags = lint();
    expect(diags.filter((d) => d.code === 'KB_READ').map((d) => d.file).sort()).toEqual(['rules/causes/binary.yaml', 'rules/causes/huge.yaml']);
  });

  it('a broken knowledge base never loads silently', () => {
    kb = copyKb();
    kb.edit('rules/causes/auth.yaml', 'fact: twoFactorEnabled', 'fact: nope');
    expect(() => loadKnowledgeBase(kb!.dir)).toThrow(KbError);
    try {
      loadKnowledgeBase(kb.dir);
    } catch (e) {
      expect((e as KbError).code).toBe('KB_INVALID');
      expect((e as KbError).diagnostics.some((d) => d.code === 'KB_UNKNOWN_FACT')).toBe(true);
    }
  });

  it('messages come in German too', () => {
    kb = copyKb();
    kb.edit('rules/causes/auth.yaml', 'fact: twoFactorEnabled', 'fact: nope');
    const d = readKnowledgeBase(kb.dir, { lang: 'de', checkRegexSafety: false }).diagnostics.find((x) => x.code === 'KB_UNKNOWN_FACT');
    expect(d?.message).toMatch(/Fakt|fakt/);
  });
});

describe('one mistake, one error, with a hint', () => {
  const errors = () => lint().filter((d) => d.severity === 'error');

  it('a prior out of range is the only error, naming the cause by id (no orphan pages, no unknown causes in tests)', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', '    prior: 0.4\n', '    prior: 1.5\n');
    const list = errors();
    expect(list.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([`rules/causes/auth.yaml:${line} KB_SCHEMA`]);
    expect(list[0]!.message).toMatch(/causes\[\d+\] \(credentials-wrong\)\.prior/);
  });

  it('a YAML indentation mistake is one error that says to check the indentation above', () => {
    kb = copyKb();
    const line = kb.edit('rules/causes/auth.yaml', '    prior: 0.4\n', '   prior: 0.4\n');
    const list = errors();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ code: 'KB_YAML_SYNTAX', file: 'rules/causes/auth.yaml', line });
    expect(list[0]!.message).toMatch(/indentation of this line and of the lines above/);
    kb.edit('rules/causes/auth.yaml', '   prior: 0.4\n', '    prior: 0.4\n');
    kb.edit('rules/facts.yaml', '    type: boolean\n', '\ttype: boolean\n');
    const tab = errors();
    expect(tab.map((d) => d.code)).toEqual(['KB_YAML_SYNTAX']);
    expect(tab[0]!.message).toMatch(/indentation/);
  });

  it('errors come sorted by file, line and column', () => {
    kb = copyKb();
    kb.edit('rules/causes/url.yaml', 'symptoms: [url-invalid', 'symptoms: [url-invaild');
    kb.edit('rules/causes/auth.yaml', 'fact: twoFactorEnabled', 'fact: twoFactorEnabeld');
    kb.edit('rules/tests/auth.yaml', 'top: credentials-wrong', 'top: credentials-wrng');
    const list = lint();
    const keys = list.map((d) => [d.file, d.line, d.col] as const);
    const sorted = [...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
    expect(keys).toEqual(sorted);
    expect(new Set(list.map((d) => d.file))).toEqual(new Set(['rules/causes/auth.yaml', 'rules/causes/url.yaml', 'rules/tests/auth.yaml']));
  });

  it.each([
    ['rules/causes/auth.yaml', 'fact: twoFactorEnabled', 'fact: twoFactorEnabeld', 'KB_UNKNOWN_FACT', '"twoFactorEnabled"'],
    ['rules/causes/auth.yaml', 'operator: versionAtLeast', 'operator: versionAtleast', 'KB_UNKNOWN_OPERATOR', '"versionAtLeast"'],
    ['rules/causes/auth.yaml', 'symptoms: [unauthorized]', 'symptoms: [unauthorised]', 'KB_UNKNOWN_SYMPTOM', '"unauthorized"'],
    ['rules/tests/auth.yaml', 'top: credentials-wrong', 'top: credentials-wrng', 'KB_TEST', '"credentials-wrong"'],
    ['content/en/causes/url-not-ews-endpoint.md', '{{suggestedEwsUrl', '{{suggestedEwsUrll', 'KB_UNKNOWN_PLACEHOLDER', '"suggestedEwsUrl"'],
    ['content/de/causes/needs-app-password.md', '## So beheben Sie es', '## So beheben Sie das', 'KB_MISSING_SECTION', '"## So beheben Sie es"'],
  ])('%s: %s → %s says did you mean (%s)', (file, from, to, code, hint) => {
    kb = copyKb();
    kb.edit(file, from, to);
    const found = errors().filter((d) => d.code === code && d.file === file);
    expect(found, JSON.stringify(errors())).toHaveLength(1);
    expect(found[0]!.message).toMatch(/did you mean/);
    expect(found[0]!.message).toContain(hint);
  });

  it('a folder that is not a knowledge base says so, and names the one that is', () => {
    kb = copyKb();
    const list = readKnowledgeBase(join(kb.dir, 'rules'), { checkRegexSafety: false }).diagnostics;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ code: 'KB_NOT_A_KB', severity: 'error' });
    expect(list[0]!.message).toContain(`The knowledge base is ${kb.dir}`);
    const nowhere = readKnowledgeBase(join(kb.dir, 'no-such-folder')).diagnostics;
    expect(nowhere.map((d) => d.code)).toEqual(['KB_NOT_A_KB']);
    expect(nowhere[0]!.message).toMatch(/does not exist/);
  });
});
