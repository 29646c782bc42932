// Benchmark 1: diagnoses per second and latency on the bundled knowledge base. The headline is the
// computed path: the result cache off and every request unique (bench/mix.js uniqueRequest), against
// naive json-rules-engine use (a new engine with all rules per request) and the floor (a hand-written
// function) on the same requests. Cache hits (the mix repeated, the default cache on) are a row of their own.
import { Engine } from 'json-rules-engine';
import { diagnose } from '../dist/engine/diagnose.js';
import { loadKnowledgeBase } from '../dist/engine/knowledge-base.js';
import { deriveFacts } from '../dist/facts/derive.js';
import { customOperators } from '../dist/facts/operators.js';
import { handDiagnose } from './hand-written.js';
import { mix, uniqueRequests } from './mix.js';
import { fmt, measure } from './_stats.js';

export const targets = { p50: 0.15, p99: 1, vsNaive: 2 };

/** What a first integration would do: build an engine with every rule for each request, run it
 * two-valued (undefined facts count as false) and take the successful rule with the best prior. */
export function naiveDiagnose(kb) {
  return async (r) => {
    const engine = new Engine([], { allowUndefinedFacts: true });
    for (const [name, fn] of Object.entries(customOperators)) engine.addOperator(name, fn);
    for (const c of kb.data.causes) engine.addRule({ name: c.id, conditions: c.conditions, event: { type: c.id }, priority: Math.max(1, Math.round(c.prior * 100)) });
    const recognition = r.message ? kb.recognizer.recognize(r.message) : null;
    const facts = { ...(r.facts ?? {}), ...(r.observed ?? {}) };
    for (const e of recognition?.extracted ?? []) facts[e.fact] ??= e.raw;
    const { results } = await engine.run({ ...facts, ...deriveFacts(kb.data.facts.values(), facts) });
    return results[0]?.name;
  };
}

export async function runInProcess({ rounds = 200, warmup = 5000 } = {}) {
  const n = rounds * mix.length;
  const cold = loadKnowledgeBase(undefined, { cacheSize: 0 });
  // Every request computed afresh: the result cache off, and no request seen before. First as a
  // process starts (the JIT still compiling and re-optimising: the first seconds of a server), then
  // after `warmup` other unique requests (how a running server answers).
  const first = await measure(uniqueRequests(5_000_000, n), (r) => diagnose(cold, r), { rounds: 1, warmup: 0 });
  const run = async (list, fn) => {
    for (const r of uniqueRequests(0, warmup)) await fn(r);
    return measure(list, fn, { rounds: 1, warmup: 0 });
  };
  const computed = await run(uniqueRequests(1_000_000, n), (r) => diagnose(cold, r));
  const naive = await run(uniqueRequests(2_000_000, Math.ceil(n / 4)), naiveDiagnose(cold));
  const floor = await run(uniqueRequests(3_000_000, n), (r) => handDiagnose(r));
  // Cache hits: the fixed mix repeated with the default result cache (retries, a question answered back and forth).
  const kb = loadKnowledgeBase();
  const hits = await measure(mix, (r) => diagnose(kb, r), { rounds: rounds * 5 });
  // How often the floor makes the same decision as the knowledge base, and whether unique requests
  // rank as their mix request does (the numbering changes nothing the diagnosis reads).
  let agree = 0;
  let same = 0;
  const unique = uniqueRequests(4_000_000, mix.length);
  for (const [i, r] of mix.entries()) {
    const result = await diagnose(cold, r);
    if (result.causes[0]?.id === handDiagnose(r).top) agree++;
    const u = await diagnose(cold, unique[i]);
    if (u.causes.map((c) => `${c.id}:${c.status}`).join() === result.causes.map((c) => `${c.id}:${c.status}`).join()) same++;
  }
  return { first, computed, naive, floor, hits, agree, same, total: mix.length, warmup };
}

export function printInProcess({ first, computed, naive, floor, hits, agree, same, total, warmup }) {
  console.log(`\n1. In-process, bundled knowledge base, mix of ${total} requests (message / facts / both)`);
  console.log('   implementation                                   diag/s     p50 ms   p99 ms        n');
  const row = (name, s) => console.log(`   ${name.padEnd(46)} ${fmt(s.ops).padStart(9)} ${fmt(s.p50).padStart(9)} ${fmt(s.p99).padStart(8)} ${String(s.n).padStart(8)}`);
  row('kb diagnose(), computed (cache off, unique)', computed);
  row('  the same, first requests of the process', first);
  row('naive json-rules-engine (same requests)', naive);
  row('hand-written floor (same requests)', floor);
  row('kb diagnose(), cache hits (mix repeated)', hits);
  console.log(`   computed rows after ${warmup} other unique requests each (JIT settled); the first row of requests as the process starts`);
  console.log(`   unique requests rank as their mix request in ${same}/${total}; the floor agrees on the top cause in ${agree}/${total}`);
  const vsNaive = naive.p50 / computed.p50;
  const met = (ok) => (ok ? 'MET' : 'MISSED');
  console.log(`   computed p50 ${fmt(computed.p50)} ms (target ≤ ${targets.p50} ms) ${met(computed.p50 <= targets.p50)}; p99 ${fmt(computed.p99)} ms (target ≤ ${targets.p99} ms) ${met(computed.p99 <= targets.p99)}`);
  const vsRate = computed.ops / naive.ops;
  console.log(`   computed vs naive: p50 ${vsNaive.toFixed(1)}x faster, rate ${vsRate.toFixed(1)}x (target ≥ ${targets.vsNaive}x) p50 ${met(vsNaive >= targets.vsNaive)}, rate ${met(vsRate >= targets.vsNaive)}`);
  console.log(`   computed vs floor: ${(floor.ops / computed.ops).toFixed(0)}x slower (the floor has no knowledge base, explanations or questions)`);
  console.log(`   cache hits: ${(hits.ops / computed.ops).toFixed(0)}x the computed rate (the default keeps the last 256 results per knowledge base)`);
}

if (import.meta.url === `file://${process.argv[1]}`) printInProcess(await runInProcess());
