import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { bundledKbDir } from '../../src/engine/knowledge-base.ts';
import { saveByRename } from '../_support/save.ts';
import { startTestServer, type TestServer } from './helpers.ts';

interface Readiness {
  status: 'ready' | 'stale';
  kb: { generation: number };
  watching: boolean;
  lastReload: { ok: boolean; errors: { code: string; file: string; line: number; col: number; message: string }[] } | null;
}

let dir: string;
let server: TestServer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kb-reload-'));
  cpSync(join(bundledKbDir, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(bundledKbDir, 'content'), join(dir, 'content'), { recursive: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const symptomsFile = () => join(dir, 'rules', 'symptoms.yaml');
const breakSymptoms = () => writeFileSync(symptomsFile(), `${readFileSync(symptomsFile(), 'utf8')}\n  - id: broken\n    title: { en: [unclosed\n`);
const retitle = (title: string) =>
  writeFileSync(symptomsFile(), readFileSync(symptomsFile(), 'utf8').replace('title: { en: Unauthorized, de: Nicht autorisiert }', `title: { en: ${title}, de: Nicht autorisiert }`));

async function titleOfUnauthorized(s: TestServer): Promise<string> {
  const res = await s.post('/v1/diagnose', { message: 'Unauthorized', lang: 'en' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { symptom: { title: string } }).symptom.title;
}

async function readiness(s: TestServer): Promise<Readiness> {
  const res = await s.get('/readyz');
  expect(res.status).toBe(200);
  return (await res.json()) as Readiness;
}

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a broken edit keeps the last good knowledge base serving; /readyz shows the lint errors', async () => {
  server = await startTestServer({ kbDir: dir });
  expect(await titleOfUnauthorized(server)).toBe('Unauthorized');

  retitle('Unauthorized (edited)');
  const good = server.app.kbHolder.reload();
  expect(good.ok).toBe(true);
  expect(await titleOfUnauthorized(server)).toBe('Unauthorized (edited)');
  expect((await readiness(server)).kb.generation).toBe(2);

  breakSymptoms();
  const bad = server.app.kbHolder.reload();
  expect(bad.ok).toBe(false);
  // Still the last good one.
  expect(await titleOfUnauthorized(server)).toBe('Unauthorized (edited)');
  const ready = await readiness(server);
  expect(ready.status).toBe('stale');
  expect(ready.kb.generation).toBe(2);
  expect(ready.lastReload?.ok).toBe(false);
  expect(ready.lastReload?.errors.length).toBeGreaterThan(0);
  expect(ready.lastReload?.errors[0]).toMatchObject({ file: 'rules/symptoms.yaml' });
  expect(ready.lastReload?.errors[0]!.line).toBeGreaterThan(1);
  // Every route still answers from the good one.
  expect((await server.get('/v1/symptoms')).status).toBe(200);
  expect((await server.get('/v1/search?q=unauthorized')).status).toBe(200);
});

test('--watch reloads on change, survives a broken edit, and recovers when it is fixed', async () => {
  const logLines: string[] = [];
  const { Writable } = await import('node:stream');
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  server = await startTestServer({ kbDir: dir, watch: true, logger: { level: 'info', stream } });
  expect((await readiness(server)).watching).toBe(true);

  const original = readFileSync(symptomsFile(), 'utf8');
  breakSymptoms();
  const stale = await until(() => readiness(server!), (r) => r.status === 'stale');
  expect(stale.status).toBe('stale');
  expect(stale.lastReload?.errors.some((e) => e.file === 'rules/symptoms.yaml')).toBe(true);
  expect(await titleOfUnauthorized(server)).toBe('Unauthorized');
  const failure = logLines.map((l) => JSON.parse(l) as { level: number; msg: string; errors?: string[] }).find((l) => l.msg.includes('reload failed'));
  expect(failure?.level).toBe(50);
  expect(failure?.errors?.[0]).toMatch(/rules\/symptoms\.yaml:\d+:\d+/);

  writeFileSync(symptomsFile(), original.replace('title: { en: Unauthorized, de: Nicht autorisiert }', 'title: { en: Unauthorized (watched), de: Nicht autorisiert }'));
  const ready = await until(() => readiness(server!), (r) => r.status === 'ready' && r.kb.generation >= 2);
  expect(ready.status).toBe('ready');
  expect(await titleOfUnauthorized(server)).toBe('Unauthorized (watched)');
});

test('--watch follows saves by rename (vim, sed -i, mv): broken, then fixed, then broken again, each seen in /readyz', async () => {
  server = await startTestServer({ kbDir: dir, watch: true });
  const original = readFileSync(symptomsFile(), 'utf8');
  const broken = `${original}\n  - id: broken\n    title: { en: [unclosed\n`;

  saveByRename(symptomsFile(), broken);
  const stale = await until(() => readiness(server!), (r) => r.status === 'stale');
  expect(stale.status).toBe('stale');
  expect(stale.lastReload?.errors[0]).toMatchObject({ code: 'KB_YAML_SYNTAX', file: 'rules/symptoms.yaml' });

  saveByRename(symptomsFile(), original.replace('title: { en: Unauthorized, de: Nicht autorisiert }', 'title: { en: Unauthorized (renamed in), de: Nicht autorisiert }'), dir);
  const ready = await until(() => readiness(server!), (r) => r.status === 'ready');
  expect(ready.status).toBe('ready');
  expect(ready.kb.generation).toBe(2);
  expect(await titleOfUnauthorized(server)).toBe('Unauthorized (renamed in)');

  saveByRename(symptomsFile(), broken);
  expect((await until(() => readiness(server!), (r) => r.status === 'stale')).status).toBe('stale');
}, 30_000);
