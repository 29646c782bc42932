import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { KbError } from '../engine/errors.ts';
import type { DiagnoseRequest } from '../generated/schema-types.ts';
import { type Lang, t } from '../i18n/index.ts';
import { probe, type ProbeResult, type ProbeStep, type ProgressEvent } from '../probe/index.ts';

/** Flags of `kb probe`; `password` exists only to refuse it (see readPassword). */
export interface ProbeCliOptions {
  readonly email?: string;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly password?: string;
  readonly sendTest?: string;
  readonly ca?: string;
  readonly timeout?: string;
  readonly format?: 'text' | 'json';
  /** Language of the step titles, summaries and the text report (default en); the facts are the same. */
  readonly lang?: Lang;
}

/** The streams and environment the command uses; tests pass their own. */
export interface CliIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo = (): CliIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });

/** The environment variable a password may come from instead of standard input. */
export const passwordVariable = 'KB_PROBE_PASSWORD';

/**
 * The password from standard input (`--password-stdin`, first line) or KB_PROBE_PASSWORD; never from an
 * argument, because arguments end up in shell history and process lists.
 */
export async function readPassword(opts: Pick<ProbeCliOptions, 'passwordStdin' | 'password'>, io: CliIo): Promise<string | undefined> {
  if (opts.password !== undefined) {
    throw new KbError('REQUEST_INVALID', `A password is not accepted as an argument (it would stay in the shell history); pipe it with --password-stdin or set ${passwordVariable}.`, { field: 'password' });
  }
  if (!opts.passwordStdin) {
    const fromEnv = io.env[passwordVariable];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  }
  if (io.stdin.isTTY) {
    throw new KbError('REQUEST_INVALID', `--password-stdin reads a piped password (for example from a password manager's CLI); set ${passwordVariable} instead when typing it.`, { field: 'password-stdin' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > 4096) throw new KbError('REQUEST_INVALID', 'Standard input holds more than 4096 bytes; --password-stdin expects one line with the password.', { field: 'password-stdin' });
    chunks.push(b);
  }
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password === '') throw new KbError('REQUEST_INVALID', '--password-stdin found no password on standard input.', { field: 'password-stdin' });
  return password;
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new KbError('REQUEST_INVALID', `Cannot read the CA file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { field: 'ca' });
  }
}

function stepTimeout(seconds: string | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  const n = Number(seconds);
  if (!/^\d+(\.\d+)?$/.test(seconds.trim()) || n <= 0 || n > 120) throw new KbError('REQUEST_INVALID', `--timeout takes seconds from 0.1 to 120, got "${seconds}".`, { field: 'timeout' });
  return Math.max(1, Math.round(n * 1000));
}

/** A number with a fixed count of decimals, with a decimal comma in German. */
function decimal(n: number, digits: number, lang: Lang): string {
  const text = n.toFixed(digits);
  return lang === 'de' ? text.replace('.', ',') : text;
}

const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** One line on a terminal, redrawn while a step runs and erased when it ends (stdout stays clean for the report). */
export function progressLine(stream: CliIo['stderr'], lang: Lang = 'en'): { readonly update: (e: ProgressEvent) => void; readonly close: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    stream.write('\r\x1b[2K');
  };
  return {
    update: (e) => {
      clear();
      if (e.phase === 'end') return;
      const t0 = performance.now();
      const draw = () => {
        const seconds = decimal((performance.now() - t0) / 1000, 1, lang);
        const line = `${spinner[frame++ % spinner.length]} ${t(lang, 'probe.cli.progress', { label: e.label, seconds, limit: Math.round(e.timeoutMs / 1000) })}`;
        stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
      };
      draw();
      timer = setInterval(draw, 100);
      timer.unref();
    },
    close: clear,
  };
}

/** Runs the probe for a command: password, CA file and step time limit from the flags, progress on a terminal. */
export async function probeFromCli(url: string, opts: ProbeCliOptions, io: CliIo): Promise<ProbeResult> {
  const password = await readPassword(opts, io);
  const stepTimeoutMs = stepTimeout(opts.timeout);
  const lang = opts.lang ?? 'en';
  const progress = io.stderr.isTTY ? progressLine(io.stderr, lang) : undefined;
  try {
    return await probe(url, {
      ...(opts.email ? { email: opts.email } : {}),
      ...(opts.username ? { username: opts.username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(opts.sendTest ? { sendTestTo: opts.sendTest } : {}),
      ...(opts.ca ? { ca: readCa(opts.ca) } : {}),
      ...(stepTimeoutMs ? { stepTimeoutMs } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
      lang,
    });
  } finally {
    progress?.close();
  }
}

const statuses: readonly ProbeStep['status'][] = ['ok', 'warning', 'failed', 'skipped'];

/**
 * The probe's report as text (steps, then the facts) or as the JSON result. The text is in `lang`; step
 * summaries are in the language the probe ran in. Step ids, fact names and values stay as they are.
 */
export function renderProbe(result: ProbeResult, format: 'text' | 'json', lang: Lang = 'en'): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  const marks = new Map(statuses.map((s) => [s, t(lang, `probe.mark.${s}`)]));
  const markWidth = Math.max(...[...marks.values()].map((m) => m.length));
  const lines = [t(lang, 'probe.cli.title', { url: result.url, seconds: decimal(result.ms / 1000, 2, lang) }), ''];
  for (const s of result.steps) {
    const time = s.status === 'skipped' ? '' : `  ${s.ms} ms`;
    const code = s.errorCode ? ` [${s.errorCode}]` : '';
    lines.push(`  ${(marks.get(s.status) ?? s.status).padEnd(markWidth)}  ${s.step.padEnd(4)}  ${s.summary}${code}${time}`);
  }
  lines.push('', t(lang, 'probe.cli.facts'));
  const facts = Object.entries(result.facts);
  const width = Math.max(...facts.map(([k]) => k.length));
  for (const [name, value] of facts) lines.push(`  ${name.padEnd(width)}  ${Array.isArray(value) ? value.join(', ') || t(lang, 'probe.none') : String(value)}`);
  const command = `kb diagnose --probe ${JSON.stringify(result.url)}${lang === 'en' ? '' : ` --lang ${lang}`}`;
  lines.push('', t(lang, 'probe.cli.next', { command }));
  return `${lines.join('\n')}\n`;
}

/** `kb probe <url>`: probes and prints the report on standard output. */
export async function runProbe(url: string, opts: ProbeCliOptions, io: CliIo = processIo()): Promise<ProbeResult> {
  const result = await probeFromCli(url, opts, io);
  io.stdout.write(renderProbe(result, opts.format ?? 'text', opts.lang ?? 'en'));
  return result;
}

/**
 * `kb diagnose --probe <url>`: probes with the e-mail address and user name given as facts, and adds
 * what it observed as the request's `observed` facts (which win over given ones, with a warning).
 */
export async function addProbeFacts(request: DiagnoseRequest, url: string, opts: Pick<ProbeCliOptions, 'passwordStdin' | 'password' | 'lang'>, io: CliIo = processIo()): Promise<DiagnoseRequest> {
  const given = (request.facts ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const email = text(given['email']);
  const username = text(given['username']);
  const result = await probeFromCli(url, { ...opts, ...(email ? { email } : {}), ...(username ? { username } : {}) }, io);
  return { ...request, observed: { ...(request.observed ?? {}), ...(result.facts as DiagnoseRequest['observed']) } };
}
