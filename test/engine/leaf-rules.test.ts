import { fc, test } from '@fast-check/vitest';
import { Engine, type TopLevelCondition } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { type CompiledCause, evaluateCauses, foldCause } from '../../src/engine/evaluate.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { type ConditionNode, isLeaf } from '../../src/engine/three-valued.ts';
import { deriveFacts } from '../../src/facts/derive.ts';
import { customOperators } from '../../src/facts/operators.ts';
import type { FactValue } from '../../src/generated/schema-types.ts';

const kb = loadKnowledgeBase(undefined, { cacheSize: 0 });

// The knowledge base's facts with the values a person can give, for random cases.
const answers: Record<string, FactValue[]> = {};
for (const f of kb.data.facts.values()) {
  if (f.source === 'derived') continue;
  const values = f.type === 'boolean' ? [true, false] : f.options ? f.options.map((o) => o.value) : (f.examples ?? []);
  if (values.length > 0) answers[f.id] = values as FactValue[];
}
const factsArb = fc
  .dictionary(fc.constantFrom(...Object.keys(answers)), fc.constant(null), { maxKeys: 10 })
  .chain((keys) => fc.record(Object.fromEntries(Object.keys(keys).map((k) => [k, fc.constantFrom(...answers[k]!)]))))
  .map((base) => ({ ...(base as Record<string, FactValue>), ...deriveFacts(kb.data.facts.values(), base as Record<string, FactValue>) }));

/** The whole cause as one json-rules-engine rule, as a first integration would run it. */
const wholeRule = new Map<string, Engine>();
function engineOf(cause: CompiledCause): Engine {
  let engine = wholeRule.get(cause.decl.id);
  if (!engine) {
    engine = new Engine([], { allowUndefinedFacts: true });
    for (const [name, fn] of Object.entries(customOperators)) engine.addOperator(name, fn);
    engine.addRule({ name: cause.decl.id, conditions: cause.conditions as unknown as TopLevelCondition, event: { type: 'cause' } });
    wholeRule.set(cause.decl.id, engine);
  }
  return engine;
}

/** Each leaf result json-rules-engine reported inside the whole rule, by path as fold names them. */
function leafResults(node: Record<string, unknown>, path: string, out: Map<string, boolean>): Map<string, boolean> {
  if ('fact' in node) {
    if (typeof node['result'] === 'boolean') out.set(path, node['result']);
  } else if (node['not']) leafResults(node['not'] as Record<string, unknown>, `${path}/not`, out);
  else for (const op of ['all', 'any'] as const) (node[op] as Record<string, unknown>[] | undefined)?.forEach((c, i) => leafResults(c, `${path}/${op}/${i}`, out));
  return out;
}

const factsOfTree = (node: ConditionNode): string[] => (isLeaf(node) ? [node.fact] : 'not' in node ? factsOfTree(node.not) : ('all' in node ? node.all : node.any).flatMap(factsOfTree));

describe('json-rules-engine driven by leaf rules (one run per known fact)', () => {
  const causes = [...kb.causes.values()];

  test.prop([factsArb], { numRuns: 120 })('gives every leaf the result json-rules-engine gives it inside the whole rule', async (facts) => {
    const evaluations = await evaluateCauses(causes, facts);
    for (const [i, cause] of causes.entries()) {
      const run = await engineOf(cause).run(facts);
      const whole = [...run.results, ...run.failureResults][0]!;
      const reported = leafResults(whole.conditions as unknown as Record<string, unknown>, 'conditions', new Map());
      for (const unit of evaluations[i]!.folded.units) {
        if (!isLeaf(unit.node) || unit.state === undefined || !Object.hasOwn(facts, unit.node.fact)) continue;
        const said = reported.get(unit.path);
        // json-rules-engine skips nothing at one priority; a leaf it did not report is one our fold reads as assumed.
        if (said !== undefined) expect(unit.state, `${cause.decl.id} ${unit.path}`).toBe(said);
      }
      // With every fact the conditions read known, three values are two, and the whole rule decides alike.
      if (factsOfTree(cause.conditions).every((f) => Object.hasOwn(facts, f))) expect(evaluations[i]!.folded.value, cause.decl.id).toBe(whole.result);
    }
  });

  it('answers concurrent diagnoses each from an engine of its own', async () => {
    const cases = fc.sample(factsArb, { numRuns: 120, seed: 7 });
    const sequential = [];
    for (const facts of cases) sequential.push(await evaluateCauses(causes, facts));
    // Started 0 to 59 microtasks apart, so that runs begin at every step of others (json-rules-engine keeps a run's state on its engine: a shared engine would skip rules).
    const ticks = async (n: number) => {
      for (let k = 0; k < n; k++) await Promise.resolve();
    };
    const concurrent = await Promise.all(cases.map(async (facts, i) => (await ticks(i % 60), evaluateCauses(causes, facts))));
    expect(concurrent.map((e) => e.map((x) => x.folded.value))).toEqual(sequential.map((e) => e.map((x) => x.folded.value)));
    expect(concurrent).toEqual(sequential);
  });

  it('runs no engine for a fact nobody gave: those leaves stay unknown', async () => {
    const cause = kb.causes.get('credentials-wrong')!;
    const results = await cause.rules.run({}, cause.leafFacts);
    expect(results.size).toBe(0);
    expect(foldCause(cause, {}, results).folded.units.every((u) => u.state === undefined || (isLeaf(u.node) && u.node.ifUnknown !== undefined))).toBe(true);
  });
});
