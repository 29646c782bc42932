import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledKbDir } from '../../src/engine/knowledge-base.ts';

/** A throw-away copy of the bundled knowledge base (rules/ and content/) to break on purpose. */
export function copyKb(): { dir: string; edit: (file: string, from: string | RegExp, to: string) => number; write: (file: string, text: string) => void; remove: (file: string) => void; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kb-'));
  cpSync(join(bundledKbDir, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(bundledKbDir, 'content'), join(dir, 'content'), { recursive: true });
  return {
    dir,
    /** Replaces the first match and returns its 1-based line in the edited file. */
    edit(file, from, to) {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      const index = typeof from === 'string' ? text.indexOf(from) : text.search(from);
      if (index < 0) throw new Error(`${String(from)} not found in ${file}`);
      writeFileSync(path, text.replace(from, to));
      return text.slice(0, index).split('\n').length;
    },
    write(file, text) {
      writeFileSync(join(dir, file), text);
    },
    remove(file) {
      rmSync(join(dir, file));
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
