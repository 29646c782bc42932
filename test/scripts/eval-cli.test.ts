import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundledKbDir } from '../../src/engine/knowledge-base.ts';

const exec = promisify(execFile);
const script = join(bundledKbDir, 'scripts', 'eval.js');

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [script, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// npm run eval runs the built engine; npm test builds before the tests.
describe.skipIf(!existsSync(join(bundledKbDir, 'dist', 'testing', 'index.js')))('npm run eval on bad input', () => {
  it('names an unknown option, shows the usage and exits 2', async () => {
    const r = await run('--failure');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --failure');
    expect(r.stderr).toContain('usage: npm run eval');
    expect(r.stdout).toBe('');
  });

  it('says --kb needs a directory', async () => {
    const r = await run('--kb');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--kb needs a directory');
  });

  it('reports a knowledge base that does not exist by its code and folder, without a stack trace', async () => {
    const r = await run('--kb', join(bundledKbDir, 'no-such-folder'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('KB_NOT_A_KB');
    expect(r.stderr).toContain('no-such-folder');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the date, machine and command with the figures', async () => {
    const r = await run('--json');
    expect(r.code).toBe(0);
    const figures = JSON.parse(r.stdout) as { date: string; machine: string; command: string; reportsOnly: { reports: number } };
    expect(Date.parse(figures.date)).not.toBeNaN();
    expect(figures.machine).toMatch(/^\d+ × /);
    expect(figures.command).toBe('npm run eval -- --json');
    expect(figures.reportsOnly.reports).toBeGreaterThan(150);
  });
});
