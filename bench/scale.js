// Benchmark 2: generated knowledge bases of 100, 1,000 and 10,000 causes: load-and-lint time,
// resident memory and diagnose latency; the diagnosis cost should follow the matched symptom's causes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt } from './_stats.js';

export function runScale(sizes = [100, 1000, 10000]) {
  const child = fileURLToPath(new URL('./scale-child.js', import.meta.url));
  return sizes.map((n) => JSON.parse(execFileSync(process.execPath, [child, String(n)], { encoding: 'utf8', timeout: 300_000 })));
}

export function printScale(rows) {
  console.log('\n2. Scale: generated knowledge bases (20 causes per symptom, 60 facts; request = a symptom message + 2 facts; computed, cache off)');
  console.log('   causes  symptoms  load+lint ms   RSS MB   diagnose p50 ms   p99 ms');
  for (const r of rows) {
    console.log(`   ${String(r.causes).padStart(6)} ${String(r.symptoms).padStart(9)} ${fmt(r.loadMs).padStart(13)} ${fmt(r.rssMb).padStart(8)} ${fmt(r.p50).padStart(17)} ${fmt(r.p99).padStart(8)}`);
  }
  const big = rows.find((r) => r.causes === 10000);
  if (big) {
    console.log(`   at 10,000 causes: load ${fmt(big.loadMs / 1000)} s (target < 3 s) ${big.loadMs < 3000 ? 'MET' : 'MISSED'}; diagnose p99 ${fmt(big.p99)} ms (target ≤ 2 ms) ${big.p99 <= 2 ? 'MET' : 'MISSED'}; RSS ${fmt(big.rssMb)} MB (target < 300 MB) ${big.rssMb < 300 ? 'MET' : 'MISSED'}`);
    const small = rows[0];
    console.log(`   p50 growth from ${small.causes} to 10,000 causes: ${(big.p50 / small.p50).toFixed(1)}x (flat = cost follows the matched symptom)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printScale(runScale());
