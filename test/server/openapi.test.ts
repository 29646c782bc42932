import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { startTestServer, type TestServer } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const kb = loadKnowledgeBase();
let server: TestServer;
let doc: {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: { $ref: string } }> }; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
let dir: string;

beforeAll(async () => {
  // With the rate limit on, as `kb serve` runs: 429 is part of the document.
  server = await startTestServer({ kb, limits: { rateLimitMax: 1000 } });
  doc = (await (await server.get('/openapi.json')).json()) as typeof doc;
  dir = mkdtempSync(join(tmpdir(), 'kb-openapi-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/openapi.json', () => {
  test('is OpenAPI 3.1 with every route and a server', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/openapi.json', '/readyz', '/v1/causes/{id}', '/v1/diagnose', '/v1/facts', '/v1/feedback', '/v1/feedback/stats', '/v1/search', '/v1/summary', '/v1/symptoms']);
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const op = doc.paths['/v1/diagnose']!['post']!;
    expect(op.requestBody!.content['application/json']!.schema.$ref).toBe('#/components/schemas/DiagnoseRequest');
    expect(op.responses['200']!.content!['application/json']!.schema.$ref).toBe('#/components/schemas/DiagnoseResult');
    expect(op.responses['4XX']!.content!['application/json']!.schema.$ref).toBe('#/components/schemas/ApiError');
  });

  test('is bundled: every reference is local and resolves, no $id or $schema is left, no component unused', () => {
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"\$(id|schema)"/);
    const refs = [...text.matchAll(/"\$ref":"([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      let node: unknown = doc;
      for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      expect(node, ref).toBeDefined();
    }
    const used = new Set(refs.map((r) => r.split('/')[3]));
    expect(Object.keys(doc.components.schemas).filter((name) => !used.has(name))).toEqual([]);
  });

  test('documents 429 on every rate-limited operation, with Retry-After', () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const limited = !['/healthz', '/readyz'].includes(path);
        expect(Object.hasOwn(op.responses, '429'), `${method} ${path}`).toBe(limited);
      }
    }
    expect(doc.paths['/v1/diagnose']!['post']!.responses['429']).toMatchObject({ headers: { 'retry-after': expect.any(Object) } });
  });

  test('lists the knowledge base: symptom ids, cause ids, fact names and their values', () => {
    const request = doc.components.schemas['DiagnoseRequest'] as { properties: Record<string, Record<string, unknown>> };
    expect(request.properties['symptom']!['enum']).toEqual(kb.data.symptoms.map((s) => s.id));
    expect(request.properties['facts']!['$ref']).toBe('#/components/schemas/InputFacts');
    const facts = doc.components.schemas['InputFacts'] as { properties: Record<string, { anyOf: Record<string, unknown>[] }> };
    const inputs = [...kb.data.facts.values()].filter((f) => f.source !== 'derived').map((f) => f.id);
    expect(Object.keys(facts.properties)).toEqual(inputs);
    expect(facts.properties['httpStatus']!.anyOf).toContainEqual({ type: 'integer', minimum: 100, maximum: 599 });
    expect(JSON.stringify(facts.properties['platform'])).toContain('exchange-online');
    const cause = doc.paths['/v1/causes/{id}']!['get']!.parameters!.find((p) => p.in === 'path')!;
    expect(cause.schema['enum']).toEqual(kb.data.causes.map((c) => c.id));
  });

  test('the cases the issue found are accepted: a symptom id, a schema-valid fact value', async () => {
    expect((await server.post('/v1/diagnose', { symptom: 'unauthorized' })).status).toBe(200);
    expect((await server.post('/v1/diagnose', { facts: { httpStatus: '401', twoFactorEnabled: 'ja' } })).status).toBe(200);
    // What the published schema refuses, the server refuses too.
    expect((await server.post('/v1/diagnose', { symptom: 'a' })).status).toBe(400);
    expect((await server.post('/v1/diagnose', { facts: { httpStatus: 'abc' } })).status).toBe(400);
  });

  test('Redocly lint (recommended rules) finds no error and no warning', () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = spawnSync(process.execPath, [join(root, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--format=json', '--config', join(root, 'redocly.yaml')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      // No telemetry and no update check: the test talks to nothing but this machine.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    const report = JSON.parse(r.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(r.status).toBe(0);
  }, 60_000);

  test('a second validator (@seriousme/openapi-schema-validator) accepts it', async () => {
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

describe('errors before a route runs', () => {
  const securityHeaders = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

  test('a wrong method is 405 METHOD_NOT_ALLOWED with Allow; an unknown path stays 404', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/v1/diagnose', 'POST'],
      ['GET', '/v1/diagnose', 'POST'],
      ['DELETE', '/v1/causes/cert-name-mismatch', 'GET, HEAD'],
      ['POST', '/v1/symptoms', 'GET, HEAD'],
      ['PATCH', '/openapi.json', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(server.url + path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(await res.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED', requestId: expect.any(String) });
      for (const [h, v] of Object.entries(securityHeaders)) expect(res.headers.get(h)).toBe(v);
    }
    const missing = await fetch(`${server.url}/v1/nothing`, { method: 'PUT' });
    expect(missing.status).toBe(404);
  });

  /** Sends raw bytes and reads the whole answer (the server closes the connection after an error). */
  const raw = (text: string) =>
    new Promise<{ status: number; headers: Record<string, string>; body: string }>((resolve, reject) => {
      const { port } = new URL(server.url);
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
      let out = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (out += d));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = out.split('\r\n\r\n');
        const [line = '', ...lines] = head.split('\r\n');
        resolve({ status: Number(line.split(' ')[1]), headers: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])), body });
      });
    });

  test.each([
    ['a malformed header', 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a malformed request line', 'GET /healthz HTTP/9\r\n\r\n', 400, 'BAD_REQUEST'],
    ['headers over the size limit', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
  ])('%s: the API error shape with the security headers', async (_name, text, status, code) => {
    const res = await raw(text);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    for (const [h, v] of Object.entries(securityHeaders)) expect(res.headers[h]).toBe(v);
    expect(JSON.parse(res.body)).toEqual({ code, message: expect.any(String), requestId: expect.any(String) });
  });

  test('a bad URL and a body over the limit: the API error shape with the security headers', async () => {
    const bad = await server.get('/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BAD_REQUEST' });
    expect(bad.headers.get('x-frame-options')).toBe('DENY');
    const big = await server.post('/v1/diagnose', { message: 'x'.repeat(200_000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'BODY_TOO_LARGE', requestId: expect.any(String) });
    expect(big.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
