import type { ConditionReport, FactDeclaration } from '../generated/schema-types.ts';
import { type Lang, t } from '../i18n/index.ts';
import { wordItem } from '../render/explain.ts';
import type { FactMap } from './evaluate.ts';
import { type ConditionNode, factsOf, isLeaf, type LeafCondition, type Unit } from './three-valued.ts';

export interface DescribeContext {
  readonly lang: Lang;
  readonly facts: FactMap;
  readonly catalogue: ReadonlyMap<string, FactDeclaration>;
  /**
   * Items already described in this diagnosis, by condition (a unit's words depend only on its
   * condition, its state and the facts): the reason and the explanation of a cause say the same items.
   */
  readonly described?: Map<Unit['node'], { readonly state: Unit['state']; readonly hint: boolean; readonly report: ConditionReport }>;
}

/** Each operator's opposite, so `not` over a leaf reads as one plain statement. */
const opposite: Readonly<Record<string, string>> = {
  equal: 'notEqual',
  notEqual: 'equal',
  in: 'notIn',
  notIn: 'in',
  contains: 'doesNotContain',
  doesNotContain: 'contains',
  versionAtLeast: 'versionBelow',
  versionBelow: 'versionAtLeast',
  lessThan: 'greaterThanInclusive',
  greaterThanInclusive: 'lessThan',
  greaterThan: 'lessThanInclusive',
  lessThanInclusive: 'greaterThan',
};

export function formatValue(value: unknown, lang: Lang, decl?: FactDeclaration): string {
  if (value === true) return t(lang, 'value.true');
  if (value === false) return t(lang, 'value.false');
  if (Array.isArray(value)) return value.length === 0 ? t(lang, 'value.none') : value.map((v) => formatValue(v, lang, decl)).join(', ');
  if (value === '') return t(lang, 'value.empty');
  if (value && typeof value === 'object' && 'fact' in value) return String((value as { fact: unknown }).fact);
  const option = decl?.options?.find((o) => o.value === value);
  return option ? option.label[lang] : String(value);
}

const labels = new WeakMap<ReadonlyMap<string, FactDeclaration>, Record<Lang, Map<string, string>>>();

/** A fact's name for people: its label, else its description without the final full stop. */
export function factLabel(fact: string, ctx: DescribeContext): string {
  let byLang = labels.get(ctx.catalogue);
  if (!byLang) {
    byLang = { en: new Map(), de: new Map() };
    labels.set(ctx.catalogue, byLang);
  }
  let label = byLang[ctx.lang].get(fact);
  if (label === undefined) {
    const decl = ctx.catalogue.get(fact);
    label = decl?.label?.[ctx.lang] ?? decl?.description[ctx.lang].replace(/\.$/, '') ?? fact;
    if (decl) byLang[ctx.lang].set(fact, label);
  }
  return label;
}

/** The first leaf of a unit and its operator, with `not`s folded into the opposite operator. */
function plainLeaf(node: ConditionNode, negate = false): { leaf: LeafCondition; operator: string; negated: boolean } {
  if (isLeaf(node)) {
    const flipped = negate ? opposite[node.operator] : node.operator;
    return { leaf: node, operator: flipped ?? node.operator, negated: negate && !flipped };
  }
  if ('not' in node) return plainLeaf(node.not, !negate);
  return plainLeaf(('all' in node ? node.all : node.any)[0]!, negate);
}

/** Which list a unit belongs in: facts known and the condition held or failed; not known; or assumed. */
export function unitKind(unit: Unit, facts: FactMap): ConditionReport['code'] {
  const known = unitFacts(unit.node).every((f) => Object.hasOwn(facts, f));
  if (unit.state === undefined) return 'value-unknown';
  if (!known) return 'value-assumed';
  return unit.state ? 'value-held' : 'value-failed';
}

/**
 * A unit of a condition as data with its words: a known fact is stated with the value the person
 * gave ("Webmail sign-in works: no"), with the expectation when it is a comparison; an unknown one
 * reads "not known yet: …". Never an internal fact name.
 */
export function describeUnit(unit: Unit, ctx: DescribeContext, hint = false): ConditionReport {
  const seen = ctx.described?.get(unit.node);
  if (seen && seen.state === unit.state && seen.hint === hint) return seen.report;
  // A condition whose fact is not known reads the same in every diagnosis: worded once per condition,
  // language and list, and copied (a result's items are its own).
  const report = ctx.described && unit.state === undefined ? { ...notKnown(unit, ctx, hint) } : describeAfresh(unit, ctx, hint);
  ctx.described?.set(unit.node, { state: unit.state, hint, report });
  return report;
}

const notKnownReports = new WeakMap<ReadonlyMap<string, FactDeclaration>, WeakMap<Unit['node'], Map<string, ConditionReport>>>();

/** The item of a unit whose state is unknown (its words depend on the condition alone), kept per knowledge base. */
function notKnown(unit: Unit, ctx: DescribeContext, hint: boolean): ConditionReport {
  let byNode = notKnownReports.get(ctx.catalogue);
  if (!byNode) {
    byNode = new WeakMap();
    notKnownReports.set(ctx.catalogue, byNode);
  }
  let reports = byNode.get(unit.node);
  if (!reports) {
    reports = new Map();
    byNode.set(unit.node, reports);
  }
  const key = `${ctx.lang}${hint ? '+' : ''}`;
  let report = reports.get(key);
  if (!report) {
    report = describeAfresh(unit, ctx, hint);
    reports.set(key, report);
  }
  return report;
}

function describeAfresh(unit: Unit, ctx: DescribeContext, hint: boolean): ConditionReport {
  const { leaf, operator } = plainLeaf(unit.node);
  const label = factLabel(leaf.fact, ctx);
  const code = unitKind(unit, ctx.facts);
  const report: ConditionReport = { code, fact: leaf.fact, label, operator, value: leaf.value, text: '' };
  if (hint) report.hint = true;
  if (code !== 'value-unknown' && code !== 'value-assumed') report.actual = ctx.facts[leaf.fact];
  // The words come from the renderer: the value as the person gave it, what was wanted where the value alone does not say it.
  report.text = wordItem(report, { lang: ctx.lang, catalogue: ctx.catalogue, facts: ctx.facts });
  return report;
}

/** Items of a list without repeats (the same fact stated twice reads as noise). */
export function uniqueItems(items: readonly ConditionReport[]): ConditionReport[] {
  if (items.length < 2) return [...items];
  // By code, then by text (no joined key: the texts are the items' own strings, hashed once).
  const seen = new Map<string, Set<string>>();
  return items.filter((i) => {
    let texts = seen.get(i.code);
    if (!texts) {
      texts = new Set();
      seen.set(i.code, texts);
    }
    if (texts.has(i.text)) return false;
    texts.add(i.text);
    return true;
  });
}

const factsByNode = new WeakMap<Unit['node'], readonly string[]>();

/** The facts a unit's condition reads (factsOf), worked out once per condition. */
export function unitFacts(node: Unit['node']): readonly string[] {
  let facts = factsByNode.get(node);
  if (!facts) {
    facts = factsOf(node);
    factsByNode.set(node, facts);
  }
  return facts;
}
