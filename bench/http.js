// Benchmark 3: POST /v1/diagnose requests per second with autocannon on loopback, against a bare
// node:http server answering the same JSON bytes. Each server runs in its own process; bounded in time.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { fmt } from './_stats.js';

const body = { message: 'Nicht autorisiert', lang: 'de' };

async function start(kind) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./http-child.js', import.meta.url)), kind, JSON.stringify(body)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start`)), 30_000);
    child.stdout.once('data', (d) => {
      clearTimeout(timer);
      resolve(String(d).trim());
    });
  });
  return { child, url };
}

async function load(url, seconds) {
  const run = (duration) =>
    autocannon({ url: `${url}/v1/diagnose`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), connections: 20, duration });
  await run(2); // warm-up
  const r = await run(seconds);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

export async function runHttp(seconds = 8) {
  const out = {};
  for (const kind of ['bare', 'kb']) {
    const { child, url } = await start(kind);
    try {
      out[kind] = await load(url, seconds);
    } finally {
      child.kill();
    }
  }
  return out;
}

export function printHttp({ bare, kb }) {
  console.log('\n3. HTTP: POST /v1/diagnose, autocannon 20 connections on 127.0.0.1');
  console.log('   server                      req/s    p50 ms   p99 ms   errors');
  for (const [name, r] of [['bare node:http (fixed body)', bare], ['kb serve', kb]]) {
    console.log(`   ${name.padEnd(27)} ${fmt(r.rps).padStart(6)} ${fmt(r.p50).padStart(9)} ${fmt(r.p99).padStart(8)} ${String(r.errors).padStart(8)}`);
  }
  const ratio = kb.rps / bare.rps;
  console.log(`   kb / bare: ${(ratio * 100).toFixed(0)} % (target: at least 50 %) ${ratio >= 0.5 ? 'MET' : 'MISSED'}`);
}

if (import.meta.url === `file://${process.argv[1]}`) printHttp(await runHttp());
