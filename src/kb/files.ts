import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

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
  /** Set when the folder has no rules/ at all: it is not a knowledge base. `root` is one nearby that is. */
  readonly notKnowledgeBase?: { readonly exists: boolean; readonly root: string | null };
}

const isRoot = (dir: string) => existsSync(join(dir, 'rules', 'kb.yaml'));

/**
 * The knowledge base nearest to a folder that is not one: a folder above it (when this is its rules/
 * or content/, or deeper inside), else the one child folder that is a knowledge base.
 */
export function nearbyKnowledgeBase(dir: string): string | null {
  let up = resolve(dir);
  for (let i = 0; i < 4; i++) {
    const parent = dirname(up);
    if (parent === up) break;
    if (isRoot(parent)) return parent;
    up = parent;
  }
  try {
    const children = readdirSync(dir).filter((name) => !name.startsWith('.') && isRoot(join(dir, name)));
    return children.length === 1 ? resolve(dir, children[0]!) : null;
  } catch {
    return null;
  }
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
  if (rules.length === 0 && content.length === 0 && unreadable.length === 0 && !existsSync(join(dir, 'rules'))) {
    return { rules, content, unreadable, notKnowledgeBase: { exists: existsSync(dir), root: nearbyKnowledgeBase(dir) } };
  }
  return { rules, content, unreadable };
}
