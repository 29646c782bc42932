// `npm test`: every step runs, even when an earlier one fails, so one failing test does not hide a
// lint error or a broken rule test. Each step's output streams through; at the end one line names
// the steps that failed, and the last line counts every check in the `N passed, N failed` form that
// test tooling reads: the unit and integration tests, the rule tests, and one check for each other
// step (build, type check, lint). Exits 1 when anything failed.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.env['npm_execpath'] ? `"${process.execPath}" "${process.env['npm_execpath']}"` : 'npm';
const node = `"${process.execPath}"`;

/** `count` reads a step's own tally from its output; without one the step is one check. */
export const steps = [
  { name: 'build', command: `${npm} run build` },
  { name: 'typecheck', command: `${npm} run typecheck` },
  { name: 'vitest', command: `${node} node_modules/vitest/vitest.mjs run`, count: vitestCount },
  { name: 'kb lint', command: `${node} bin/kb.js lint` },
  { name: 'kb test', command: `${node} bin/kb.js test --coverage`, count: kbTestCount },
];

/** "Tests  3 failed | 1034 passed | 2 skipped (1039)" */
export function vitestCount(output) {
  const line = output.split('\n').reverse().find((l) => /^\s*Tests\s+\d/.test(l));
  if (!line) return null;
  const n = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: n('passed'), failed: n('failed') };
}

/** kb test's closing "N passed, N failed". */
export function kbTestCount(output) {
  const m = /^(\d+) passed, (\d+) failed\s*$/m.exec(output.trimEnd().split('\n').at(-1) ?? '');
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
}

function run(step, out, err) {
  return new Promise((resolve) => {
    out.write(`\n> ${step.name}: ${step.command}\n`);
    const child = spawn(step.command, { cwd: root, shell: true, stdio: ['inherit', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk) => {
      tail = (tail + stripVTControlCharacters(chunk.toString('utf8'))).slice(-20_000);
    };
    child.stdout.on('data', (chunk) => {
      out.write(chunk);
      keep(chunk);
    });
    child.stderr.on('data', (chunk) => {
      err.write(chunk);
      keep(chunk);
    });
    child.on('error', (error) => resolve({ step, code: 127, tail: String(error) }));
    child.on('close', (code, signal) => resolve({ step, code: code ?? (signal ? 128 : 1), tail }));
  });
}

/** Runs every step in order, whatever the ones before did; returns the exit code (0 or 1). */
export async function runSteps(list = steps, out = process.stdout, err = process.stderr) {
  const results = [];
  for (const step of list) results.push(await run(step, out, err));
  let passed = 0;
  let failed = 0;
  for (const { step, code, tail } of results) {
    const counted = step.count?.(tail);
    if (counted) {
      passed += counted.passed;
      failed += counted.failed;
      // A suite that exits non-zero without a failing test (a crash, a coverage minimum) is one failure more.
      if (code !== 0 && counted.failed === 0) failed++;
    } else if (code === 0) passed++;
    else failed++;
  }
  const broken = results.filter((r) => r.code !== 0);
  const status = results.map((r) => `${r.step.name} ${r.code === 0 ? 'ok' : 'FAILED'}`).join(', ');
  out.write(`\n${broken.length === 0 ? 'npm test: every step passed' : `npm test: failed: ${broken.map((r) => `${r.step.name} (exit ${r.code})`).join(', ')}`} (${status})\n`);
  out.write(`checks: ${passed} passed, ${failed} failed\n`);
  return broken.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await runSteps();
