// Benchmark 5: hostile inputs within the limits. Each request is sent in-process (fastify inject, MCP
// over an in-memory stream pair) with the caches off: once to warm the code it reaches (printed as
// "first"), then three times; the slowest of the three is an upper bound on how long it held the
// event loop (nothing else runs meanwhile). Target: no input above 50 ms.
import { PassThrough } from 'node:stream';
import { loadKnowledgeBase } from '../dist/engine/knowledge-base.js';
import { createMcpServer, GuardedStdioTransport, defaultMessageLimits } from '../dist/mcp/index.js';
import { buildServer } from '../dist/server/index.js';
import { fmt } from './_stats.js';

export const targetMs = 50;

const rep = (s, n) => s.repeat(n);
const maxMessage = 20_000;
const fill = (unit) => rep(unit, Math.floor(maxMessage / unit.length));

/** Messages at the longest the schema allows, each built to hit one costly step. */
const messages = {
  'ligature ﬃ × 20,000 (NFKD: 3 letters each)': rep('ﬃ', maxMessage),
  'compatibility ㌖ U+3316 × 20,000 (NFKD: 6 letters each, one word)': rep('㌖', maxMessage),
  'U+FDFA × 20,000 (NFKD: 18 characters each)': rep('\uFDFA', maxMessage),
  'one word of 20,000 letters': rep('x', maxMessage),
  'one word of 20,000 digits': rep('7', maxMessage),
  '20,000 dots': rep('.', maxMessage),
  'a. × 10,000 (one dotted name)': fill('a.'),
  '20,000 @s': rep('@', maxMessage),
  'a@ × 10,000': fill('a@'),
  'URLs: http://a.b/ × 1,666': fill('http://a.b/ '),
  'scheme-like a+b.c- without :// × 3,333': fill('a+b.c-'),
  'host names: mail.example.com × 1,176': fill('mail.example.com '),
  '3,300 distinct words': Array.from({ length: 3300 }, (_, i) => `w${i}`).join(' ').slice(0, maxMessage),
  'known words misspelt, repeated': fill('nciht autorisirt verknuepfng '),
  'combining marks a + U+0301 × 10,000': fill('a\u0301'),
  'camelCase aB × 10,000': fill('aB'),
  'emoji × 10,000 (surrogate pairs)': rep('😀', 10_000),
  'backslashes × 20,000 (JSON-escaped: 40 kB)': rep('\\', maxMessage),
  'signal prefixes: (401) × 3,333': fill('(401) '),
  'signal prefixes: HTTP/1.1 × 2,222': fill('HTTP/1.1 '),
  'signal prefixes: Location: https:// + 19,980 letters': `Location: https://${rep('a', maxMessage - 18)}`,
  'signal prefixes: X-OWA-Version: 15. × 1,111': fill('X-OWA-Version: 15.'),
  'signal prefixes: Error × 4,000': fill('Error'),
  'signal prefixes: https:// /owa/auth/ × 1,000': fill('https://a/owa/auth/ '),
};

function unknownFacts(bytes) {
  const facts = {};
  for (let i = 0; JSON.stringify(facts).length < bytes; i++) facts[`madeUpFact${i}`] = true;
  return facts;
}

/** Bodies that stress the facts, the JSON reader and the schema check instead of the message. */
const bodies = {
  '4,000+ unknown fact names (95 kB)': { facts: unknownFacts(95_000) },
  'username built to backtrack: a@ + b. × 1,000 + @': { facts: { username: `a@${rep('b.', 1000)}@` } },
  'url of 2,048 characters: > × 2,047 + x': { facts: { url: `${rep('>', 2047)}x` } },
  'url of 2,048 characters: https:// + a. × 1,020': { facts: { url: `https://${rep('a.', 1020)}` } },
  'certNames: 400 wildcard names of 200 characters': { facts: { url: 'https://mail.example.com/', certNames: Array.from({ length: 400 }, (_, i) => `${rep('*.', 100)}${i}`) } },
  'certNames: 25,000 items (refused, over 500)': { facts: { certNames: Array.from({ length: 25_000 }, () => 'a') } },
  'redirectLocation: 2,048 slashes': { facts: { redirectLocation: `https://a${rep('/', 2039)}` } },
  'serverVersion: 100 characters of dots and digits': { facts: { serverVersion: rep('1.', 50) } },
  'every text fact at 2,000 characters, every list at 499 items': null, // filled in below from the catalogue
  'message ㌖ × 20,000 and 3,000 unknown facts': { message: rep('㌖', maxMessage), facts: unknownFacts(30_000) },
};

/** Raw bodies: JSON at and beyond the depth limit, one huge string. */
const raw = {
  'JSON nested 16 deep (the limit), 95 kB wide': `{"facts":{"x":${rep('[', 14)}${Array.from({ length: 30_000 }, () => '1').join(',')}${rep(']', 14)}}}`,
  'JSON nested 50,000 deep (refused)': rep('[', 50_000),
  'JSON string of 99,000 backslash escapes': `{"message":"${rep('\\u00e4', 16_000)}"}`,
};

async function time(fn) {
  const t0 = performance.now();
  let outcome = await fn();
  const first = performance.now() - t0;
  let worst = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    outcome = await fn();
    worst = Math.max(worst, performance.now() - t);
  }
  return { ms: worst, first, outcome };
}

/** A server with the caches off, as an attacker sending new bodies each time would see it. */
async function httpCases() {
  const app = await buildServer({ logger: false, limits: { rateLimitMax: 0, cacheSize: 0 } });
  const kb = app.kbHolder.current;
  const long = (f) => (f.type === 'string-list' ? rep('a,', 498) + 'a' : f.type === 'string' || f.type === 'url' ? rep('a.b/', 500) : undefined);
  bodies['every text fact at 2,000 characters, every list at 499 items'] = {
    facts: Object.fromEntries([...kb.data.facts.values()].filter((f) => f.source !== 'derived' && !f.options && long(f)).map((f) => [f.id, long(f)])),
  };
  const rows = [];
  const post = (payload, url = '/v1/diagnose') => app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
  await post(JSON.stringify({ message: 'warm-up' }));
  for (const [name, message] of Object.entries(messages)) {
    const payload = JSON.stringify({ message });
    const { ms, first, outcome } = await time(() => post(payload));
    rows.push({ where: 'HTTP', name, bytes: Buffer.byteLength(payload), ms, first, status: outcome.statusCode });
  }
  for (const [name, body] of Object.entries(bodies)) {
    const payload = JSON.stringify(body);
    const { ms, first, outcome } = await time(() => post(payload));
    rows.push({ where: 'HTTP', name, bytes: Buffer.byteLength(payload), ms, first, status: outcome.statusCode });
  }
  for (const [name, payload] of Object.entries(raw)) {
    const { ms, first, outcome } = await time(() => post(payload));
    rows.push({ where: 'HTTP', name, bytes: Buffer.byteLength(payload), ms, first, status: outcome.statusCode });
  }
  for (const [name, q] of Object.entries({ 'search ㌖ × 1,000': rep('㌖', 1000), 'search one word of 1,000 letters': rep('x', 1000), 'search 500 words': fill('ab ').slice(0, 1000) })) {
    const { ms, first, outcome } = await time(() => app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(q)}` }));
    rows.push({ where: 'HTTP', name, bytes: q.length, ms, first, status: outcome.statusCode });
  }
  // The same hostile body twice with the response cache on: the second is a cache hit.
  const cached = await buildServer({ logger: false, limits: { rateLimitMax: 0 } });
  const payload = JSON.stringify({ message: rep('㌖', maxMessage), facts: unknownFacts(30_000) });
  const send = () => cached.inject({ method: 'POST', url: '/v1/diagnose', headers: { 'content-type': 'application/json' }, payload });
  const first = performance.now();
  await send();
  const firstMs = performance.now() - first;
  const again = performance.now();
  await send();
  const againMs = performance.now() - again;
  await cached.close();
  await app.close();
  return { rows, cache: { firstMs, againMs } };
}

/** The MCP server on an in-memory stream pair, through the same transport `kb mcp` uses. */
async function mcpCases() {
  const kb = loadKnowledgeBase(undefined, { cacheSize: 0 });
  const server = createMcpServer(kb, { log: () => {} });
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  await server.connect(new GuardedStdioTransport(stdin, stdout, defaultMessageLimits, () => {}));
  let buffered = '';
  const waiting = new Map();
  stdout.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const reply = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      waiting.get(reply.id)?.(reply);
    }
  });
  let next = 1;
  const send = (line, id) => new Promise((resolve) => {
    waiting.set(id, resolve);
    stdin.write(line);
  });
  const request = (method, params) => {
    const id = next++;
    return send(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`, id);
  };
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '0' } });
  stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  const rows = [];
  const cases = {
    'diagnose ㌖ × 20,000': ['tools/call', { name: 'diagnose', arguments: { message: rep('㌖', maxMessage) } }],
    'diagnose one word of 20,000 letters': ['tools/call', { name: 'diagnose', arguments: { message: rep('x', maxMessage) } }],
    'search_errors ㌖ × 20,000': ['tools/call', { name: 'search_errors', arguments: { query: rep('㌖', maxMessage) } }],
    'diagnose 4,000+ unknown facts': ['tools/call', { name: 'diagnose', arguments: { facts: unknownFacts(95_000) } }],
  };
  for (const [name, [method, params]] of Object.entries(cases)) {
    const bytes = JSON.stringify(params).length;
    const { ms, first, outcome } = await time(() => request(method, params));
    rows.push({ where: 'MCP', name, bytes, ms, first, status: outcome.error ? `error ${outcome.error.code}` : outcome.result?.isError ? 'tool error' : 'ok' });
  }
  for (const [name, make] of Object.entries({
    'a 4 MB message (refused unread)': (id) => `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"diagnose","arguments":{"message":"${rep('x', 4 * 1024 * 1024)}"}},"id":${id}}\n`,
    'a message nested 50,000 deep (refused)': (id) => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":${rep('[', 50_000)}}\n`,
  })) {
    const { ms, first, outcome } = await time(() => {
      const id = next++;
      return send(make(id), id);
    });
    rows.push({ where: 'MCP', name, bytes: make(0).length, ms, first, status: outcome.error ? `error ${outcome.error.code}` : 'ok' });
  }
  stdin.end();
  await server.close();
  return rows;
}

export async function runHostile() {
  const http = await httpCases();
  const mcp = await mcpCases();
  return { rows: [...http.rows, ...mcp], cache: http.cache };
}

export function printHostile({ rows, cache }) {
  console.log(`\n5. Hostile inputs within the limits (caches off; slowest of 3; target: none above ${targetMs} ms)`);
  console.log('   where  input                                                            bytes   first ms      ms   answer');
  for (const r of [...rows].sort((a, b) => a.ms - b.ms)) {
    console.log(`   ${r.where.padEnd(6)} ${r.name.slice(0, 64).padEnd(64)} ${String(r.bytes).padStart(7)} ${fmt(r.first, 1).padStart(10)} ${fmt(r.ms, 1).padStart(7)}   ${r.status}`);
  }
  const worst = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
  const coldest = rows.reduce((a, b) => (b.first > a.first ? b : a));
  console.log(`   worst case: ${fmt(worst.ms, 1)} ms (${worst.where}: ${worst.name}) ${worst.ms <= targetMs ? 'MET' : 'MISSED'}`);
  console.log(`   slowest first time (code not yet optimised): ${fmt(coldest.first, 1)} ms (${coldest.where}: ${coldest.name})`);
  console.log(`   the same hostile body twice with the response cache on: ${fmt(cache.firstMs, 1)} ms, then ${fmt(cache.againMs, 2)} ms (a hit)`);
}

if (import.meta.url === `file://${process.argv[1]}`) printHostile(await runHostile());
