import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bundledKbDir } from '../../src/engine/knowledge-base.ts';

interface Step {
  name: string;
  command: string;
  count?: (output: string) => { passed: number; failed: number } | null;
}
const script = (await import(join(bundledKbDir, 'scripts', 'test-all.js'))) as {
  steps: Step[];
  runSteps: (steps: Step[], out: Writable, err: Writable) => Promise<number>;
  vitestCount: Step['count'];
  kbTestCount: Step['count'];
};

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

const nodeStep = (name: string, code: string, count?: Step['count']): Step => ({ name, command: `"${process.execPath}" -e ${JSON.stringify(code)}`, ...(count ? { count } : {}) });

describe('npm test (scripts/test-all.js)', () => {
  it('is what npm test runs, with the five steps in order', () => {
    const pkg = JSON.parse(readFileSync(join(bundledKbDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test']).toBe('node scripts/test-all.js');
    expect(script.steps.map((s) => s.name)).toEqual(['build', 'typecheck', 'vitest', 'kb lint', 'kb test']);
  });

  it('runs every step although earlier ones fail, names the failed ones, and ends with the N passed, N failed line', async () => {
    const out = sink();
    const err = sink();
    const code = await script.runSteps(
      [
        nodeStep('first', "console.error('boom-1'); process.exit(2)"),
        nodeStep('suite', "console.log(' Tests  2 failed | 5 passed | 1 skipped (8)'); process.exit(1)", script.vitestCount),
        nodeStep('rules', "console.log('coverage ...'); console.log('3 passed, 0 failed')", script.kbTestCount),
        nodeStep('last', "console.log('ran-last')"),
      ],
      out.stream,
      err.stream,
    );
    expect(code).toBe(1);
    expect(err.text()).toContain('boom-1');
    expect(out.text()).toContain('ran-last');
    const lines = out.text().trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^npm test: failed: first \(exit 2\), suite \(exit 1\)/);
    expect(lines.at(-1)).toBe('checks: 9 passed, 3 failed');
  });

  it('exits 0 when every step passes; a suite that fails without a failing test still counts as failed', async () => {
    const ok = sink();
    expect(await script.runSteps([nodeStep('a', "console.log('fine')"), nodeStep('rules', "console.log('4 passed, 0 failed')", script.kbTestCount)], ok.stream, ok.stream)).toBe(0);
    expect(ok.text().trimEnd().split('\n').at(-1)).toBe('checks: 5 passed, 0 failed');
    const crash = sink();
    expect(await script.runSteps([nodeStep('rules', "console.log('4 passed, 0 failed'); process.exit(1)", script.kbTestCount), nodeStep('missing', 'process.exit(127)')], crash.stream, crash.stream)).toBe(1);
    expect(crash.text().trimEnd().split('\n').at(-1)).toBe('checks: 4 passed, 2 failed');
  });
});
