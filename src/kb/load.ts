import { resolve } from 'node:path';
import type { Lang } from '../i18n/index.ts';
import { t } from '../i18n/index.ts';
import { checkKnowledgeBase } from './checks.ts';
import { type Diagnostic, DiagnosticList } from './diagnostics.ts';
import { type KbFile, type KbFiles, readKbFiles } from './files.ts';
import type { KnowledgeBaseData, RuleTestFile, SourceLocation } from './model.ts';
import { type Page, parsePage } from './page.ts';
import { type SchemaName, validateAgainst } from './schema-validator.ts';
import { parseYaml, positionOf, type YamlSource } from './yaml-source.ts';

export interface ReadOptions {
  /** Language of the diagnostics' messages. */
  readonly lang?: Lang;
  /** Check regexes for catastrophic backtracking (slow: a few ms per pattern). */
  readonly checkRegexSafety?: boolean;
}

export interface ReadResult {
  /** Null when errors make the knowledge base unusable. */
  readonly data: KnowledgeBaseData | null;
  readonly diagnostics: Diagnostic[];
  /** How many rules and content files were read. */
  readonly files: number;
}

function kindOf(file: string): SchemaName | null {
  if (file === 'rules/kb.yaml') return 'kb';
  if (file === 'rules/facts.yaml') return 'facts';
  if (file === 'rules/symptoms.yaml') return 'symptoms';
  if (file === 'rules/signals.yaml') return 'signals';
  if (file === 'rules/glossary.yaml') return 'glossary';
  if (/^rules\/causes\/[^/]+\.ya?ml$/.test(file)) return 'causes';
  if (/^rules\/tests\/[^/]+\.ya?ml$/.test(file)) return 'tests';
  return null;
}

/** Reads, validates and cross-checks the knowledge base in `dir`. Never throws for bad content. */
export function readKnowledgeBase(dir: string, options: ReadOptions = {}): ReadResult {
  return checkKbFiles(dir, readKbFiles(dir), options);
}

/** Same as readKnowledgeBase, over files already in memory (used by tests and the watcher). */
export function checkKbFiles(dir: string, files: KbFiles, options: ReadOptions = {}): ReadResult {
  const lang = options.lang ?? 'en';
  const diags = new DiagnosticList();
  const err = (code: Diagnostic['code'], file: string, line: number, col: number, message: string) =>
    diags.report({ code, severity: 'error', file, line, col, message });

  if (files.notKnowledgeBase) {
    // One error that says what is wrong, instead of one "missing file" per file a knowledge base has.
    const { exists, root } = files.notKnowledgeBase;
    const key = !exists ? 'lint.noFolder' : root ? 'lint.notKbHint' : 'lint.notKb';
    err('KB_NOT_A_KB', 'rules/kb.yaml', 1, 1, t(lang, key, { dir: resolve(dir), root: root ?? '' }));
    return { data: null, diagnostics: diags.sorted(), files: 0 };
  }
  for (const u of files.unreadable) err('KB_READ', u.file, 1, 1, t(lang, 'lint.unreadable', { reason: u.reason }));

  const sources = new Map<SchemaName, YamlSource[]>();
  // Ids declared in cause files that failed their syntax or schema check: references to them and
  // their pages are follow-on errors of that one mistake, and are not reported again.
  const brokenCauseIds = new Set<string>();
  let brokenCauseFile = false;
  for (const f of files.rules) {
    const kind = kindOf(f.file);
    if (!kind) {
      err('KB_UNKNOWN_FILE', f.file, 1, 1, t(lang, 'lint.unknownRulesFile'));
      continue;
    }
    const source = parseAndValidate(f, kind, lang, diags);
    if (source) sources.set(kind, [...(sources.get(kind) ?? []), source]);
    else if (kind === 'causes') {
      brokenCauseFile = true;
      for (const m of f.text.matchAll(/^\s*-?\s*id:\s*["']?([a-z0-9][a-z0-9-]*)/gm)) brokenCauseIds.add(m[1]!);
    }
  }
  for (const required of ['kb', 'facts', 'symptoms', 'causes'] as const) {
    if (!sources.has(required) && !files.rules.some((f) => kindOf(f.file) === required)) {
      err('KB_MISSING_FILE', required === 'causes' ? 'rules/causes/' : `rules/${required}.yaml`, 1, 1, t(lang, 'lint.missingFile'));
    }
  }

  const pages = new Map<string, Page>();
  for (const f of files.content) {
    const m = /^content\/([^/]+)\/(symptoms|causes)\/([^/]+)\.md$/.exec(f.file);
    if (!m || (m[1] !== 'de' && m[1] !== 'en')) {
      err('KB_UNKNOWN_FILE', f.file, 1, 1, t(lang, 'lint.unknownContentFile'));
      continue;
    }
    const { page, problems } = parsePage(f.file, f.text, { lang: m[1], kind: m[2]!, id: m[3]! });
    for (const p of problems) {
      if (p.kind === 'yaml') err('KB_YAML_SYNTAX', f.file, p.line, p.col, yamlSyntaxMessage(p, lang));
      else err('KB_FRONT_MATTER', f.file, p.line, p.col, t(lang, p.message === 'missing' ? 'lint.frontMatterMissing' : 'lint.frontMatterUnclosed'));
    }
    if (page.frontMatter) {
      for (const sp of validateAgainst('front-matter', page.frontMatter.data ?? null, lang)) {
        const pos = positionOf(page.frontMatter, sp.path, sp.key);
        err('KB_FRONT_MATTER', f.file, pos.line, pos.col, sp.message);
      }
    }
    pages.set(`${m[1]}/${m[2]}/${m[3]}`, page);
  }

  const data = assemble(dir, sources, pages);
  if (data) checkKnowledgeBase(data, sources, diags, { lang, checkRegexSafety: options.checkRegexSafety ?? true, brokenCauseIds, brokenCauseFile });
  const diagnostics = diags.sorted();
  const usable = data !== null && !diagnostics.some((d) => d.severity === 'error');
  return { data: usable ? data : null, diagnostics, files: files.rules.length + files.content.length + files.unreadable.length };
}

/** Parser codes of mistakes in indentation (or an unclosed bracket, which reads as one). */
const indentationCodes = new Set(['BAD_INDENT', 'TAB_AS_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'MISSING_CHAR']);

function yamlSyntaxMessage(p: { message: string; code?: string }, lang: Lang): string {
  const text = t(lang, 'lint.yamlSyntax', { detail: p.message.replace(/ at line \d+, column \d+:?$/, '') });
  return p.code && indentationCodes.has(p.code) ? `${text}; ${t(lang, 'lint.yamlIndentHint')}` : text;
}

function parseAndValidate(f: KbFile, kind: SchemaName, lang: Lang, diags: DiagnosticList): YamlSource | null {
  const { source, problems } = parseYaml(f.file, f.text);
  for (const p of problems) {
    diags.report({ code: 'KB_YAML_SYNTAX', severity: 'error', file: f.file, line: p.line, col: p.col, message: yamlSyntaxMessage(p, lang) });
  }
  if (!source) return null;
  const schemaProblems = validateAgainst(kind, source.data ?? null, lang);
  for (const sp of schemaProblems) {
    const pos = positionOf(source, sp.path, sp.key);
    diags.report({ code: 'KB_SCHEMA', severity: 'error', file: f.file, line: pos.line, col: pos.col, message: sp.message });
  }
  return schemaProblems.length > 0 ? null : source;
}

function assemble(dir: string, sources: Map<SchemaName, YamlSource[]>, pages: Map<string, Page>): KnowledgeBaseData | null {
  const one = (k: SchemaName) => sources.get(k)?.[0]?.data as Record<string, unknown> | undefined;
  const settings = one('kb');
  const factsFile = one('facts');
  const symptomsFile = one('symptoms');
  if (!settings || !factsFile || !symptomsFile) return null;
  // Positions need the slow positional parse: record where to look, resolve on first use (lint
  // messages, kb test, coverage), never on the way to a diagnosis.
  const wanted: [string, YamlSource, (string | number)[]][] = [];
  const locate = (key: string, src: YamlSource, path: (string | number)[]) => {
    wanted.push([key, src, path]);
  };
  let locations: Map<string, SourceLocation> | undefined;
  const resolveLocations = () => {
    if (!locations) {
      locations = new Map();
      for (const [key, src, path] of wanted) if (!locations.has(key)) locations.set(key, { file: src.file, ...positionOf(src, path) });
    }
    return locations;
  };
  const facts = new Map<string, KnowledgeBaseData['facts'] extends ReadonlyMap<string, infer F> ? F : never>();
  const factsSrc = sources.get('facts')![0]!;
  (factsFile['facts'] as { id: string }[]).forEach((f, i) => {
    if (!facts.has(f.id)) facts.set(f.id, f as never);
    locate(`fact:${f.id}`, factsSrc, ['facts', i]);
  });
  const symptomsSrc = sources.get('symptoms')![0]!;
  const symptoms = symptomsFile['symptoms'] as KnowledgeBaseData['symptoms'];
  symptoms.forEach((s, i) => locate(`symptom:${s.id}`, symptomsSrc, ['symptoms', i]));
  const signals: KnowledgeBaseData['signals'][number][] = [];
  for (const src of sources.get('signals') ?? []) {
    (src.data as { signals: KnowledgeBaseData['signals'][number][] }).signals.forEach((s, i) => {
      signals.push(s);
      locate(`signal:${s.id}`, src, ['signals', i]);
    });
  }
  const causes: KnowledgeBaseData['causes'][number][] = [];
  for (const src of sources.get('causes') ?? []) {
    (src.data as { causes: KnowledgeBaseData['causes'][number][] }).causes.forEach((c, i) => {
      causes.push(c);
      locate(`cause:${c.id}`, src, ['causes', i]);
      const walk = (cond: Record<string, unknown>, path: (string | number)[], key: string) => {
        locate(key, src, path);
        for (const op of ['all', 'any'] as const) {
          const list = cond[op];
          if (Array.isArray(list)) list.forEach((child, j) => walk(child as Record<string, unknown>, [...path, op, j], `${key}/${op}/${j}`));
        }
        if (cond['not'] && typeof cond['not'] === 'object') walk(cond['not'] as Record<string, unknown>, [...path, 'not'], `${key}/not`);
      };
      walk(c.conditions as Record<string, unknown>, ['causes', i, 'conditions'], `cause:${c.id}/conditions`);
    });
  }
  const tests: RuleTestFile[] = [];
  for (const src of sources.get('tests') ?? []) {
    const list = (src.data as { tests: RuleTestFile['tests'][number][] }).tests;
    tests.push({ file: src.file, tests: list.map((tc, i) => ({ ...tc, location: { file: src.file, ...positionOf(src, ['tests', i]) } })) });
  }
  const data = {
    dir,
    settings: settings as unknown as KnowledgeBaseData['settings'],
    facts,
    symptoms,
    signals,
    causes,
    pages,
    tests,
  };
  Object.defineProperty(data, 'locations', { get: resolveLocations, enumerable: true });
  return data as unknown as KnowledgeBaseData;
}
