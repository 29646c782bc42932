import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledKbDir, compileKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { readKnowledgeBase } from '../../src/kb/load.ts';
import { measureCoverage, renderResults, runTests } from '../../src/testing/index.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'mini-kb');
const exec = promisify(execFile);
const temp: string[] = [];
afterEach(() => {
  for (const d of temp.splice(0)) rmSync(d, { recursive: true, force: true });
});
function copy(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kb-test-'));
  temp.push(dir);
  cpSync(join(from, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(from, 'content'), join(dir, 'content'), { recursive: true });
  return dir;
}
async function kbCli(args: string[]) {
  return exec(process.execPath, [join(bundledKbDir, 'bin', 'kb.js'), ...args], { env: { ...process.env, NO_COLOR: '1' } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('kb test on a small fixture knowledge base', () => {
  const { data } = readKnowledgeBase(fixture, { checkRegexSafety: false });
  const kb = compileKnowledgeBase(data!);
  const tests = data!.tests.flatMap((f) => f.tests);

  it('reports a failing case as failing, with expected against actual and the ranking', async () => {
    const results = await runTests(kb, tests);
    expect(results.map((r) => r.passed)).toEqual([true, false]);
    const text = renderResults(results, 'en');
    expect(text).toContain('✓ lamp off is confirmed');
    expect(text).toContain('✗ wrong expectation on purpose');
    expect(text).toMatch(/top cause: bulb-broken\s+lamp-off/);
    expect(text).toContain('rules/tests/cases.yaml:6:5');
    expect(text).toMatch(/1\. lamp-off confirmed/);
    expect(text.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('counts coverage right', async () => {
    const results = await runTests(kb, tests);
    const c = measureCoverage(kb, results);
    // lamp-off is confirmed by both cases and never ruled out; bulb-broken is ruled out by the first.
    expect(c.causes.map((i) => [i.id, i.covered, i.missing])).toEqual([
      ['lamp-off', false, ['never ruled out']],
      ['bulb-broken', false, ['never confirmed']],
    ]);
    expect(c.signals).toEqual([expect.objectContaining({ id: 'code-in-text', covered: true })]);
    // Nodes: lamp-off any + 2 leaves, bulb-broken all + 1 leaf = 5; each needs true and false.
    expect(c.conditions).toHaveLength(5);
    const covered = c.conditions.filter((i) => i.covered).map((i) => i.id);
    expect(covered).toEqual([]);
    const leaf = c.conditions.find((i) => i.id === 'lamp-off/conditions/any/0')!;
    expect(leaf.missing).toEqual(['never false']);
    expect(leaf.location).toMatchObject({ file: 'rules/causes/all.yaml', line: 8 });
    expect(c.percent).toEqual({ causes: 0, conditions: 0, signals: 100 });
  });

  it('fails the run when coverage drops below the minimum, and lists what is uncovered with file:line', async () => {
    const dir = copy(fixture);
    writeFileSync(join(dir, 'rules/tests/cases.yaml'), readFileSync(join(dir, 'rules/tests/cases.yaml'), 'utf8').replace(/  - name: wrong[\s\S]*$/, ''));
    const r = await kbCli(['test', dir, '--coverage']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 passed, 0 failed');
    expect(r.stdout).toMatch(/rules\/causes\/all\.yaml:\d+:\d+ bulb-broken \(never confirmed\)/);
    expect(r.stdout).toMatch(/below the minimum/);
  });

  it('a broken test file is a lint error with file and line', async () => {
    const dir = copy(fixture);
    writeFileSync(join(dir, 'rules/tests/cases.yaml'), 'tests:\n  - name: x\n    message: It is dark\n    expect: { top: no-such-cause }\n');
    const { diagnostics } = readKnowledgeBase(dir, { checkRegexSafety: false });
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'KB_TEST', file: 'rules/tests/cases.yaml', line: 4 }));
    writeFileSync(join(dir, 'rules/tests/cases.yaml'), 'tests:\n  - name: x\n    expect: { top: 3 }\n');
    const r = await kbCli(['test', dir]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/rules\/tests\/cases\.yaml:3:\d+ error KB_SCHEMA/);
  });

  it('--filter runs only matching cases', async () => {
    const r = await kbCli(['test', fixture, '--filter', 'lamp off']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 passed, 0 failed');
  });
});
