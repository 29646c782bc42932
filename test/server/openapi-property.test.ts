import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { buildServer } from '../../src/server/index.ts';
import { type Mode, type Schema, SchemaArbitraries } from './_schema-arbitrary.ts';

/**
 * A Schemathesis-style run over the published document: requests generated from /openapi.json
 * itself, valid ones and broken ones. What ajv says the document allows must be answered 2xx, what
 * it refuses must be answered 4xx, every answer must match the schema documented for its status,
 * and none may be a 5xx. In-process (fastify inject) to keep thousands of requests quick.
 */
const runs = 6000;
const bodyLimit = 100 * 1024;
let app: FastifyInstance;
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: Schema;
}
interface Operation {
  readonly operationId: string;
  readonly parameters?: Parameter[];
  readonly requestBody?: { content: { 'application/json': { schema: Schema } } };
  readonly responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

beforeAll(async () => {
  app = await buildServer({ kb: loadKnowledgeBase(), logger: false, limits: { rateLimitMax: 0, feedbackRateLimitMax: 0, feedbackDb: ':memory:', bodyLimit } });
  doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
});
afterAll(async () => {
  await app.close();
});

test(`${runs} requests generated from /openapi.json: valid ones accepted, broken ones refused with 4xx, every answer as documented, never a 5xx`, async () => {
  // Bodies are checked as sent (strict); query and path parameters are text, coerced as the server does.
  const strict = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  const coercing = new Ajv2020({ strict: false, validateFormats: false, coerceTypes: true });
  for (const ajv of [strict, coercing]) ajv.addSchema({ $id: 'https://openapi.test/doc', components: doc.components });
  const compiled = new Map<string, ValidateFunction>();
  const validator = (ajv: Ajv2020, schema: Schema) => {
    const key = `${ajv === strict ? 's' : 'c'}${JSON.stringify(schema)}`;
    let v = compiled.get(key);
    if (!v) {
      v = ajv.compile({ $id: `https://openapi.test/check/${compiled.size}`, ...rebase(schema) });
      compiled.set(key, v);
    }
    return v;
  };
  const arbitraries = new SchemaArbitraries(doc.components.schemas);
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
  const seen = { valid: 0, invalid: 0, byStatus: new Map<number, number>(), byOperation: new Map<string, { valid: number; invalid: number }>() };

  // Operations that take input get most of the requests: a list without parameters has little to break.
  const weight = (op: Operation) => (op.requestBody ? 6 : 0) + (op.parameters?.length ?? 0) * 2 + 1;
  const request = fc.oneof(...operations.map((o) => ({ weight: weight(o.op), arbitrary: fc.constant(o) }))).chain(({ path, method, op }) =>
    fc.constantFrom<Mode>('valid', 'mixed').chain((mode) => {
      const params = (op.parameters ?? []).filter((p) => p.in !== 'header');
      const values = params.map((p) => (p.required ? arbitraries.of(p.schema, mode).map((v) => ({ v })) : fc.option(arbitraries.of(p.schema, mode).map((v) => ({ v })), { nil: undefined })));
      const body = op.requestBody
        ? fc.oneof({ weight: 20, arbitrary: arbitraries.of(op.requestBody.content['application/json'].schema, mode).map((v) => ({ json: v })) }, { weight: mode === 'mixed' ? 1 : 0, arbitrary: fc.constantFrom({ raw: '' }, { raw: '{"message":' }, { raw: 'null' }) })
        : fc.constant(undefined);
      return fc.record({ values: fc.tuple(...values), body }).map(({ values: vs, body: b }) => ({ path, method, op, params, vs, body: b }));
    }),
  );

  await fc.assert(
    fc.asyncProperty(request, async ({ path, method, op, params, vs, body }) => {
      let valid = true;
      let url = path;
      const query = new URLSearchParams();
      params.forEach((p, i) => {
        const given = vs[i] as { v: unknown } | undefined;
        if (!given) {
          if (p.required) valid = false;
          return;
        }
        // Parameters travel as text; a list or object has no place in one.
        const text = given.v !== null && typeof given.v === 'object' ? JSON.stringify(given.v) : String(given.v);
        if (!validator(coercing, p.schema)(text)) valid = false;
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(text));
        else query.set(p.name, text);
      });
      let payload: string | undefined;
      if (body && 'json' in body) {
        payload = JSON.stringify(body.json);
        if (!validator(strict, op.requestBody!.content['application/json'].schema)(body.json)) valid = false;
      } else if (body) {
        payload = body.raw;
        valid = false;
      }
      // The body limit is the one rule a JSON Schema cannot state (the document says it in words).
      fc.pre(payload === undefined || Buffer.byteLength(payload) <= bodyLimit);
      const qs = query.toString();
      const res = await app.inject({ method: method as 'GET', url: qs ? `${url}?${qs}` : url, ...(payload !== undefined ? { payload, headers: { 'content-type': 'application/json' } } : {}) });
      const what = `${method} ${url}?${qs} ${payload?.slice(0, 300) ?? ''} → ${res.statusCode} ${res.body.slice(0, 300)}`;
      seen[valid ? 'valid' : 'invalid']++;
      const counts = seen.byOperation.get(op.operationId) ?? { valid: 0, invalid: 0 };
      counts[valid ? 'valid' : 'invalid']++;
      seen.byOperation.set(op.operationId, counts);
      seen.byStatus.set(res.statusCode, (seen.byStatus.get(res.statusCode) ?? 0) + 1);
      expect(res.statusCode, what).toBeLessThan(500);
      if (valid) expect(res.statusCode, `valid request refused: ${what}`).toBeLessThan(300);
      else expect(res.statusCode, `broken request accepted: ${what}`).toBeGreaterThanOrEqual(400);
      const documented = op.responses[String(res.statusCode)] ?? op.responses[`${String(res.statusCode)[0]}XX`];
      expect(documented, `undocumented status: ${what}`).toBeDefined();
      const schema = documented!.content?.['application/json']?.schema;
      if (schema) {
        expect(res.headers['content-type'], what).toMatch(/^application\/json/);
        const check = validator(strict, schema);
        expect(check(res.json()), `${what}\n${JSON.stringify(check.errors?.slice(0, 3))}`).toBe(true);
      }
    }),
    // A fixed seed keeps the coverage figures below reproducible; PROPERTY_SEED explores others.
    { numRuns: runs, seed: Number(process.env['PROPERTY_SEED'] ?? 20261201) },
  );
  // Both kinds were exercised in earnest: every operation that takes input got valid and broken requests.
  expect(seen.valid).toBeGreaterThan(runs / 4);
  expect(seen.invalid).toBeGreaterThan(runs / 5);
  for (const { op } of operations) {
    const counts = seen.byOperation.get(op.operationId);
    expect(counts?.valid ?? 0, op.operationId).toBeGreaterThan(20);
    if (weight(op) > 1) expect(counts?.invalid ?? 0, op.operationId).toBeGreaterThan(20);
  }
  expect(seen.valid + seen.invalid).toBeGreaterThanOrEqual(5000);
}, 300_000);

/** A schema from the document with its local references pointed at the document registered in ajv. */
function rebase(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"https://openapi.test/doc#/components/')) as Schema;
}
