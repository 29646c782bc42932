/**
 * Reading and checking a knowledge base: YAML with positions, JSON Schema validation, cross-checks,
 * content pages, and the build-time snapshot. Problems are data (Diagnostic), never exceptions.
 */
export { checkKbFiles, readKnowledgeBase, type ReadOptions, type ReadResult } from './load.ts';
export { type Diagnostic, type DiagnosticCode, DiagnosticList, formatDiagnostic, type Severity } from './diagnostics.ts';
export { type KbFile, type KbFiles, maxFileBytes, readKbFiles } from './files.ts';
export { type KnowledgeBaseData, pageKey, type SourceLocation } from './model.ts';
export { type Page, parsePage, placeholderPattern } from './page.ts';
export { loadSchemas, type SchemaName, schemasDir, validateAgainst } from './schema-validator.ts';
export { fingerprint, readSnapshot, writeSnapshot } from './snapshot.ts';
export { parseYaml, type Position, positionOf, type YamlSource } from './yaml-source.ts';
