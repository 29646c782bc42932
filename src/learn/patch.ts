import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import { type Lang, t } from '../i18n/index.ts';
import type { LearnedPriors, PriorEntry } from './priors.ts';

/** A learned prior as a writer would put it in YAML: two decimals, never 0 (the schema wants > 0). */
export const yamlPrior = (n: number): number => Math.max(0.01, Math.round(n * 100) / 100);

/** What the patch changes for one cause: `prior` (the case with no symptom) and/or entries of `priorBySymptom`. */
export interface CausePatch {
  readonly file: string;
  readonly cause: string;
  readonly prior?: { readonly value: number; readonly entry: PriorEntry };
  /** The whole resulting priorBySymptom: the written entries, with the learned ones replaced or added. */
  readonly priorBySymptom?: Readonly<Record<string, number>>;
  readonly changed: readonly PriorEntry[];
}

/**
 * The causes whose learned prior differs from the written one (at two decimals). A prior learned for
 * a symptom the cause does not list cannot be written (priorBySymptom names only the cause's own
 * symptoms), so it is left out.
 */
export function causePatches(kb: CompiledKnowledgeBase, priors: LearnedPriors): CausePatch[] {
  const out: CausePatch[] = [];
  for (const decl of kb.data.causes) {
    const mine = priors.entries.filter((e) => e.cause === decl.id && e.learned !== null && yamlPrior(e.learned) !== yamlPrior(e.declared));
    const general = mine.find((e) => e.symptom === null);
    const bySymptom = mine.filter((e) => e.symptom !== null && decl.symptoms.includes(e.symptom));
    if (!general && bySymptom.length === 0) continue;
    const merged: Record<string, number> = { ...decl.priorBySymptom };
    for (const e of bySymptom) merged[e.symptom!] = yamlPrior(e.learned!);
    out.push({
      file: kb.data.locations.get(`cause:${decl.id}`)?.file ?? 'rules/causes/',
      cause: decl.id,
      ...(general ? { prior: { value: yamlPrior(general.learned!), entry: general } } : {}),
      ...(bySymptom.length > 0 ? { priorBySymptom: merged } : {}),
      changed: [...(general ? [general] : []), ...bySymptom],
    });
  }
  return out;
}

const was = (e: PriorEntry, lang: Lang) =>
  t(lang, e.bounded ? 'patch.wasBounded' : 'patch.was', { declared: yamlPrior(e.declared), solved: e.solved, reports: e.solved + e.notSolved });

/**
 * A YAML document a content writer can adopt in a pull request: by file, the causes whose `prior` or
 * `priorBySymptom` the feedback has moved, with what was written and what was reported as comments.
 * Empty of causes (`{}`) when nothing moved.
 */
export function priorPatch(kb: CompiledKnowledgeBase, priors: LearnedPriors, lang: Lang = 'en'): string {
  const { strength, minReports, maxFactor } = priors.settings;
  const lines = [
    `# ${t(lang, 'patch.header', { name: priors.kb.name, version: priors.kb.version, reports: priors.reports })}`,
    `# ${t(lang, 'patch.settings', { strength, minReports, maxFactor })}`,
    `# ${t(lang, 'patch.adopt')}`,
  ];
  const patches = causePatches(kb, priors);
  if (patches.length === 0) return `${lines.join('\n')}\n{}\n`;
  const byFile = new Map<string, CausePatch[]>();
  for (const p of patches) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  for (const [file, list] of byFile) {
    lines.push(`${file}:`);
    for (const p of list) {
      lines.push(`  - id: ${p.cause}`);
      if (p.prior) lines.push(`    prior: ${p.prior.value} # ${was(p.prior.entry, lang)}`);
      if (p.priorBySymptom) {
        lines.push('    priorBySymptom:');
        for (const [symptom, value] of Object.entries(p.priorBySymptom)) {
          const changed = p.changed.find((e) => e.symptom === symptom);
          lines.push(`      ${symptom}: ${value}${changed ? ` # ${was(changed, lang)}` : ''}`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
