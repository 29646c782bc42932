import { join, resolve } from 'node:path';
import type { FactDeclaration } from '../generated/schema-types.ts';
import { t } from '../i18n/index.ts';
import { formatDiagnostic, type Diagnostic } from '../kb/diagnostics.ts';
import { readKbFiles } from '../kb/files.ts';
import { checkKbFiles, type ReadOptions } from '../kb/load.ts';
import { fingerprint, readSnapshot } from '../kb/snapshot.ts';
import type { KnowledgeBaseData } from '../kb/model.ts';
import type { DiagnoseResult } from '../generated/schema-types.ts';
import { Recognizer } from '../recognize/index.ts';
import { Lru } from './lru.ts';
import { KbError } from './errors.ts';
import { type CompiledCause, compileCause, LeafRules } from './evaluate.ts';
import { factsOf, requiredFacts } from './three-valued.ts';

/** The knowledge base shipped with the package (rules/ and content/ beside src/ and dist/). */
export const bundledKbDir = join(import.meta.dirname, '..', '..');

/** Written by `npm run build` (scripts/snapshot-kb.js) into dist/; absent when running from src/. */
export const snapshotPath = join(import.meta.dirname, '..', 'kb-snapshot.json');

/** A checked knowledge base with everything a diagnosis needs built once: engines, indexes, search. */
export interface CompiledKnowledgeBase {
  readonly data: KnowledgeBaseData;
  readonly warnings: readonly Diagnostic[];
  readonly causes: ReadonlyMap<string, CompiledCause>;
  /** Causes by symptom id. */
  readonly bySymptom: ReadonlyMap<string, readonly CompiledCause[]>;
  /** Causes by each base fact their conditions depend on (through derivations). */
  readonly byFact: ReadonlyMap<string, readonly CompiledCause[]>;
  /** Base facts each cause depends on. */
  readonly baseFactsOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** Facts (as the conditions name them) that must all be known before a cause can be confirmed. */
  readonly requiredOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** Causes by one of their required facts; those that need none are under the empty key. */
  readonly byRequiredFact: ReadonlyMap<string, readonly CompiledCause[]>;
  readonly recognizer: Recognizer;
  /** Recent diagnoses by request (frozen); a knowledge base is immutable, so they never go stale. */
  readonly results: Lru<string, DiagnoseResult>;
}

/** The base (typed-in, observed or asked) facts behind a fact, following derivations. */
export function baseFacts(fact: string, catalogue: ReadonlyMap<string, FactDeclaration>, seen = new Set<string>()): string[] {
  if (seen.has(fact)) return [];
  seen.add(fact);
  const decl = catalogue.get(fact);
  if (!decl?.derive) return [fact];
  const list = Array.isArray(decl.derive) ? decl.derive : [decl.derive];
  return list.flatMap((d) => d.from.flatMap((f) => baseFacts(f, catalogue, seen)));
}

/** Builds engines and indexes for checked data. */
/** What the result cache may hold, in request characters plus a fixed weight per result (see diagnose). */
const resultCacheWeight = 32 * 1024 * 1024;

export function compileKnowledgeBase(data: KnowledgeBaseData, warnings: readonly Diagnostic[] = [], options: { cacheSize?: number } = {}): CompiledKnowledgeBase {
  const causes = new Map<string, CompiledCause>();
  const bySymptom = new Map<string, CompiledCause[]>();
  const byFact = new Map<string, CompiledCause[]>();
  const baseFactsOf = new Map<string, Set<string>>();
  const requiredOf = new Map<string, Set<string>>();
  const byRequiredFact = new Map<string, CompiledCause[]>();
  const rules = new LeafRules();
  for (const decl of data.causes) {
    const compiled = compileCause(decl, rules);
    causes.set(decl.id, compiled);
    for (const s of decl.symptoms) bySymptom.set(s, [...(bySymptom.get(s) ?? []), compiled]);
    const base = new Set([compiled.conditions, ...compiled.hints].flatMap(factsOf).flatMap((f) => baseFacts(f, data.facts)));
    baseFactsOf.set(decl.id, base);
    for (const f of base) byFact.set(f, [...(byFact.get(f) ?? []), compiled]);
    const required = requiredFacts(compiled.conditions);
    requiredOf.set(decl.id, required);
    const key = [...required][0] ?? '';
    byRequiredFact.set(key, [...(byRequiredFact.get(key) ?? []), compiled]);
  }
  return { data, warnings, causes, bySymptom, byFact, baseFactsOf, requiredOf, byRequiredFact, recognizer: new Recognizer(data), results: new Lru(options.cacheSize ?? 256, resultCacheWeight) };
}

/**
 * Loads, checks and compiles a knowledge base (the bundled one by default). Throws KbError
 * `KB_INVALID` with the diagnostics when it has errors: a broken knowledge base never serves silently.
 */
export function loadKnowledgeBase(dir: string = bundledKbDir, options: ReadOptions & { cacheSize?: number } = {}): CompiledKnowledgeBase {
  const files = readKbFiles(dir);
  const print = fingerprint(files);
  // The build checks the bundled knowledge base once; an unchanged copy loads from that snapshot.
  const snapshot = resolve(dir) === resolve(bundledKbDir) && (options.lang ?? 'en') === 'en' ? readSnapshot(snapshotPath, print, dir) : null;
  const { data, diagnostics } = snapshot ?? checkKbFiles(dir, files, options);
  if (!data) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const lang = options.lang ?? 'en';
    const listed = errors.slice(0, 10).map((d) => formatDiagnostic(d, t(lang, 'severity.error'))).join('\n');
    throw new KbError('KB_INVALID', `The knowledge base in ${dir} has ${errors.length} error(s):\n${listed}`, { diagnostics });
  }
  return compileKnowledgeBase(data, diagnostics, options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize });
}
