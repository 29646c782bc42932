import { readFileSync } from 'node:fs';
import { KbError } from '../engine/errors.ts';

/** Largest request read from a file or standard input. */
export const maxInputBytes = 1024 * 1024;

/** Reads all of standard input (bounded). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > maxInputBytes) throw new KbError('REQUEST_INVALID', `The input is larger than ${maxInputBytes} bytes.`, { field: 'input' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
