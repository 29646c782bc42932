import { createHash } from 'node:crypto';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import { type CausePrior, declaredPrior, type PriorSource } from '../engine/priors.ts';
import type { FeedbackCount } from '../feedback/index.ts';
import { type LearningSettings, learnPrior, learningSettings } from './beta.ts';

/** One cause under one symptom (null: no symptom recognised), its written and learned prior. */
export interface PriorEntry extends CausePrior {
  readonly symptom: string | null;
  readonly cause: string;
}

/** Learned priors of one knowledge base from the feedback counts: what `diagnose(kb, r, { priors })` reads. */
export interface LearnedPriors extends PriorSource {
  readonly kb: { readonly name: string; readonly version: string };
  readonly settings: LearningSettings;
  /** Reports counted, over all symptoms and causes of the knowledge base. */
  readonly reports: number;
  /**
   * Per symptom in the knowledge base's order: its causes, then causes reported for it that are not
   * among them; last the causes reported with no symptom. Causes the knowledge base no longer has are left out.
   */
  readonly entries: readonly PriorEntry[];
}

const keyOf = (symptom: string | null, cause: string) => `${symptom ?? ''}\u0000${cause}`;

/** Learns the priors of `kb` from the counts of its feedback store (FeedbackStore.counts). */
export function learnPriors(kb: CompiledKnowledgeBase, counts: readonly FeedbackCount[]): LearnedPriors {
  const settings = learningSettings(kb);
  const symptoms = new Set(kb.data.symptoms.map((s) => s.id));
  const byKey = new Map<string, { solved: number; notSolved: number }>();
  let reports = 0;
  for (const c of counts) {
    // Feedback on ids this knowledge base no longer has stays in the database but steers nothing.
    if (!kb.causes.has(c.cause) || (c.symptom !== null && !symptoms.has(c.symptom))) continue;
    const key = keyOf(c.symptom, c.cause);
    const before = byKey.get(key) ?? { solved: 0, notSolved: 0 };
    byKey.set(key, { solved: before.solved + c.solved, notSolved: before.notSolved + c.notSolved });
    reports += c.solved + c.notSolved;
  }
  const memo = new Map<string, CausePrior>();
  const get = (symptom: string | null, cause: string): CausePrior | undefined => {
    const key = keyOf(symptom, cause);
    const known = memo.get(key);
    if (known) return known;
    const decl = kb.causes.get(cause)?.decl;
    if (!decl || (symptom !== null && !symptoms.has(symptom))) return undefined;
    const { solved, notSolved } = byKey.get(key) ?? { solved: 0, notSolved: 0 };
    const declared = declaredPrior(decl, symptom);
    const { learned, bounded } = learnPrior(declared, solved, notSolved, settings);
    const prior: CausePrior = Object.freeze({ declared, learned, solved, notSolved, bounded });
    memo.set(key, prior);
    return prior;
  };
  const entries: PriorEntry[] = [];
  const add = (symptom: string | null, cause: string) => entries.push({ symptom, cause, ...get(symptom, cause)! });
  for (const s of kb.data.symptoms) {
    const own = (kb.bySymptom.get(s.id) ?? []).map((c) => c.decl.id);
    for (const cause of own) add(s.id, cause);
    for (const c of kb.data.causes) if (!own.includes(c.id) && byKey.has(keyOf(s.id, c.id))) add(s.id, c.id);
  }
  for (const c of kb.data.causes) if (byKey.has(keyOf(null, c.id))) add(null, c.id);
  const sorted = [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const version = createHash('sha256')
    .update(JSON.stringify([kb.data.settings.name, kb.data.settings.version, settings, sorted]))
    .digest('base64url')
    .slice(0, 16);
  const { name, version: kbVersion } = kb.data.settings;
  return { version, get, kb: { name, version: kbVersion }, settings, reports, entries };
}
