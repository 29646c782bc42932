// Benchmark 3: POST /v1/diagnose requests per second with autocannon on loopback, against a bare
// node:http server that reads each body and answers the same bytes our API gives for the mix. The
// headline sends distinct bodies (bench/mix.js uniqueRequest: no response cache can answer), in
// Markdown and with ?format=html; one labelled row repeats one body (response cache hits). Each
// server runs in its own process; bounded in time.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { fmt } from './_stats.js';
import { mix, uniqueRequest } from './mix.js';

export const targets = { md: 0.4, html: 0.25 };

async function start(kind) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./http-child.js', import.meta.url)), kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start`)), 30_000);
    child.stdout.once('data', (d) => {
      clearTimeout(timer);
      resolve(String(d).trim());
    });
  });
  return { child, url };
}

let counter = 0;
/** autocannon options: `distinct` numbers every body anew, else the mix's requests as they are, over and over. */
function options(url, path, distinct, duration) {
  return {
    url: `${url}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: 20,
    duration,
    requests: [
      {
        setupRequest: (req) => {
          const n = counter++;
          return { ...req, body: JSON.stringify(distinct ? uniqueRequest(mix[n % mix.length], n) : mix[n % mix.length]) };
        },
      },
    ],
  };
}

async function load(url, path, distinct, seconds) {
  await autocannon(options(url, path, distinct, 2)); // warm-up
  const r = await autocannon(options(url, path, distinct, seconds));
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

export async function runHttp(seconds = 8) {
  const out = {};
  for (const kind of ['bare', 'kb']) {
    const { child, url } = await start(kind);
    try {
      out[kind] = { md: await load(url, '/v1/diagnose', true, seconds), html: await load(url, '/v1/diagnose?format=html', true, seconds) };
      if (kind === 'kb') out.kb.hits = await load(url, '/v1/diagnose', false, seconds);
    } finally {
      child.kill();
    }
  }
  return out;
}

export function printHttp({ bare, kb }) {
  console.log('\n3. HTTP: POST /v1/diagnose, autocannon 20 connections on 127.0.0.1, the mix, distinct bodies');
  console.log('   server                                         req/s    p50 ms   p99 ms   errors');
  const row = (name, r) => console.log(`   ${name.padEnd(44)} ${fmt(r.rps).padStart(7)} ${fmt(r.p50).padStart(9)} ${fmt(r.p99).padStart(8)} ${String(r.errors).padStart(8)}`);
  row('bare node:http, same answer bytes', bare.md);
  row('kb serve, distinct bodies (computed)', kb.md);
  row('bare node:http, same answer bytes (html)', bare.html);
  row('kb serve ?format=html, distinct bodies', kb.html);
  row('kb serve, the mix repeated (cache hits)', kb.hits);
  const md = kb.md.rps / bare.md.rps;
  const html = kb.html.rps / bare.html.rps;
  const met = (ok) => (ok ? 'MET' : 'MISSED');
  console.log(`   distinct bodies: kb / bare ${(md * 100).toFixed(0)} % (target ≥ ${targets.md * 100} %) ${met(md >= targets.md)}`);
  console.log(`   ?format=html:    kb / bare ${(html * 100).toFixed(0)} % (target ≥ ${targets.html * 100} %) ${met(html >= targets.html)}`);
  console.log(`   cache hits:      kb / bare ${((kb.hits.rps / bare.md.rps) * 100).toFixed(0)} % (not a target: the response cache answers)`);
}

if (import.meta.url === `file://${process.argv[1]}`) printHttp(await runHttp());
