import { bundledKbDir } from '../engine/knowledge-base.ts';
import { type Lang, t } from '../i18n/index.ts';
import { formatDiagnostic } from '../kb/diagnostics.ts';
import { readKnowledgeBase } from '../kb/load.ts';
import { watchKnowledgeBase } from '../kb/watch.ts';
import { exitCodes } from './exit-codes.ts';

interface LintOptions {
  format: 'text' | 'json';
  lang?: Lang;
  watch?: boolean;
}

/** Lints once and prints; returns the exit code (1 when there are errors). */
export function lintOnce(dir: string, opts: LintOptions): number {
  const lang = opts.lang ?? 'en';
  const { diagnostics, files: fileCount } = readKnowledgeBase(dir, { lang, checkRegexSafety: true });
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify({ errors, warnings, diagnostics }, null, 2)}\n`);
  } else {
    for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d, t(lang, `severity.${d.severity}`))}\n`);
    process.stdout.write(diagnostics.length === 0 ? `${t(lang, 'lint.clean', { files: fileCount })}\n` : `${t(lang, 'lint.summary', { errors, warnings, files })}\n`);
  }
  return errors > 0 ? exitCodes.failed : exitCodes.ok;
}

export async function runLint(dir: string | undefined, opts: LintOptions): Promise<void> {
  const root = dir ?? bundledKbDir;
  process.exitCode = lintOnce(root, opts);
  if (!opts.watch) return;
  // Directories are watched, not files: saves by rename (vim, sed -i, IDEs) keep being seen.
  watchKnowledgeBase(root, () => {
    process.stdout.write(`\n--- ${new Date().toLocaleTimeString()} ---\n`);
    process.exitCode = lintOnce(root, opts);
  });
  await new Promise(() => {}); // until interrupted
}
