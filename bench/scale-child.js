// One size of the scale benchmark, in its own process so resident memory is measured cleanly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnose } from '../dist/engine/diagnose.js';
import { loadKnowledgeBase } from '../dist/engine/knowledge-base.js';
import { generateKb } from './generate-kb.js';
import { measure } from './_stats.js';

const causes = Number(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), `kb-scale-${causes}-`));
try {
  const { symptoms } = generateKb(dir, causes);
  const rssBefore = process.memoryUsage().rss;
  const t = performance.now();
  // Cache off: every request is computed, so latency shows the engine, not the result cache.
  const kb = loadKnowledgeBase(dir, { checkRegexSafety: false, cacheSize: 0 });
  const loadMs = performance.now() - t;
  const requests = [];
  for (let i = 0; i < 40; i++) {
    const s = (i * 7919) % symptoms;
    requests.push({ message: `Widget ${s} failed to synchronise`, facts: { [`f${i % 60}`]: i % 2 === 0, [`f${(i * 13) % 60}`]: true } });
  }
  const stats = await measure(requests, (r) => diagnose(kb, r), { rounds: 25, warmup: 2 });
  const first = await diagnose(kb, requests[0]);
  const rss = process.memoryUsage().rss;
  process.stdout.write(`${JSON.stringify({ causes, symptoms, loadMs, p50: stats.p50, p99: stats.p99, ops: stats.ops, rssMb: rss / 2 ** 20, rssBeforeMb: rssBefore / 2 ** 20, shown: first.causes.length })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
