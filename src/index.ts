/**
 * The public surface of the package: load a knowledge base once, diagnose many times, lint, render.
 *
 *   const kb = loadKnowledgeBase();
 *   const result = await diagnose(kb, { message: 'Nicht autorisiert', lang: 'de' });
 */
export { diagnose, checkRequest } from './engine/diagnose.ts';
export { KbError, type KbErrorCode } from './engine/errors.ts';
export { bundledKbDir, compileKnowledgeBase, loadKnowledgeBase, type CompiledKnowledgeBase } from './engine/knowledge-base.ts';
export { readKnowledgeBase, checkKbFiles, type ReadResult } from './kb/load.ts';
export { formatDiagnostic, type Diagnostic, type DiagnosticCode } from './kb/diagnostics.ts';
export { renderHtml, renderTerminal, renderResult, fillPlaceholders, type ResultFormat } from './render/index.ts';
export { parseVersion, compareVersions } from './facts/version.ts';
export { probe, checkProbeTarget, type ProbeOptions, type ProbeResult, type ProbeFacts, type ProbeStep } from './probe/index.ts';
export type { DiagnoseRequest, DiagnoseResult } from './generated/schema-types.ts';
