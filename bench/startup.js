// Benchmark 4: a whole `kb diagnose "Nicht autorisiert" --format json` process against `node -e 0`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt } from './_stats.js';

function median(cmd, args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function runStartup(runs = 15) {
  const bin = fileURLToPath(new URL('../bin/kb.js', import.meta.url));
  median(process.execPath, [bin, 'diagnose', 'Nicht autorisiert', '--format', 'json'], 2); // warm the disk cache
  const node = median(process.execPath, ['-e', '0'], runs);
  const kb = median(process.execPath, [bin, 'diagnose', 'Nicht autorisiert', '--format', 'json'], runs);
  return { node, kb, runs };
}

export function printStartup({ node, kb, runs }) {
  const ratio = kb / node;
  console.log(`\n4. Start-up (median of ${runs} processes)`);
  console.log(`   node -e 0                                         ${fmt(node).padStart(7)} ms`);
  console.log(`   kb diagnose "Nicht autorisiert" --format json     ${fmt(kb).padStart(7)} ms`);
  console.log(`   ratio ${ratio.toFixed(1)}x (target: at most 4x) ${ratio <= 4 ? 'MET' : 'MISSED'}`);
}

if (import.meta.url === `file://${process.argv[1]}`) printStartup(runStartup());
