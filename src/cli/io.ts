import { readFileSync } from 'node:fs';
import { KbError } from '../engine/errors.ts';
import { maxMessageChars } from '../recognize/index.ts';

/** Largest request read from a file or standard input. */
export const maxInputBytes = 1024 * 1024;

/** Reads all of standard input (bounded). */
export async function readStdin(field = 'input'): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > maxInputBytes) throw new KbError('REQUEST_INVALID', `Standard input is larger than ${maxInputBytes} bytes.`, { field });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The pasted message from standard input (`kb diagnose -`): text, not JSON. Refuses binary input and
 * bytes that are not UTF-8 by name rather than diagnosing garbage; the length limit is the request's.
 */
export async function readStdinMessage(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > maxInputBytes) throw new KbError('REQUEST_INVALID', `Standard input is larger than ${maxInputBytes} bytes; a message has at most ${maxMessageChars} characters.`, { field: 'message' });
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.includes(0)) throw new KbError('REQUEST_INVALID', 'Standard input is binary (it contains NUL bytes); pipe the error message as text.', { field: 'message' });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new KbError('REQUEST_INVALID', 'Standard input is not UTF-8 text; pipe the error message as UTF-8.', { field: 'message' });
  }
  text = text.replace(/^\uFEFF/, '').trim();
  if (text === '') throw new KbError('REQUEST_INVALID', 'Standard input is empty; pipe the error message, e.g. echo "Nicht autorisiert" | kb diagnose -.', { field: 'message' });
  return text;
}

/** Reads a JSON request from a file or `-` (standard input). */
export async function readJsonInput(source: string): Promise<unknown> {
  let text: string;
  if (source === '-') {
    text = await readStdin();
  } else {
    try {
      const buf = readFileSync(source);
      if (buf.length > maxInputBytes) throw new KbError('REQUEST_INVALID', `The input file is larger than ${maxInputBytes} bytes.`, { field: 'input' });
      text = buf.toString('utf8');
    } catch (e) {
      if (e instanceof KbError) throw e;
      throw new KbError('REQUEST_INVALID', `Cannot read the input file ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { field: 'input' });
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new KbError('REQUEST_INVALID', `The input is not valid JSON: ${(e as Error).message}.`, { field: 'input' });
  }
}

/** `name=value` → [name, value]; the value stays text and is coerced by the fact's type. */
export function parseFactFlag(flag: string): [string, string] {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new KbError('REQUEST_INVALID', `--fact needs name=value, got "${flag}".`, { field: 'fact' });
  return [flag.slice(0, eq).trim(), flag.slice(eq + 1)];
}
