import { createInterface } from 'node:readline';
import { coerceFactValue } from '../facts/coerce.ts';
import type { DiagnoseRequest, DiagnoseResult } from '../generated/schema-types.ts';
import { type Lang, t } from '../i18n/index.ts';
import { checkRequest, diagnose } from '../engine/diagnose.ts';
import { KbError } from '../engine/errors.ts';
import { type CompiledKnowledgeBase, loadKnowledgeBase } from '../engine/knowledge-base.ts';
import type { ResultFormat } from '../render/index.ts';
import { colorEnabled } from './_terminal.ts';
import { parseFactFlag, readJsonInput, readStdinMessage } from './io.ts';

interface DiagnoseOptions {
  fact: string[];
  symptom?: string;
  lang?: Lang;
  /** `summary`: the case as Markdown for a ticket, the same text as POST /v1/summary. */
  format: ResultFormat | 'summary';
  input?: string;
  interactive?: boolean;
  kb?: string;
  /** Probe this URL first; its facts become the request's `observed` facts. */
  probe?: string;
  passwordStdin?: boolean;
  password?: string;
}

/** Builds the request from --input, or from the message argument and the flags (flags win over the file). */
export async function buildRequest(message: string[], opts: DiagnoseOptions): Promise<DiagnoseRequest> {
  let request: Record<string, unknown> = {};
  if (opts.input) {
    const parsed = await readJsonInput(opts.input);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new KbError('REQUEST_INVALID', 'The input must be a JSON object such as {"message": "..."}.', { field: 'input' });
    }
    request = { ...(parsed as Record<string, unknown>) };
  }
  // A lone "-" reads the message as plain text from standard input (JSON requests use --input -).
  if (message.length === 1 && message[0] === '-') request['message'] = await readStdinMessage();
  else if (message.length > 0) request['message'] = message.join(' ');
  if (opts.symptom) request['symptom'] = opts.symptom;
  if (opts.lang) request['lang'] = opts.lang;
  if (opts.fact.length > 0) {
    const facts: Record<string, unknown> = { ...((request['facts'] as Record<string, unknown> | undefined) ?? {}) };
    for (const flag of opts.fact) {
      const [name, value] = parseFactFlag(flag);
      facts[name] = value;
    }
    request['facts'] = facts;
  }
  return request as DiagnoseRequest;
}

export async function runDiagnose(message: string[], opts: DiagnoseOptions): Promise<void> {
  const stdinMessage = message.length === 1 && message[0] === '-';
  if (opts.interactive && (opts.input === '-' || stdinMessage)) {
    throw new KbError('REQUEST_INVALID', '--interactive reads answers from standard input; give the request as arguments or --input FILE.', { field: 'interactive' });
  }
  if (stdinMessage && opts.input === '-') {
    throw new KbError('REQUEST_INVALID', 'Standard input can hold the message (kb diagnose -) or a JSON request (--input -), not both.', { field: 'input' });
  }
  if (opts.passwordStdin && (opts.input === '-' || opts.interactive || stdinMessage)) {
    throw new KbError('REQUEST_INVALID', '--password-stdin reads standard input, which --input - and --interactive need too; set KB_PROBE_PASSWORD instead.', { field: 'password-stdin' });
  }
  if (opts.password !== undefined) {
    throw new KbError('REQUEST_INVALID', 'A password is not accepted as an argument (it would stay in the shell history); pipe it with --password-stdin or set KB_PROBE_PASSWORD.', { field: 'password' });
  }
  if (opts.passwordStdin && !opts.probe) throw new KbError('REQUEST_INVALID', '--password-stdin is only used with --probe <url>.', { field: 'password-stdin' });
  let request = await buildRequest(message, opts);
  // The schema first: a misspelt key ("mesage") is named, with the key it resembles.
  checkRequest(request);
  if (opts.probe) request = await (await import('./probe.ts')).addProbeFacts(request, opts.probe, opts);
  if (!request.message && !request.symptom && !request.facts && !request.observed && !opts.interactive) {
    throw new KbError('REQUEST_INVALID', 'Give an error message, --symptom, --fact or --input (see kb diagnose --help).', { field: 'message' });
  }
  const kb = loadKnowledgeBase(opts.kb);
  if (opts.interactive) {
    await interactive(kb, request, opts.format);
    return;
  }
  const result = await diagnose(kb, request);
  printWarnings(result);
  process.stdout.write(await render(result, opts.format, kb, request));
}

/**
 * Warnings go to standard error before the answer, where a person sees them first (an ignored,
 * misspelt fact name with the name it resembles); the answer on standard output stays clean.
 */
function printWarnings(result: DiagnoseResult): void {
  for (const w of result.warnings) process.stderr.write(`kb: ${t(result.lang as Lang, 'severity.warning')} ${w.code}${w.field ? ` (${w.field})` : ''}: ${w.message}\n`);
}

/** JSON needs no Markdown machinery; the renderers load only for the other formats (start-up time). */
async function render(result: DiagnoseResult, format: DiagnoseOptions['format'], kb: CompiledKnowledgeBase, request: DiagnoseRequest): Promise<string> {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  if (format === 'summary') {
    const { renderSummary, summaryContext } = await import('../render/summary.ts');
    return renderSummary(result, summaryContext(kb, request));
  }
  // The terminal text leaves the warnings out: they were just printed on standard error.
  return (await import('../render/result.ts')).renderResult(result, format, { color: colorEnabled(process.env, process.stdout.isTTY), warnings: format !== 'text' });
}

/** Asks the next question until a cause is confirmed, nothing is left to ask, or input ends. */
async function interactive(kb: CompiledKnowledgeBase, request: DiagnoseRequest, format: DiagnoseOptions['format']): Promise<void> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const skipped = new Set<string>();
  const facts: Record<string, unknown> = { ...((request.facts as Record<string, unknown> | undefined) ?? {}) };
  let warned = false;
  try {
    for (;;) {
      // An empty answer is "I don't know": the engine never asks it again and the next-best question follows.
      const unknown = [...new Set([...(request.unknown ?? []), ...skipped])];
      const current: DiagnoseRequest = { ...request, facts: facts as DiagnoseRequest['facts'], ...(unknown.length > 0 ? { unknown } : {}) };
      const result = await diagnose(kb, current);
      if (!warned) printWarnings(result);
      warned = true;
      const lang = result.lang as Lang;
      const question = result.questions.find((q) => !skipped.has(q.fact));
      const confirmed = result.causes[0]?.status === 'confirmed';
      if (confirmed || !question) {
        process.stdout.write(await render(result, format, kb, current));
        process.stdout.write(`\n${t(lang, confirmed ? 'ui.confirmedStop' : 'ui.done')}\n`);
        return;
      }
      const top = result.causes.slice(0, 3).map((c) => `${c.title} (${t(lang, `status.${c.status}`)}, ${Math.round(c.score * 100)} %)`);
      process.stdout.write(`\n${top.map((l, i) => `${i + 1}. ${l}`).join('\n')}\n`);
      // Questions for IT are best sent together; the terminal still takes their answers one at a time.
      const forIt = result.itQuestions.filter((q) => !skipped.has(q.fact));
      if (question.cost === 'it' && forIt.length > 1) {
        process.stdout.write(`\n${t(lang, 'summary.itQuestions')}:\n${forIt.map((q, i) => `  ${i + 1}. ${q.question}`).join('\n')}\n`);
      }
      process.stdout.write(`\n? ${question.question}\n`);
      question.options.forEach((o, i) => process.stdout.write(`  ${i + 1}) ${o.label}\n`));
      process.stdout.write(`${t(lang, 'ui.answerPrompt')}: `);
      const next = await lines.next();
      if (next.done) {
        process.stdout.write('\n');
        process.stdout.write(await render(result, format, kb, current));
        return;
      }
      const answer = next.value.trim();
      process.stdout.write(process.stdin.isTTY ? '' : `${answer}\n`);
      if (answer.toLowerCase() === 'q') {
        process.stdout.write(await render(result, format, kb, current));
        return;
      }
      if (answer === '') {
        skipped.add(question.fact);
        continue;
      }
      const byNumber = /^\d+$/.test(answer) && question.options[Number(answer) - 1];
      const raw = byNumber ? byNumber.value : answer;
      const coerced = coerceFactValue(kb.data.facts.get(question.fact)!, raw);
      if (!coerced.ok) {
        process.stdout.write(`${t(lang, 'ui.invalidAnswer', { detail: coerced.expected })}\n`);
        continue;
      }
      facts[question.fact] = coerced.value;
    }
  } finally {
    rl.close();
  }
}

export type { DiagnoseResult };
