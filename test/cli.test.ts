import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../src/engine/diagnose.ts';
import { bundledKbDir, loadKnowledgeBase } from '../src/engine/knowledge-base.ts';
import { validateAgainst } from '../src/kb/schema-validator.ts';
import { colorEnabled } from '../src/cli/_terminal.ts';
import { copyKb } from './kb/_fixture.ts';
import { findProgram, requireService } from './_support/services.ts';
import { kbBin, runKb } from './_support/cli.ts';

const bin = kbBin;
const exec = promisify(execFile);
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

const kb = (args: string[], input?: string | Buffer, extraEnv: Record<string, string> = {}) => runKb(args, { input: input ?? '', env: extraEnv });

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
    expect(r.stdout).toContain('Antwort (leer: weiß ich nicht, q zum Beenden)');
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
  it('finds a message with a typo, one row per symptom, in the language typed', async () => {
    const r = await kb(['search', 'nciht', 'autorisiert', '--format', 'json']);
    expect(r.code).toBe(0);
    const { hits, lang } = JSON.parse(r.stdout);
    expect(lang).toBe('de');
    expect(hits[0]).toMatchObject({ kind: 'symptom', id: 'unauthorized', relevance: 1 });
    const keys = hits.map((h: { kind: string; id: string }) => `${h.kind}:${h.id}`);
    expect(keys.length).toBe(new Set(keys).size);
  });
  it('searches the causes\' titles and summaries too, with a readable relevance', async () => {
    const json = JSON.parse((await kb(['search', 'certificate', '--format', 'json'])).stdout);
    expect(json.hits.map((h: { id: string }) => h.id)).toEqual(expect.arrayContaining(['cert-name-mismatch', 'cert-untrusted-or-expired']));
    for (const h of json.hits) expect(h.kind).toBe('cause');
    const text = (await kb(['search', 'certificate'])).stdout;
    expect(text).toMatch(/^100 % {2}.+ {2}cause cert-/m);
    expect(text).not.toMatch(/\d\.\d{3}/); // no raw scores
    const unauthorized = (await kb(['search', 'unauthorized'])).stdout.split('\n').filter((l) => /symptom unauthorized/.test(l));
    expect(unauthorized).toHaveLength(1);
    expect((await kb(['search', '\u202e\u200b((((a+)+)+)+$'])).code).toBe(0);
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
  it('lists the fact catalogue with questions and allowed values, as the API does in JSON', async () => {
    const r = await kb(['facts', '--format', 'json']);
    const list = JSON.parse(r.stdout);
    expect(list.lang).toBe('en');
    for (const f of list.facts) expect(Object.keys(f)).toEqual(expect.arrayContaining(['id', 'type', 'source', 'cost', 'description', 'options', 'causes']));
    expect(list.facts.find((f: { id: string }) => f.id === 'platform').options.map((o: { value: string }) => o.value)).toEqual(['on-premises', 'exchange-online']);
    expect(list.facts.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['serverVersion', 'suggestedEwsUrl']));
    const text = (await kb(['facts'])).stdout;
    const platform = text.slice(text.indexOf('platform '), text.indexOf('\n\n', text.indexOf('platform ')));
    expect(platform).toContain('Question: Is the mailbox on your own Exchange server or in Exchange Online');
    expect(platform).toMatch(/Values: one of on-premises \(.+\), exchange-online/);
    expect(text).toMatch(/httpStatus .+\n.+\n.+\n  Values: a whole number from 100 to 599/);
    expect(text).toMatch(/credentialsWorkInWebmail .+\n.+\n.+\n  Values: yes or no/);
    const de = (await kb(['facts', '--lang', 'de'])).stdout;
    expect(de).toContain('Frage: ');
    expect(de).toContain('Werte: ja oder nein');
  });
  it('lints the bundled knowledge base clean, as JSON too', async () => {
    const r = await kb(['lint', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ errors: 0 });
  });
  it('says where kb preview --html wrote the page, and refuses a folder that does not exist', async () => {
    const copy = copyKb();
    try {
      const file = join(copy.dir, 'page.html');
      const r = await kb(['preview', 'cert-name-mismatch', '--lang', 'de', '--html', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(file);
      const bad = await kb(['preview', 'cert-name-mismatch', '--html', join(copy.dir, 'no', 'such', 'page.html')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/REQUEST_INVALID: Cannot write .+ENOENT/);
      const typo = await kb(['preview', 'cert-name-mismatc']);
      expect(typo.code).toBe(4);
      expect(typo.stderr).toContain('Did you mean "cert-name-mismatch"?');
    } finally {
      copy.cleanup();
    }
  });
  it('kb lint on a folder that is not a knowledge base says so and names the one that is', async () => {
    const r = await kb(['lint', join(bundledKbDir, 'rules')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('KB_NOT_A_KB');
    expect(r.stdout).toContain(`The knowledge base is ${bundledKbDir}`);
    expect(r.stdout).not.toContain('KB_MISSING_FILE');
  });
  it('kb test on a knowledge base with lint errors says they block the tests', async () => {
    const copy = copyKb();
    try {
      copy.edit('rules/causes/auth.yaml', '    prior: 0.4\n', '    prior: 1.5\n');
      const r = await kb(['test', copy.dir]);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('KB_SCHEMA');
      expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/No rule test ran: the knowledge base has 1 lint error\(s\).+block the tests/);
      expect(r.stdout).not.toMatch(/\d+ passed, \d+ failed/);
    } finally {
      copy.cleanup();
    }
  });
  it('shows examples and exit codes in --help', async () => {
    const r = await kb(['diagnose', '--help']);
    const top = await kb(['--help']);
    expect(r.code).toBe(0);
    expect(top.stdout).toContain('Exit codes');
    expect(top.stdout).toContain('kb diagnose "Nicht autorisiert"');
    expect(r.stdout).toMatch(/at most 20000\s+characters/);
  });
});

describe('CLI manners', () => {
  it('a reader that closes the pipe ends the command quietly (kb facts | head -1)', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'facts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // closed before the first line is written: every write meets EPIPE
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('a real pipe into head prints the first line and no stack trace', async () => {
    const shell = findProgram(['bash']);
    if (!shell) return;
    const r = await exec(shell, ['-c', `set -o pipefail; "${process.execPath}" "${bin}" facts | head -1`], { env });
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stderr).toBe('');
  });

  it.each([
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{}, true, true],
    [{}, false, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    [{ TERM: 'dumb' }, true, false],
  ])('colour with %j on a terminal=%s: %s', (vars, tty, expected) => {
    expect(colorEnabled(vars, tty)).toBe(expected);
  });

  const script = findProgram(['script']);
  it.runIf(requireService('script (util-linux, for a pseudo-terminal)', script, 'install it with `apt-get install bsdutils`'))(
    'NO_COLOR is honoured on a real terminal; FORCE_COLOR colours a pipe',
    async () => {
      const onTerminal = async (vars: string) => (await exec(script!, ['-qec', `env ${vars} "${process.execPath}" "${bin}" diagnose "Nicht autorisiert"`, '/dev/null'], { env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' } })).stdout;
      const ansi = /\u001b\[[0-9;]*m/;
      // chalk turns colours off under CI of its own accord; the terminal case is tested without it.
      expect(await onTerminal('-u NO_COLOR -u FORCE_COLOR -u CI')).toMatch(ansi);
      const plain = await onTerminal('-u FORCE_COLOR -u CI NO_COLOR=1');
      expect(plain).toContain('Nicht autorisiert');
      expect(plain).not.toMatch(ansi);
      expect((await kb(['show', 'cert-name-mismatch'], '', { NO_COLOR: '', FORCE_COLOR: '1' })).stdout).toMatch(ansi);
      expect((await kb(['show', 'cert-name-mismatch'])).stdout).not.toMatch(ansi);
    },
  );

  it('warns about an unknown fact on standard error, before the answer, with the name it resembles', async () => {
    const r = await kb(['diagnose', 'Unauthorized', '--fact', 'webmailWorks=true', '--fact', 'twoFactorEnabeld=ja']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^kb: warning FACT_UNKNOWN \(facts\.webmailWorks\): .+did you mean "credentialsWorkInWebmail"\?/);
    expect(lines[1]).toMatch(/did you mean "twoFactorEnabled"\?/);
    expect(r.stdout).not.toContain('webmailWorks');
    const json = await kb(['diagnose', 'Unauthorized', '--fact', 'webmailWorks=true', '--format', 'json']);
    expect(JSON.parse(json.stdout).warnings[0]).toMatchObject({ code: 'FACT_UNKNOWN', field: 'facts.webmailWorks' });
    expect(json.stderr).toContain('FACT_UNKNOWN');
  });

  it('reads plain text on standard input as the message (kb diagnose -)', async () => {
    const r = await kb(['diagnose', '-', '--format', 'json'], 'Nicht autorisiert\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ symptom: { id: 'unauthorized' }, lang: 'de', langSource: 'message' });
    const log = await kb(['diagnose', '-', '--format', 'json'], '2024-05-01 12:00:01 ERROR The remote server returned an error: (401) Unauthorized.\r\n   at Foo.Bar()\r\n');
    expect(JSON.parse(log.stdout)).toMatchObject({ symptom: { id: 'unauthorized' }, facts: { httpStatus: 401 } });
  });

  it.each([
    ['', 'empty'],
    ['\u0000\u0001binary', 'binary'],
    [Buffer.from([0xff, 0xfe, 0x41, 0xc3]), 'not UTF-8'],
    ['x'.repeat(20_001), 'longer than 20000 characters'],
    ['x'.repeat(1_100_000), 'larger than'],
  ])('bad plain standard input (%#) is refused: %s', async (input, what) => {
    const r = await kb(['diagnose', '-'], input);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REQUEST_INVALID');
    expect(r.stderr).toContain(what);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('names the closest key of a misspelt request key', async () => {
    const r = await kb(['diagnose', '--input', '-'], JSON.stringify({ mesage: 'Nicht autorisiert' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown field "mesage".+did you mean "message"\?/);
  });
});
