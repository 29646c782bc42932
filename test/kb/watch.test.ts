import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledKbDir } from '../../src/engine/knowledge-base.ts';
import { watchKnowledgeBase } from '../../src/kb/watch.ts';
import { saveByRename, until } from '../_support/save.ts';
import { copyKb } from './_fixture.ts';

let kb: ReturnType<typeof copyKb> | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
  kb?.cleanup();
  kb = undefined;
});

const broken = (text: string) => text.replace('title: { en: Unauthorized, de: Nicht autorisiert }', 'title: { en: [Unauthorized, de: Nicht autorisiert }');

describe('kb lint --watch', () => {
  it('sees a save by rename twice: broken (temp file beside it), then fixed (temp file elsewhere, as mv)', async () => {
    kb = copyKb();
    const file = join(kb.dir, 'rules', 'symptoms.yaml');
    const original = readFileSync(file, 'utf8');
    let out = '';
    child = spawn(process.execPath, [join(bundledKbDir, 'bin', 'kb.js'), 'lint', kb.dir, '--watch'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (out += d));
    expect(await until(() => out, (o) => o.includes('No problems found'))).toContain('No problems found');

    saveByRename(file, broken(original));
    const afterBreak = await until(() => out, (o) => o.includes('KB_YAML_SYNTAX'));
    expect(afterBreak).toMatch(/rules\/symptoms\.yaml:\d+:\d+ error KB_YAML_SYNTAX/);

    const mark = out.length;
    saveByRename(file, original, kb.dir);
    const afterFix = await until(() => out.slice(mark), (o) => o.includes('No problems found'));
    expect(afterFix).toContain('No problems found');

    const mark2 = out.length;
    saveByRename(file, broken(original));
    expect(await until(() => out.slice(mark2), (o) => o.includes('KB_YAML_SYNTAX'))).toContain('KB_YAML_SYNTAX');
  }, 30_000);
});

describe('watchKnowledgeBase', () => {
  it('follows a folder created after the watch started, and one replaced by another of the same name', async () => {
    kb = copyKb();
    let changes = 0;
    const w = watchKnowledgeBase(kb.dir, () => changes++, { debounceMs: 50 });
    try {
      const { mkdirSync, renameSync, writeFileSync, cpSync, rmSync } = await import('node:fs');
      mkdirSync(join(kb.dir, 'rules', 'extra'));
      await until(() => changes, (c) => c >= 1);
      const before = changes;
      writeFileSync(join(kb.dir, 'rules', 'extra', 'x.yaml'), 'a: 1\n');
      expect(await until(() => changes, (c) => c > before)).toBeGreaterThan(before);
      // content/ swapped for a copy (git checkout of a branch does this to folders)
      cpSync(join(kb.dir, 'content'), join(kb.dir, 'content-new'), { recursive: true });
      rmSync(join(kb.dir, 'content'), { recursive: true });
      renameSync(join(kb.dir, 'content-new'), join(kb.dir, 'content'));
      await new Promise((r) => setTimeout(r, 300));
      const swapped = changes;
      saveByRename(join(kb.dir, 'content', 'en', 'causes', 'credentials-wrong.md'), 'changed\n', kb.dir);
      expect(await until(() => changes, (c) => c > swapped)).toBeGreaterThan(swapped);
      // A change outside rules/ and content/ is not one of the knowledge base.
      await new Promise((r) => setTimeout(r, 300));
      const quiet = changes;
      writeFileSync(join(kb.dir, 'notes.txt'), 'x');
      await new Promise((r) => setTimeout(r, 400));
      expect(changes).toBe(quiet);
    } finally {
      w.close();
    }
  }, 20_000);
});
