// Benchmark 1: diagnoses per second and latency on the bundled knowledge base, against the floor
// (a hand-written function) and naive json-rules-engine use (a new engine with all rules per request).
import { Engine } from 'json-rules-engine';
import { diagnose } from '../dist/engine/diagnose.js';
import { loadKnowledgeBase } from '../dist/engine/knowledge-base.js';
import { deriveFacts } from '../dist/facts/derive.js';
import { customOperators } from '../dist/facts/operators.js';
import { handDiagnose } from './hand-written.js';
import { mix } from './mix.js';
import { fmt, measure } from './_stats.js';

export async function runInProcess({ rounds = 40 } = {}) {
  const kb = loadKnowledgeBase();
  const ours = await measure(mix, (r) => diagnose(kb, r), { rounds: rounds * 20 });
  // Every request computed afresh: the result cache turned off.
  const cold = loadKnowledgeBase(undefined, { cacheSize: 0 });
  const uncached = await measure(mix, (r) => diagnose(cold, r), { rounds });
  const floor = await measure(mix, (r) => handDiagnose(r), { rounds: rounds * 20 });
  // Naive: what a first integration would do: build an engine with every rule for each request,
  // run it two-valued (undefined facts count as false) and take the successful rule with the best prior.
  const naive = await measure(
    mix,
    async (r) => {
      const engine = new Engine([], { allowUndefinedFacts: true });
      for (const [name, fn] of Object.entries(customOperators)) engine.addOperator(name, fn);
      for (const c of kb.data.causes) engine.addRule({ name: c.id, conditions: c.conditions, event: { type: c.id }, priority: Math.max(1, Math.round(c.prior * 100)) });
      const recognition = r.message ? kb.recognizer.recognize(r.message) : null;
      const facts = { ...(r.facts ?? {}), ...(r.observed ?? {}) };
      for (const e of recognition?.extracted ?? []) facts[e.fact] ??= e.raw;
      const { results } = await engine.run({ ...facts, ...deriveFacts(kb.data.facts.values(), facts) });
      return results[0]?.name;
    },
    { rounds },
  );
  // How often the floor makes the same decision as the knowledge base on the mix.
  let agree = 0;
  for (const r of mix) {
    const result = await diagnose(kb, r);
    const hand = handDiagnose(r);
    if (result.causes[0]?.id === hand.top) agree++;
  }
  return { ours, uncached, floor, naive, agree, total: mix.length };
}

export function printInProcess({ ours, uncached, floor, naive, agree, total }) {
  const rows = [
    ['kb diagnose() (default)', ours],
    ['kb diagnose(), no cache', uncached],
    ['hand-written (floor)', floor],
    ['naive json-rules-engine', naive],
  ];
  console.log('\n1. In-process, bundled knowledge base, mix of', total, 'requests (message / facts / both)');
  console.log('   implementation              diag/s     p50 ms   p99 ms');
  for (const [name, s] of rows) console.log(`   ${name.padEnd(26)} ${fmt(s.ops).padStart(9)} ${fmt(s.p50).padStart(9)} ${fmt(s.p99).padStart(8)}`);
  console.log(`   floor agrees with the knowledge base on the top cause in ${agree}/${total} requests`);
  const vsFloor = floor.ops / ours.ops;
  const vsNaive = ours.ops / naive.ops;
  console.log(`   ours vs floor: ${vsFloor.toFixed(1)}x slower   (target: within 5x)  ${vsFloor <= 5 ? 'MET' : 'MISSED'}`);
  console.log(`   ours vs naive: ${vsNaive.toFixed(1)}x faster   (target: at least 10x) ${vsNaive >= 10 ? 'MET' : 'MISSED'}`);
  console.log(`   without the result cache (every request computed): ${(floor.ops / uncached.ops).toFixed(0)}x slower than the floor, ${(uncached.ops / naive.ops).toFixed(1)}x the naive rate`);
  console.log('   (the mix repeats, as retries and answered questions do; the default keeps the last 256 results per knowledge base)');
}

if (import.meta.url === `file://${process.argv[1]}`) printInProcess(await runInProcess());
