import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** A text file of the knowledge base, with its path relative to the knowledge base folder. */
export interface KbFile {
  readonly file: string;
  readonly text: string;
}

export interface KbFiles {
  readonly rules: KbFile[];
  readonly content: KbFile[];
  /** Files that could not be read or are too large, with the reason. */
  readonly unreadable: { file: string; reason: string }[];
}

/** Largest file read; anything bigger is not a hand-written rule or page. */
export const maxFileBytes = 1024 * 1024;

function walk(root: string, dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries.sort()) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (st?.isDirectory()) walk(root, full, out);
    else if (st?.isFile()) out.push(full);
  }
}

/** Reads rules/**\/*.yaml and content/**\/*.md under `dir`. The only I/O of loading. */
export function readKbFiles(dir: string): KbFiles {
  const rules: KbFile[] = [];
  const content: KbFile[] = [];
  const unreadable: { file: string; reason: string }[] = [];
  for (const [sub, ext, list] of [
    ['rules', /\.ya?ml$/, rules],
    ['content', /\.md$/, content],
  ] as const) {
    const paths: string[] = [];
    walk(dir, join(dir, sub), paths);
    for (const full of paths) {
      const file = relative(dir, full).split(sep).join('/');
      if (!ext.test(file)) continue;
      const size = statSync(full).size;
      if (size > maxFileBytes) {
        unreadable.push({ file, reason: `larger than ${maxFileBytes} bytes` });
        continue;
      }
      const buf = readFileSync(full);
      if (buf.includes(0)) {
        unreadable.push({ file, reason: 'binary content (NUL bytes)' });
        continue;
      }
      const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
      if (text.includes('\uFFFD')) {
        unreadable.push({ file, reason: 'not valid UTF-8' });
        continue;
      }
      list.push({ file, text });
    }
  }
  return { rules, content, unreadable };
}
