import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';

/** rules/kb.yaml `learning`, with its defaults filled in. */
export interface LearningSettings {
  /** How many reports the written prior is worth (pseudo-counts). */
  readonly strength: number;
  /** Reports a cause needs under a symptom before its prior is learned. */
  readonly minReports: number;
  /** A learned prior stays within [declared / maxFactor, min(1, declared × maxFactor)]. */
  readonly maxFactor: number;
}

export const defaultLearning: LearningSettings = { strength: 20, minReports: 5, maxFactor: 3 };

export function learningSettings(kb: CompiledKnowledgeBase): LearningSettings {
  return { ...defaultLearning, ...kb.data.settings.learning };
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * The prior of one cause under one symptom after `solved` and `notSolved` reports: the mean of a Beta
 * distribution whose pseudo-counts are the written prior times `strength` (solved) and its complement
 * times `strength` (not solved). Null below `minReports` reports; held within `maxFactor` of the
 * written prior so that a burst of reports, honest or not, cannot bury or crown a cause on its own.
 */
export function learnPrior(declared: number, solved: number, notSolved: number, settings: LearningSettings): { learned: number | null; bounded: boolean } {
  const reports = solved + notSolved;
  if (reports < settings.minReports) return { learned: null, bounded: false };
  const k = settings.strength;
  const raw = (k * declared + solved) / (k + reports);
  const low = declared / settings.maxFactor;
  const high = Math.min(1, declared * settings.maxFactor);
  const learned = Math.min(high, Math.max(low, raw));
  return { learned: round(learned), bounded: raw < low || raw > high };
}
