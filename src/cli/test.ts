import { bundledKbDir, compileKnowledgeBase } from '../engine/knowledge-base.ts';
import { type Lang, t } from '../i18n/index.ts';
import { formatDiagnostic } from '../kb/diagnostics.ts';
import { readKnowledgeBase } from '../kb/load.ts';
import { watchKnowledgeBase } from '../kb/watch.ts';
import { belowMinimum, measureCoverage, renderCoverage, renderResults, runTests } from '../testing/index.ts';
import { exitCodes } from './exit-codes.ts';

interface TestOptions {
  filter?: string;
  coverage?: boolean;
  watch?: boolean;
  lang?: Lang;
  format: 'text' | 'json';
}

/** Lints, then runs rules/tests/*.yaml; returns the exit code. */
export async function testOnce(dir: string, opts: TestOptions): Promise<number> {
  const lang = opts.lang ?? 'en';
  const { data, diagnostics } = readKnowledgeBase(dir, { lang });
  if (!data) {
    // Not "0 passed, 1 failed": no rule test ran. The lint errors are the reason, and say where.
    const errors = diagnostics.filter((x) => x.severity === 'error');
    if (opts.format === 'json') {
      process.stdout.write(`${JSON.stringify({ passed: 0, failed: 0, blocked: true, diagnostics: errors }, null, 2)}\n`);
      return exitCodes.kbInvalid;
    }
    for (const d of errors) process.stdout.write(`${formatDiagnostic(d, t(lang, 'severity.error'))}\n`);
    process.stdout.write(`\n${t(lang, 'test.blocked', { errors: errors.length })}\n`);
    return exitCodes.kbInvalid;
  }
  const kb = compileKnowledgeBase(data, diagnostics);
  const tests = data.tests.flatMap((f) => f.tests);
  const results = await runTests(kb, tests, opts.filter);
  const coverage = opts.coverage ? measureCoverage(kb, results) : null;
  const minimum = data.settings.coverage ?? {};
  const below = coverage && !opts.filter ? belowMinimum(coverage, minimum) : [];
  if (opts.format === 'json') {
    const cases = results.map((r) => ({ name: r.test.name, location: r.test.location, passed: r.passed, mismatches: r.mismatches, top: r.result?.causes.slice(0, 5).map((c) => ({ id: c.id, status: c.status, score: c.score })) }));
    process.stdout.write(`${JSON.stringify({ passed: cases.filter((c) => c.passed).length, failed: cases.filter((c) => !c.passed).length, cases, coverage, belowMinimum: below }, null, 2)}\n`);
  } else {
    if (tests.length === 0) process.stdout.write(`${t(lang, 'test.none')}\n`);
    // The closing "N passed, N failed" line stays last, where test tooling reads it.
    const lines = renderResults(results, lang).trimEnd().split('\n');
    const summary = lines.pop();
    process.stdout.write(`${lines.join('\n')}\n`);
    if (coverage) process.stdout.write(`${renderCoverage(coverage, minimum, lang)}`);
    if (below.length > 0) process.stdout.write(`${t(lang, 'test.belowMinimum', { what: below.join(', ') })}\n\n`);
    process.stdout.write(`${summary}\n`);
  }
  return results.some((r) => !r.passed) || below.length > 0 ? exitCodes.failed : exitCodes.ok;
}

export async function runTest(dir: string | undefined, opts: TestOptions): Promise<void> {
  const root = dir ?? bundledKbDir;
  process.exitCode = await testOnce(root, opts);
  if (!opts.watch) return;
  // Directories are watched, not files: saves by rename (vim, sed -i, IDEs) keep being seen.
  watchKnowledgeBase(root, async () => {
    process.stdout.write(`\n--- ${new Date().toLocaleTimeString()} ---\n`);
    process.exitCode = await testOnce(root, opts);
  });
  await new Promise(() => {});
}
