/**
 * Learning priors from agents' feedback (kb serve --learn, kb priors): per symptom and cause, the prior
 * written in the knowledge base is a Beta prior worth `learning.strength` reports, updated by the solved
 * and not-solved reports, used from `learning.minReports` reports on and held within `learning.maxFactor`
 * of the written prior. The engine reads the result through `diagnose(kb, request, { priors })`.
 *
 *   const priors = learnPriors(kb, await store.counts(kb.data.settings.name));
 *   const result = await diagnose(kb, request, { priors });
 *   priorPatch(kb, priors); // YAML a writer can adopt
 */
export { defaultLearning, type LearningSettings, learnPrior, learningSettings } from './beta.ts';
export { type LearnerOptions, type LearnerStatus, PriorLearner } from './learner.ts';
export { type CausePatch, causePatches, priorPatch, yamlPrior } from './patch.ts';
export { type LearnedPriors, learnPriors, type PriorEntry } from './priors.ts';
