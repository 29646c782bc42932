import { customOperators, builtinOperatorTypes } from '../facts/operators.ts';
import { parseVersion } from '../facts/version.ts';
import { derivationArity } from '../facts/derive.ts';
import type { FactDeclaration } from '../generated/schema-types.ts';
import { type Lang, languages, t } from '../i18n/index.ts';
import type { DiagnosticCode, DiagnosticList } from './diagnostics.ts';
import type { KnowledgeBaseData } from './model.ts';
import { pageKey } from './model.ts';
import { checkGlossary } from './glossary.ts';
import { checkLinks } from './links.ts';
import { closest } from './_closest.ts';
import { checkRegexSafety } from './regex-safety.ts';
import type { SchemaName } from './schema-validator.ts';
import { positionOf, type YamlSource } from './yaml-source.ts';

interface Ctx {
  readonly data: KnowledgeBaseData;
  readonly diags: DiagnosticList;
  readonly lang: Lang;
  /** Causes declared in a file that failed its own check: known, though not loaded. */
  readonly brokenCauseIds: ReadonlySet<string>;
  /** A cause file failed: which symptoms its causes show as is unknown. */
  readonly brokenCauseFile: boolean;
}

type Path = (string | number)[];

function report(ctx: Ctx, code: DiagnosticCode, src: YamlSource | { file: string; line: number; col: number }, path: Path | null, message: string, severity: 'error' | 'warning' = 'error', key?: string): void {
  const pos = 'text' in src ? positionOf(src, path ?? [], key) : { line: src.line, col: src.col };
  ctx.diags.report({ code, severity, file: src.file, line: pos.line, col: pos.col, message });
}

/** Checks beyond the schemas: ids, references between files, types of values, regexes and pages. */
export function checkKnowledgeBase(
  data: KnowledgeBaseData,
  sources: ReadonlyMap<SchemaName, readonly YamlSource[]>,
  diags: DiagnosticList,
  options: { lang: Lang; checkRegexSafety: boolean; brokenCauseIds?: ReadonlySet<string>; brokenCauseFile?: boolean },
): void {
  const ctx: Ctx = { data, diags, lang: options.lang, brokenCauseIds: options.brokenCauseIds ?? new Set(), brokenCauseFile: options.brokenCauseFile ?? false };
  checkFacts(ctx, sources.get('facts')?.[0]);
  checkOperatorDeclarations(ctx, sources.get('kb')?.[0]);
  checkSymptoms(ctx, sources.get('symptoms')?.[0]);
  for (const src of sources.get('signals') ?? []) checkSignals(ctx, src, options.checkRegexSafety);
  const seenCauses = new Set<string>();
  for (const src of sources.get('causes') ?? []) checkCauses(ctx, src, seenCauses);
  checkPages(ctx);
  checkGlossary(data, { glossary: sources.get('glossary')?.[0], facts: sources.get('facts')?.[0], symptoms: sources.get('symptoms')?.[0] }, diags, ctx.lang);
  checkLinks(data, diags, ctx.lang);
  const seenTests = new Set<string>();
  for (const src of sources.get('tests') ?? []) checkTests(ctx, src, seenTests);
}

function duplicate(ctx: Ctx, seen: Set<string>, id: string, src: YamlSource, path: Path, what: string): void {
  if (seen.has(id)) report(ctx, 'KB_DUPLICATE_ID', src, [...path, 'id'], t(ctx.lang, 'lint.duplicateId', { what, id }));
  seen.add(id);
}

function checkFacts(ctx: Ctx, src: YamlSource | undefined): void {
  if (!src) return;
  const list = (src.data as { facts: FactDeclaration[] }).facts;
  const seen = new Set<string>();
  list.forEach((f, i) => {
    const path = ['facts', i];
    duplicate(ctx, seen, f.id, src, path, 'fact');
    if (f.options && f.type !== 'string' && f.type !== 'string-list') {
      report(ctx, 'KB_VALUE_TYPE', src, [...path, 'options'], t(ctx.lang, 'lint.optionsNotAllowed', { type: f.type }));
    }
    if ((f.min !== undefined || f.max !== undefined) && f.type !== 'integer') {
      report(ctx, 'KB_VALUE_TYPE', src, [...path, f.min !== undefined ? 'min' : 'max'], t(ctx.lang, 'lint.rangeNotAllowed', { type: f.type }));
    }
    if ((f.source === 'derived') !== (f.derive !== undefined)) {
      report(ctx, 'KB_DERIVATION', src, path, t(ctx.lang, f.source === 'derived' ? 'lint.deriveMissing' : 'lint.deriveNotDerived', { fact: f.id }));
    }
    const derivations = f.derive === undefined ? [] : Array.isArray(f.derive) ? f.derive : [f.derive];
    derivations.forEach((d, j) => {
      const dpath = Array.isArray(f.derive) ? [...path, 'derive', j] : [...path, 'derive'];
      d.from.forEach((input, k) => {
        if (!ctx.data.facts.has(input)) report(ctx, 'KB_UNKNOWN_FACT', src, [...dpath, 'from', k], unknownFact(ctx, input));
      });
      const arity = derivationArity[d.fn];
      if (arity && d.from.length !== arity.inputs) {
        report(ctx, 'KB_DERIVATION', src, [...dpath, 'from'], t(ctx.lang, 'lint.deriveArity', { fn: d.fn, count: arity.inputs }));
      }
      for (const param of arity?.params ?? []) {
        if (d[param as keyof typeof d] === undefined) report(ctx, 'KB_DERIVATION', src, dpath, t(ctx.lang, 'lint.deriveParam', { fn: d.fn, param }));
      }
      if (d.pattern !== undefined && compileRegex(d.pattern, 'i') instanceof Error) {
        report(ctx, 'KB_BAD_REGEX', src, [...dpath, 'pattern'], t(ctx.lang, 'lint.badRegex', { detail: String((compileRegex(d.pattern, 'i') as Error).message) }));
      }
      for (const v of ['min', 'below'] as const) {
        if (d[v] !== undefined && !parseVersion(d[v])) report(ctx, 'KB_VALUE_TYPE', src, [...dpath, v], t(ctx.lang, 'lint.notVersion', { value: String(d[v]) }));
      }
    });
  });
}

function checkOperatorDeclarations(ctx: Ctx, src: YamlSource | undefined): void {
  if (!src) return;
  (ctx.data.settings.operators ?? []).forEach((op, i) => {
    if (!Object.hasOwn(customOperators, op.name)) {
      report(ctx, 'KB_UNKNOWN_OPERATOR', src, ['operators', i, 'name'], t(ctx.lang, 'lint.operatorNotImplemented', { operator: op.name, known: Object.keys(customOperators).join(', ') }));
    }
  });
}

function checkSymptoms(ctx: Ctx, src: YamlSource | undefined): void {
  if (!src) return;
  const seen = new Set<string>();
  const used = new Set(ctx.data.causes.flatMap((c) => c.symptoms));
  ctx.data.symptoms.forEach((s, i) => {
    duplicate(ctx, seen, s.id, src, ['symptoms', i], 'symptom');
    checkPagePresence(ctx, src, ['symptoms', i], 'symptoms', s.page ?? s.id);
    if (!used.has(s.id) && !ctx.brokenCauseFile) report(ctx, 'KB_UNUSED_SYMPTOM', src, ['symptoms', i, 'id'], t(ctx.lang, 'lint.unusedSymptom', { id: s.id }), 'warning');
  });
}

function checkPagePresence(ctx: Ctx, src: YamlSource, path: Path, kind: 'symptoms' | 'causes', id: string): void {
  for (const lang of languages) {
    if (!ctx.data.pages.has(pageKey(lang, kind, id))) {
      report(ctx, 'KB_MISSING_PAGE', src, [...path, 'id'], t(ctx.lang, 'lint.missingPage', { file: `content/${lang}/${kind}/${id}.md` }));
    }
  }
}

function compileRegex(pattern: string, flags: string): RegExp | Error {
  try {
    return new RegExp(pattern, flags);
  } catch (e) {
    return e as Error;
  }
}

function unknownFact(ctx: Ctx, name: string): string {
  const hint = closest(name, [...ctx.data.facts.keys()]);
  return hint ? t(ctx.lang, 'lint.unknownFactHint', { fact: name, hint }) : t(ctx.lang, 'lint.unknownFact', { fact: name });
}

/** "unknown cause" with the closest known id, or null when the id is known (loaded or in a broken file). */
function unknownCause(ctx: Ctx, id: string): string | null {
  if (ctx.data.causes.some((c) => c.id === id) || ctx.brokenCauseIds.has(id)) return null;
  const hint = closest(id, ctx.data.causes.map((c) => c.id));
  return hint ? t(ctx.lang, 'lint.unknownCauseHint', { id, hint }) : t(ctx.lang, 'lint.unknownCause', { id });
}

function checkSymptomRef(ctx: Ctx, src: YamlSource, path: Path, id: string): void {
  if (!ctx.data.symptoms.some((s) => s.id === id)) {
    const known = ctx.data.symptoms.map((s) => s.id);
    const hint = closest(id, known);
    report(ctx, 'KB_UNKNOWN_SYMPTOM', src, path, t(ctx.lang, hint ? 'lint.unknownSymptomHint' : 'lint.unknownSymptom', { id, hint: hint ?? '', known: known.join(', ') }));
  }
}

function checkSignals(ctx: Ctx, src: YamlSource, safety: boolean): void {
  const seen = new Set<string>();
  const list = (src.data as { signals: KnowledgeBaseData['signals'][number][] }).signals;
  list.forEach((s, i) => {
    const path: Path = ['signals', i];
    duplicate(ctx, seen, s.id, src, path, 'signal');
    if (s.symptom) checkSymptomRef(ctx, src, [...path, 'symptom'], s.symptom);
    for (const [name, value] of Object.entries(s.set ?? {})) {
      checkFactValue(ctx, src, [...path, 'set', name], name, value);
    }
    const re = compileRegex(s.pattern, s.flags ?? 'i');
    if (re instanceof Error) {
      report(ctx, 'KB_BAD_REGEX', src, [...path, 'pattern'], t(ctx.lang, 'lint.badRegex', { detail: re.message }));
      return;
    }
    for (const group of namedGroups(s.pattern)) {
      const decl = ctx.data.facts.get(group);
      if (!decl) report(ctx, 'KB_UNKNOWN_GROUP', src, [...path, 'pattern'], t(ctx.lang, 'lint.unknownGroup', { group }));
      else if (decl.source === 'derived') report(ctx, 'KB_UNKNOWN_GROUP', src, [...path, 'pattern'], t(ctx.lang, 'lint.derivedGroup', { group }));
    }
    if (safety) {
      const verdict = checkRegexSafety(s.pattern, s.flags ?? 'i');
      if (verdict.status === 'vulnerable') {
        report(ctx, 'KB_UNSAFE_REGEX', src, [...path, 'pattern'], t(ctx.lang, 'lint.unsafeRegex', { attack: verdict.attack ?? '' }));
      } else if (verdict.status === 'unknown') {
        report(ctx, 'KB_UNSAFE_REGEX', src, [...path, 'pattern'], t(ctx.lang, 'lint.regexUndecided'), 'warning');
      }
    }
    s.examples.forEach((example, j) => {
      if (!new RegExp(s.pattern, s.flags ?? 'i').test(example)) {
        report(ctx, 'KB_SIGNAL_EXAMPLE', src, [...path, 'examples', j], t(ctx.lang, 'lint.exampleNoMatch'));
      }
    });
  });
}

/** Names of the named groups `(?<name>...)` in a pattern (not lookbehinds `(?<=` / `(?<!`). */
export function namedGroups(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!);
}

function checkCauses(ctx: Ctx, src: YamlSource, seen: Set<string>): void {
  const list = (src.data as { causes: KnowledgeBaseData['causes'][number][] }).causes;
  list.forEach((c, i) => {
    const path: Path = ['causes', i];
    duplicate(ctx, seen, c.id, src, path, 'cause');
    c.symptoms.forEach((s, j) => checkSymptomRef(ctx, src, [...path, 'symptoms', j], s));
    (c.outranks ?? []).forEach((id, j) => {
      const problem = unknownCause(ctx, id);
      if (problem) report(ctx, 'KB_UNKNOWN_CAUSE', src, [...path, 'outranks', j], problem);
    });
    for (const s of Object.keys(c.priorBySymptom ?? {})) {
      if (!c.symptoms.includes(s)) report(ctx, 'KB_UNKNOWN_SYMPTOM', src, [...path, 'priorBySymptom'], t(ctx.lang, 'lint.priorSymptom', { id: s }), 'error', s);
    }
    checkPagePresence(ctx, src, path, 'causes', c.page ?? c.id);
    checkCondition(ctx, src, [...path, 'conditions'], c.conditions as Record<string, unknown>);
    (c.hints ?? []).forEach((hint, j) => checkCondition(ctx, src, [...path, 'hints', j], hint as Record<string, unknown>));
  });
}

function checkCondition(ctx: Ctx, src: YamlSource, path: Path, cond: Record<string, unknown>): void {
  const kinds = ['all', 'any', 'not', 'fact'].filter((k) => cond[k] !== undefined);
  if (kinds.length !== 1 || (kinds[0] === 'fact' && (cond['operator'] === undefined || !('value' in cond))) || (kinds[0] !== 'fact' && (cond['operator'] !== undefined || 'value' in cond || 'ifUnknown' in cond || 'gate' in cond))) {
    report(ctx, 'KB_CONDITION_SHAPE', src, path, t(ctx.lang, 'lint.conditionShape'));
    return;
  }
  if (kinds[0] === 'all' || kinds[0] === 'any') {
    (cond[kinds[0]] as Record<string, unknown>[]).forEach((child, i) => checkCondition(ctx, src, [...path, kinds[0]!, i], child));
    return;
  }
  if (kinds[0] === 'not') {
    checkCondition(ctx, src, [...path, 'not'], cond['not'] as Record<string, unknown>);
    return;
  }
  const factName = String(cond['fact']);
  const operator = String(cond['operator']);
  const decl = ctx.data.facts.get(factName);
  if (!decl) {
    report(ctx, 'KB_UNKNOWN_FACT', src, [...path, 'fact'], unknownFact(ctx, factName));
    return;
  }
  const builtin = builtinOperatorTypes[operator];
  const custom = ctx.data.settings.operators?.find((o) => o.name === operator);
  if (!builtin && !custom) {
    const known = [...Object.keys(builtinOperatorTypes), ...(ctx.data.settings.operators ?? []).map((o) => o.name)];
    const hint = closest(operator, known);
    report(ctx, 'KB_UNKNOWN_OPERATOR', src, [...path, 'operator'], t(ctx.lang, hint ? 'lint.unknownOperatorHint' : 'lint.unknownOperator', { operator, hint: hint ?? '', known: known.join(', ') }));
    return;
  }
  const factTypes = builtin ? builtin.factTypes : custom!.factTypes;
  if (!factTypes.includes(decl.type)) {
    report(ctx, 'KB_OPERATOR_TYPE', src, [...path, 'operator'], t(ctx.lang, 'lint.operatorType', { operator, fact: factName, type: decl.type, types: factTypes.join(', ') }));
    return;
  }
  const value = cond['value'];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const ref = String((value as { fact: unknown }).fact);
    if (!ctx.data.facts.has(ref)) report(ctx, 'KB_UNKNOWN_FACT', src, [...path, 'value', 'fact'], unknownFact(ctx, ref));
    return;
  }
  const vpath = [...path, 'value'];
  if (custom) {
    checkTypedValue(ctx, src, vpath, { ...decl, type: custom.valueType, options: undefined } as FactDeclaration, value);
  } else if (builtin!.value === 'list') {
    if (!Array.isArray(value)) report(ctx, 'KB_VALUE_TYPE', src, vpath, t(ctx.lang, 'lint.valueList', { operator }));
    else value.forEach((v, i) => checkTypedValue(ctx, src, [...vpath, i], decl, v));
  } else if (builtin!.value === 'item') {
    checkTypedValue(ctx, src, vpath, { ...decl, type: 'string' }, value);
  } else {
    checkTypedValue(ctx, src, vpath, decl, value);
  }
}

function checkFactValue(ctx: Ctx, src: YamlSource, path: Path, name: string, value: unknown): void {
  const decl = ctx.data.facts.get(name);
  if (!decl) report(ctx, 'KB_UNKNOWN_FACT', src, path, unknownFact(ctx, name), 'error', undefined);
  else checkTypedValue(ctx, src, path, decl, value);
}

/** Whether a value written in a rule has the fact's declared type (strictly: no coercion in rules). */
export function fitsType(decl: Pick<FactDeclaration, 'type' | 'options' | 'min' | 'max'>, value: unknown): boolean {
  switch (decl.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value) && (decl.min === undefined || (value as number) >= decl.min) && (decl.max === undefined || (value as number) <= decl.max);
    case 'version':
      return parseVersion(value) !== null;
    case 'string':
    case 'url':
      return typeof value === 'string' && (!decl.options || decl.options.some((o) => o.value === value));
    case 'string-list':
      return Array.isArray(value) ? value.every((v) => fitsType({ ...decl, type: 'string' }, v)) : false;
  }
}

function checkTypedValue(ctx: Ctx, src: YamlSource, path: Path, decl: FactDeclaration, value: unknown): void {
  if (fitsType(decl, value)) return;
  const expected = decl.options ? decl.options.map((o) => o.value).join(', ') : decl.type;
  report(ctx, 'KB_VALUE_TYPE', src, path, t(ctx.lang, 'lint.valueType', { value: JSON.stringify(value), fact: decl.id, expected }));
}

function checkPages(ctx: Ctx): void {
  const owners = new Set<string>();
  for (const s of ctx.data.symptoms) for (const l of languages) owners.add(pageKey(l, 'symptoms', s.page ?? s.id));
  for (const c of ctx.data.causes) for (const l of languages) owners.add(pageKey(l, 'causes', c.page ?? c.id));
  // A page of a cause in a file that failed its check is not an orphan; that file's error says it all.
  for (const id of ctx.brokenCauseIds) for (const l of languages) owners.add(pageKey(l, 'causes', id));
  for (const [key, page] of ctx.data.pages) {
    const at = { file: page.file, line: 1, col: 1 };
    if (!owners.has(key)) {
      report(ctx, 'KB_ORPHAN_PAGE', at, null, t(ctx.lang, 'lint.orphanPage', { kind: page.kind === 'causes' ? 'cause' : 'symptom', id: page.id }));
      continue;
    }
    const required = ctx.data.settings.sections[page.kind as 'symptoms' | 'causes'][page.lang as Lang];
    let last = -1;
    const unexpected = page.sections.filter((s) => !required.includes(s.heading));
    for (const heading of required) {
      const index = page.sections.findIndex((s) => s.heading === heading);
      if (index === -1) {
        // A heading the page has instead, near in spelling, or the only unexpected one: likely renamed.
        const instead = unexpected.find((s) => s.heading === closest(heading, unexpected.map((u) => u.heading))) ?? (unexpected.length === 1 ? unexpected[0] : undefined);
        if (instead) report(ctx, 'KB_MISSING_SECTION', { file: page.file, line: instead.line, col: 1 }, null, t(ctx.lang, 'lint.missingSectionHint', { heading, found: instead.heading }));
        else report(ctx, 'KB_MISSING_SECTION', { file: page.file, line: page.bodyLine, col: 1 }, null, t(ctx.lang, 'lint.missingSection', { heading }));
        continue;
      }
      const section = page.sections[index]!;
      if (index < last) report(ctx, 'KB_MISSING_SECTION', { file: page.file, line: section.line, col: 1 }, null, t(ctx.lang, 'lint.sectionOrder', { heading }));
      if (section.text === '') report(ctx, 'KB_EMPTY_SECTION', { file: page.file, line: section.line, col: 1 }, null, t(ctx.lang, 'lint.emptySection', { heading }));
      last = Math.max(last, index);
    }
    for (const p of page.placeholders) {
      if (!ctx.data.facts.has(p.fact)) {
        report(ctx, 'KB_UNKNOWN_PLACEHOLDER', { file: page.file, line: p.line, col: p.col }, null, unknownFact(ctx, p.fact));
      }
    }
  }
}

function checkTests(ctx: Ctx, src: YamlSource, seen: Set<string>): void {
  const list = (src.data as { tests: KnowledgeBaseData['tests'][number]['tests'][number][] }).tests;
  list.forEach((tc, i) => {
    const path: Path = ['tests', i];
    if (seen.has(tc.name)) report(ctx, 'KB_DUPLICATE_ID', src, [...path, 'name'], t(ctx.lang, 'lint.duplicateId', { what: 'test', id: tc.name }));
    seen.add(tc.name);
    for (const [field, map] of [['facts', tc.facts], ['observed', tc.observed]] as const) {
      for (const name of Object.keys(map ?? {})) if (!ctx.data.facts.has(name)) report(ctx, 'KB_UNKNOWN_FACT', src, [...path, field], unknownFact(ctx, name), 'error', name);
    }
    if (tc.symptom) checkSymptomRef(ctx, src, [...path, 'symptom'], tc.symptom);
    if (!tc.message && !tc.symptom && !tc.facts && !tc.observed) report(ctx, 'KB_TEST', src, path, t(ctx.lang, 'lint.testEmpty'));
    const e = tc.expect;
    const causeRefs: [Path, string][] = [];
    if (e.top) causeRefs.push([[...path, 'expect', 'top'], e.top]);
    for (const id of Object.keys(e.status ?? {})) causeRefs.push([[...path, 'expect', 'status'], id]);
    for (const id of Object.keys(e.rank ?? {})) causeRefs.push([[...path, 'expect', 'rank'], id]);
    (e.ruledOut ?? []).forEach((id, j) => causeRefs.push([[...path, 'expect', 'ruledOut', j], id]));
    for (const [p, id] of causeRefs) {
      const problem = unknownCause(ctx, id);
      if (problem) report(ctx, 'KB_TEST', src, p, problem);
    }
    if (typeof e.symptom === 'string') checkSymptomRef(ctx, src, [...path, 'expect', 'symptom'], e.symptom);
    if (e.question && !ctx.data.facts.has(e.question)) report(ctx, 'KB_UNKNOWN_FACT', src, [...path, 'expect', 'question'], unknownFact(ctx, e.question));
    for (const name of Object.keys(e.facts ?? {})) if (!ctx.data.facts.has(name)) report(ctx, 'KB_UNKNOWN_FACT', src, [...path, 'expect', 'facts'], unknownFact(ctx, name), 'error', name);
  });
}
