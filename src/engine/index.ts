/**
 * The engine: load and compile a knowledge base once, then diagnose requests: evaluate causes with
 * json-rules-engine in three-valued logic, rank them, explain them, and choose the next questions.
 */
export { checkRequest, type DiagnoseOptions, diagnose } from './diagnose.ts';
export { type CausePrior, declaredPrior, type PriorSource } from './priors.ts';
export { KbError, type KbErrorCode } from './errors.ts';
export { answerOptions, factList } from './fact-view.ts';
export { bundledKbDir, type CompiledKnowledgeBase, compileKnowledgeBase, loadKnowledgeBase, snapshotPath } from './knowledge-base.ts';
export { type CauseStatus, layerOrder, rank } from './rank.ts';
export { type ConditionNode, fold, type Tri, verdict } from './three-valued.ts';
