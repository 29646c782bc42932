// Accuracy on real error reports, reported like a benchmark: `npm run eval` (after a build).
//   node scripts/eval.js [--json] [--failures] [--holdout-failures] [--journeys] [--kb DIR]
// Reads test/corpus/real/*.yaml (real reports with their sources) and test/corpus/journeys/journeys.yaml
// (support cases played question by question), prints the figures per corpus and overall, the
// dev/holdout split, a per-cause table and the question figures, with the date and the command.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase } from '../dist/engine/knowledge-base.js';
import { evaluateCorpus, rates, readJourneys, readReports, splitOf } from '../dist/testing/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const goals = { top1: 0.9, top3: 0.98, confirmedPrecision: 0.98, unknownConfirmed: 0.1, meanQuestions: 2 };

/** Runs the whole evaluation on the repository's corpus (the CI floor test runs the same from src/). */
export async function evaluate({ kb = loadKnowledgeBase(undefined, { cacheSize: 0 }) } = {}) {
  const corpora = readReports(join(root, 'test/corpus/real'), 'test/corpus/real');
  const journeys = readJourneys(join(root, 'test/corpus/journeys/journeys.yaml'), 'test/corpus/journeys/journeys.yaml');
  return evaluateCorpus(kb, corpora, journeys, splitOf);
}

const pct = (x) => (Number.isNaN(x) ? '   –  ' : `${(100 * x).toFixed(1).padStart(5)} %`);

function row(name, f) {
  const r = rates(f);
  return [name.padEnd(14), String(f.reports).padStart(7), String(f.known).padStart(6), pct(r.top1), pct(r.top3), `${String(f.confirmedRight).padStart(4)}/${String(f.confirmed).padEnd(4)}`, pct(r.confirmedPrecision), `${String(f.unknownConfirmed).padStart(3)}/${String(f.unknown).padEnd(3)}`, pct(r.unknownConfirmed), pct(r.unclear)].join('  ');
}

const usage = `usage: npm run eval -- [--failures] [--holdout-failures] [--journeys] [--json] [--kb DIR]
  --failures          list dev reports whose cause is not first or that are confirmed wrongly
  --holdout-failures  the same including held-out reports (for release notes, not for tuning)
  --journeys          every support case question by question (failed ones are always listed)
  --json              the figures as JSON
  --kb DIR            evaluate another knowledge base (default: the bundled one)`;

async function main() {
  const argv = process.argv.slice(2);
  const args = new Set(argv);
  if (args.has('--help') || args.has('-h')) {
    console.log(usage);
    return;
  }
  const kbAt = argv.indexOf('--kb');
  const known = new Set(['--json', '--failures', '--holdout-failures', '--journeys', '--kb']);
  const wrong = argv.find((a, i) => a.startsWith('-') && !known.has(a) && !(i === kbAt + 1 && kbAt >= 0));
  if (wrong || (kbAt >= 0 && !argv[kbAt + 1])) {
    console.error(wrong ? `eval: unknown option ${wrong}` : 'eval: --kb needs a directory');
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  const started = new Date();
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}`;
  const command = `npm run eval${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const e = await evaluate(kbAt >= 0 ? { kb: loadKnowledgeBase(argv[kbAt + 1], { cacheSize: 0 }) } : {});
  if (args.has('--json')) {
    const plain = (m) => Object.fromEntries(m);
    console.log(JSON.stringify({ date: started.toISOString(), node: process.version, machine, command, overall: e.overall, reportsOnly: e.reportsOnly, byCorpus: plain(e.byCorpus), bySplit: plain(e.bySplit), byLang: plain(e.byLang), journeys: { ...e.journeys, played: undefined } }, null, 2));
    return;
  }
  console.log(`Accuracy on real reports · ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC · node ${process.version} · ${machine} · command: ${command}`);
  console.log('');
  console.log(['corpus'.padEnd(14), 'entries'.padStart(7), 'known'.padStart(6), ' top-1 ', ' top-3 ', 'confirmed', 'precision', 'unk conf', ' unk %  ', 'unclear'].join('  '));
  for (const [name, f] of e.byCorpus) console.log(row(name, f));
  console.log(row('all', e.overall));
  console.log(row('reports only', e.reportsOnly));
  for (const [name, f] of e.bySplit) console.log(row(`split ${name}`, f));
  for (const [name, f] of e.byLang) console.log(row(`lang ${name}`, f));
  console.log('');
  console.log('top-1/top-3: share of reports with a known cause whose cause ranks first / in the first three;');
  console.log('confirmed: right/all reports whose top cause is confirmed; unk conf: unknown-cause reports confirmed anyway.');
  console.log('');
  console.log('per cause'.padEnd(36) + 'n'.padStart(4) + '  top-1  top-3  confirmed right  confirmed wrongly as this');
  const causes = [...new Set(e.outcomes.map((o) => o.cause).filter(Boolean))].sort();
  for (const c of causes) {
    const mine = e.outcomes.filter((o) => o.cause === c);
    const t1 = mine.filter((o) => o.top === c).length;
    const t3 = mine.filter((o) => o.top3.includes(c)).length;
    const right = mine.filter((o) => o.confirmed && o.top === c).length;
    const wrong = e.outcomes.filter((o) => o.confirmed && o.top === c && o.cause !== c).length;
    console.log(`${c.padEnd(36)}${String(mine.length).padStart(4)}  ${String(t1).padStart(5)}  ${String(t3).padStart(5)}  ${String(right).padStart(15)}  ${String(wrong).padStart(10)}`);
  }
  const j = e.journeys;
  console.log('');
  console.log(`questions (test/corpus/journeys/journeys.yaml, ${j.cases} cases from the CRM's bare message): solved ${j.solved}/${j.cases}; questions to a person: mean ${j.meanQuestions.toFixed(2)}, max ${j.maxQuestions}; mean cost ${j.meanCost.toFixed(2)} (user 1, IT 3); probe runs ${j.probeRuns} (each reads every probe fact at once); stopped before a confirmation ${j.stoppedEarly}`);
  const r = rates(e.reportsOnly);
  console.log('');
  console.log(`goals on real reports: top-1 ${pct(r.top1)} (≥ 90 %), top-3 ${pct(r.top3)} (≥ 98 %), confirmed right ${pct(r.confirmedPrecision)} (≥ 98 %), unknown-cause confirmed ${pct(r.unknownConfirmed)} (≤ 10 %), mean questions ${j.meanQuestions.toFixed(2)} (≤ 2)`);
  const showAll = args.has('--holdout-failures');
  if (args.has('--failures') || showAll) {
    console.log('');
    for (const o of e.outcomes) {
      if (o.split === 'holdout' && !showAll) continue;
      const bad = o.cause ? o.top !== o.cause || (o.confirmed && o.top !== o.cause) : o.confirmed;
      if (bad) console.log(`${o.corpus}/${o.id} [${o.split}] expected ${o.cause ?? `(unknown: ${o.unknownCause})`} got ${o.top ?? '-'} ${o.topStatus ?? ''} top3=${o.top3.join(',')}${o.error ? ` ERROR ${o.error}` : ''}`);
    }
  }
  if (args.has('--failures') || showAll || args.has('--journeys')) {
    for (const p of j.played) if (!p.solved || args.has('--journeys')) console.log(`journey ${p.solved ? 'ok' : 'FAILED'} ${p.name}: expected ${p.cause} got ${p.top} ${p.topStatus} after ${p.asked.join(' → ') || 'no questions'}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main().catch((err) => {
    // A broken knowledge base or corpus is the writer's to fix: its located message, no stack.
    console.error(`eval: ${err?.message ?? err}`);
    process.exitCode = 1;
  });
}
