import { KbError } from '../engine/errors.ts';
import { type CompiledKnowledgeBase, loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { FeedbackError, openFeedbackStore } from '../feedback/index.ts';
import { type Lang, t } from '../i18n/index.ts';
import { type LearnedPriors, learnPriors, type PriorEntry, priorPatch } from '../learn/index.ts';
import { formatPrior } from '../render/index.ts';
import { defaultFeedbackDb } from '../server/limits.ts';

export interface PriorsOptions {
  readonly db?: string;
  readonly kb?: string;
  readonly format: 'table' | 'json' | 'yaml';
  readonly symptom?: string;
  readonly lang?: Lang;
}

/** --db, else KB_DB, else the file kb serve writes by default. */
function databaseOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const value = (flag ?? env['KB_DB'] ?? defaultFeedbackDb).trim();
  if (value === '' || /^(off|none|false|0|no)$/i.test(value)) {
    throw new KbError('REQUEST_INVALID', 'kb priors reads the feedback database: give it with --db (an SQLite file or a postgres:// URL) or KB_DB.', { field: '--db' });
  }
  return value;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_h, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows.map((r) => r.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

function renderTable(kb: CompiledKnowledgeBase, priors: LearnedPriors, entries: readonly PriorEntry[], location: string, lang: Lang): string {
  const header = ['priors.symptom', 'priors.cause', 'priors.declared', 'priors.solved', 'priors.notSolved', 'priors.learned'].map((k) => t(lang, k as 'priors.symptom'));
  const rows = entries.map((e) => [
    e.symptom ?? `(${t(lang, 'priors.none')})`,
    e.cause,
    formatPrior(e.declared, lang),
    String(e.solved),
    String(e.notSolved),
    e.learned === null ? t(lang, 'priors.notYet') : `${formatPrior(e.learned, lang)}${e.bounded ? ` (${t(lang, 'priors.bounded')})` : ''}`,
  ]);
  const { strength, minReports, maxFactor } = priors.settings;
  const patch = priorPatch(kb, priors, lang);
  const moved = !/^\{\}$/m.test(patch);
  return [
    `${priors.kb.name} ${priors.kb.version}`,
    t(lang, 'priors.settings', { strength, minReports, maxFactor, reports: priors.reports, db: location }),
    '',
    table([header, ...rows]),
    '',
    moved ? t(lang, 'priors.patch') : t(lang, 'priors.noPatch'),
    ...(moved ? ['', patch.trimEnd()] : []),
  ].join('\n');
}

/**
 * `kb priors`: reads the feedback database (never writes it) and prints, per symptom and cause, the
 * written prior, the solved and not-solved reports and the learned prior, with the YAML patch a writer
 * can adopt. `--format yaml` prints only the patch.
 */
export async function runPriors(opts: PriorsOptions, env: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  const lang = opts.lang ?? kb.data.settings.defaultLanguage;
  if (opts.symptom !== undefined && !kb.data.symptoms.some((s) => s.id === opts.symptom)) {
    throw new KbError('SYMPTOM_UNKNOWN', `Unknown symptom "${opts.symptom.slice(0, 100)}"; known: ${kb.data.symptoms.map((s) => s.id).join(', ')}.`, { field: '--symptom' });
  }
  const location = databaseOf(opts.db, env);
  let priors: LearnedPriors;
  let shown: string;
  try {
    const store = await openFeedbackStore(location, { readOnly: true });
    shown = store.location;
    try {
      priors = learnPriors(kb, await store.counts(kb.data.settings.name));
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof FeedbackError) throw new KbError('REQUEST_INVALID', error.message, { field: '--db', cause: error });
    throw error;
  }
  const entries = priors.entries.filter((e) => opts.symptom === undefined || e.symptom === opts.symptom);
  if (opts.format === 'json') {
    const { kb: k, settings, reports } = priors;
    process.stdout.write(`${JSON.stringify({ kb: k, database: shown, settings, reports, priors: entries, patch: priorPatch(kb, priors, lang) }, null, 2)}\n`);
  } else if (opts.format === 'yaml') {
    process.stdout.write(priorPatch(kb, priors, lang));
  } else {
    process.stdout.write(`${renderTable(kb, priors, entries, shown, lang)}\n`);
  }
}
