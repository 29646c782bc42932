import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../src/engine/knowledge-base.ts';
import { validateAgainst } from '../src/kb/schema-validator.ts';
import { parseYaml, positionOf } from '../src/kb/yaml-source.ts';
import type { RuleTest } from '../src/generated/schema-types.ts';
import { type LocatedTest, renderFailure, runTests } from '../src/testing/index.ts';

// The diagnosis corpus: realistic cases (both languages, typos, raw strings, facts only, contradictions,
// nothing recognisable), each asserting the top cause and its status. Same format as rules/tests/.
const dir = new URL('./corpus/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const kb = loadKnowledgeBase();

const cases: LocatedTest[] = files.flatMap((file) => {
  const { source, problems } = parseYaml(`test/corpus/${file}`, readFileSync(join(dir.pathname, file), 'utf8'));
  if (!source) throw new Error(`test/corpus/${file}: ${problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('; ')}`);
  const schemaProblems = validateAgainst('tests', source.data);
  if (schemaProblems.length > 0) {
    const p = schemaProblems[0]!;
    const pos = positionOf(source, p.path, p.key);
    throw new Error(`test/corpus/${file}:${pos.line}:${pos.col} ${p.message}`);
  }
  return (source.data as { tests: RuleTest[] }).tests.map((t, i) => ({ ...t, location: { file: `test/corpus/${file}`, ...positionOf(source, ['tests', i]) } }));
});

describe('the diagnosis corpus', () => {
  it('has at least 50 cases, each asserting the top cause and its status (or no symptom)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    for (const c of cases) {
      const assertsTop = c.expect.top !== undefined && c.expect.topStatus !== undefined;
      expect(assertsTop || c.expect.symptom === null, c.name).toBe(true);
    }
  });

  it('makes every cause of the knowledge base the top cause of some case', () => {
    const tops = new Set(cases.map((c) => c.expect.top).filter(Boolean));
    expect(kb.data.causes.map((c) => c.id).filter((id) => !tops.has(id))).toEqual([]);
  });

  it('covers both languages, typos, raw strings, facts only and contradictions', () => {
    expect(cases.some((c) => c.lang === 'de' && c.message)).toBe(true);
    expect(cases.some((c) => c.lang === 'en' && c.message)).toBe(true);
    expect(cases.some((c) => !c.message && c.facts)).toBe(true);
    expect(cases.some((c) => c.observed && c.facts)).toBe(true);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const [result] = await runTests(kb, [c]);
      expect(result!.passed, renderFailure(result!, 'en')).toBe(true);
    });
  }
});
