/**
 * The public surface of the package: load a knowledge base once, diagnose many times, lint, render.
 *
 *   const kb = loadKnowledgeBase();
 *   const result = await diagnose(kb, { message: 'Nicht autorisiert', lang: 'de' });
 *   // with priors learned from agents' feedback:
 *   const priors = learnPriors(kb, await (await openFeedbackStore('kb-feedback.sqlite')).counts(kb.data.settings.name));
 *   await diagnose(kb, request, { priors });
 */
export { diagnose, checkRequest, type DiagnoseOptions } from './engine/diagnose.ts';
export { declaredPrior, type CausePrior, type PriorSource } from './engine/priors.ts';
export { KbError, type KbErrorCode } from './engine/errors.ts';
export { bundledKbDir, compileKnowledgeBase, loadKnowledgeBase, type CompiledKnowledgeBase } from './engine/knowledge-base.ts';
export { readKnowledgeBase, checkKbFiles, type ReadResult } from './kb/load.ts';
export { formatDiagnostic, type Diagnostic, type DiagnosticCode } from './kb/diagnostics.ts';
export { renderHtml, renderTerminal, renderResult, fillPlaceholders, type ResultFormat } from './render/index.ts';
export { parseVersion, compareVersions } from './facts/version.ts';
export { probe, checkProbeTarget, type ProbeOptions, type ProbeResult, type ProbeFacts, type ProbeStep } from './probe/index.ts';
export { openFeedbackStore, FeedbackError, type FeedbackStore, type FeedbackCount } from './feedback/index.ts';
export { learnPriors, priorPatch, type LearnedPriors, type PriorEntry } from './learn/index.ts';
export type { DiagnoseRequest, DiagnoseResult } from './generated/schema-types.ts';
