import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../src/engine/diagnose.ts';
import { bundledKbDir, loadKnowledgeBase } from '../src/engine/knowledge-base.ts';
import { validateAgainst } from '../src/kb/schema-validator.ts';

const bin = join(bundledKbDir, 'bin', 'kb.js');
const exec = promisify(execFile);
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

async function kb(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

beforeAll(async () => {
  // The CLI runs the compiled dist/; npm test builds first. Fail clearly when it is missing.
  await exec(process.execPath, [bin, '--version'], { env });
});

describe('kb diagnose', () => {
  it('prints exactly the library result with --format json', async () => {
    const { code, stdout } = await kb(['diagnose', 'Nicht autorisiert', '--lang', 'de', '--fact', 'credentialsWorkInWebmail=nein', '--format', 'json']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    const expected = await diagnose(loadKnowledgeBase(), { message: 'Nicht autorisiert', lang: 'de', facts: { credentialsWorkInWebmail: 'nein' } });
    expect(printed).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(validateAgainst('diagnose-result', printed)).toEqual([]);
    expect(printed.causes[0]).toMatchObject({ id: 'credentials-wrong', status: 'confirmed' });
  });

  it('reads the request from standard input', async () => {
    const { code, stdout } = await kb(['diagnose', '--input', '-', '--format', 'json'], JSON.stringify({ message: 'Exchange-URL ist ungültig', facts: { url: 'https://mail.example.com/owa/' }, lang: 'de' }));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).causes[0]).toMatchObject({ id: 'url-not-ews-endpoint', status: 'confirmed' });
  });

  it('prints the ranked causes with guidance as text, in German', async () => {
    const { code, stdout } = await kb(['diagnose', 'Nicht autorisiert', '--lang', 'de']);
    expect(code).toBe(0);
    expect(stdout).toContain('Nicht autorisiert');
    expect(stdout).toMatch(/Was das bedeutet/);
    expect(stdout).toMatch(/Als Nächstes zu klären/);
  });

  it('answers a German message in German without --lang (the README quick start), and says why', async () => {
    const { code, stdout } = await kb(['diagnose', 'Nicht autorisiert']);
    expect(code).toBe(0);
    expect(stdout).toContain('Erkannte Meldung: Nicht autorisiert');
    expect(stdout).toContain('Auf Deutsch, in der Sprache der erkannten Meldung.');
    expect(stdout).toMatch(/Als Nächstes zu klären/);
    const json = JSON.parse((await kb(['diagnose', 'Nicht autorisiert', '--format', 'json'])).stdout);
    expect([json.lang, json.langSource]).toEqual(['de', 'message']);
    const chosen = JSON.parse((await kb(['diagnose', 'Nicht autorisiert', '--lang', 'en', '--format', 'json'])).stdout);
    expect([chosen.lang, chosen.langSource, chosen.symptom.title]).toEqual(['en', 'request', 'Unauthorized']);
  });

  it('asks in German when the message is German, without --lang', async () => {
    const r = await kb(['diagnose', 'Nicht autorisiert', '--interactive', '--format', 'md'], 'nein\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Antwort (leer zum Überspringen, q zum Beenden)');
    expect(r.stdout).toContain('Eine Ursache ist bestätigt.');
  });

  it.each([
    [['diagnose', '--fact', 'httpStatus=abc'], 2, 'FACT_INVALID'],
    [['diagnose', '--fact', 'novalue'], 2, 'REQUEST_INVALID'],
    [['diagnose', '--symptom', 'nope'], 2, 'SYMPTOM_UNKNOWN'],
    [['diagnose', '--lang', 'fr', 'x'], 2, ''],
    [['diagnose'], 2, 'REQUEST_INVALID'],
    [['diagnose', '--input', '/nonexistent/file.json'], 2, 'REQUEST_INVALID'],
    [['diagnose', 'x', '--kb', '/nonexistent'], 3, 'KB_INVALID'],
    [['show', 'no-such-id'], 4, 'NOT_FOUND'],
    [['nonsense'], 2, ''],
  ])('%j exits %i with a clear error and no stack trace', async (args, exit, code) => {
    const r = await kb(args);
    expect(r.code).toBe(exit);
    if (code) expect(r.stderr).toContain(code);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it.each([
    ['{"message": 1}', 'REQUEST_INVALID'],
    ['not json', 'REQUEST_INVALID'],
    ['[1,2]', 'REQUEST_INVALID'],
    ['\u0000\u0001\u0002binary', 'REQUEST_INVALID'],
  ])('bad standard input %j is %s', async (input, code) => {
    const r = await kb(['diagnose', '--input', '-'], input);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(code);
  });

  it('refuses more than 1 MB on standard input', async () => {
    const r = await kb(['diagnose', '--input', '-'], JSON.stringify({ message: 'x'.repeat(1_100_000) }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REQUEST_INVALID');
  });

  it('asks questions interactively with answers piped one per line', async () => {
    const r = await kb(['diagnose', 'Nicht autorisiert', '--lang', 'de', '--interactive', '--format', 'md'], 'nein\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\? .+\n/);
    expect(r.stdout).toContain('Eine Ursache ist bestätigt.');
    expect(r.stdout).toMatch(/1\. .+ — bestätigt/);
  });
});

describe('kb search, show, facts, lint', () => {
  it('finds a message with a typo', async () => {
    const r = await kb(['search', 'nciht', 'autorisiert', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].symptom).toBe('unauthorized');
  });
  it('shows a page in German', async () => {
    const r = await kb(['show', 'cert-name-mismatch', '--lang', 'de', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## So prüfen Sie es');
  });
  it('shows and previews a page with placeholders replaced by their fallback text', async () => {
    const shown = await kb(['show', 'url-not-ews-endpoint', '--format', 'md']);
    const preview = await kb(['preview', 'url-not-ews-endpoint']);
    for (const r of [shown, preview]) {
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('{{');
      expect(r.stdout).toContain('https://mail.example.com/EWS/Exchange.asmx');
    }
  });
  it('lists the fact catalogue', async () => {
    const r = await kb(['facts', '--format', 'json']);
    expect(JSON.parse(r.stdout).map((f: { id: string }) => f.id)).toContain('serverVersion');
  });
  it('lints the bundled knowledge base clean, as JSON too', async () => {
    const r = await kb(['lint', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ errors: 0 });
  });
  it('shows examples and exit codes in --help', async () => {
    const r = await kb(['diagnose', '--help']);
    const top = await kb(['--help']);
    expect(r.code).toBe(0);
    expect(top.stdout).toContain('Exit codes');
    expect(top.stdout).toContain('kb diagnose "Nicht autorisiert"');
  });
});
