import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledKbDir } from '../src/engine/knowledge-base.ts';
import { copyKb } from './kb/_fixture.ts';

const exec = promisify(execFile);
let kb: ReturnType<typeof copyKb> | undefined;
afterEach(() => kb?.cleanup());

/** The file blocks of CONTRIBUTING.md: `<!-- file: PATH append|create -->` followed by a fenced block. */
function steps(): { path: string; mode: 'append' | 'create'; text: string }[] {
  const guide = readFileSync(join(bundledKbDir, 'CONTRIBUTING.md'), 'utf8');
  return [...guide.matchAll(/<!-- file: (\S+) (append|create) -->\n```\w*\n([\s\S]*?)\n```/g)].map((m) => ({
    path: m[1]!,
    mode: m[2] as 'append' | 'create',
    text: `${m[3]}\n`,
  }));
}

describe('CONTRIBUTING.md', () => {
  it('followed literally, adds a cause that lints clean and passes its rule tests', async () => {
    kb = copyKb();
    const list = steps();
    expect(list.map((s) => s.path)).toEqual([
      'rules/facts.yaml',
      'rules/causes/mailbox.yaml',
      'rules/signals.yaml',
      'content/en/causes/mailbox-quota-exceeded.md',
      'content/de/causes/mailbox-quota-exceeded.md',
      'rules/tests/mailbox-quota-exceeded.yaml',
    ]);
    for (const step of list) {
      const file = join(kb.dir, step.path);
      if (step.mode === 'append') appendFileSync(file, step.text);
      else writeFileSync(file, step.text);
    }
    const bin = join(bundledKbDir, 'bin', 'kb.js');
    const lint = await exec(process.execPath, [bin, 'lint', kb.dir], { env: { ...process.env, NO_COLOR: '1' } });
    expect(lint.stdout).toMatch(/No problems found/);
    const test = await exec(process.execPath, [bin, 'test', kb.dir, '--filter', 'quota'], { env: { ...process.env, NO_COLOR: '1' } });
    expect(test.stdout).toContain('3 passed, 0 failed');
  }, 60_000);
});
