import type { ConditionReport, FactDeclaration } from '../generated/schema-types.ts';
import { hasMessage, type Lang, t } from '../i18n/index.ts';
import type { FactMap } from './evaluate.ts';
import { type ConditionNode, isLeaf, type LeafCondition, type Unit } from './three-valued.ts';

export interface DescribeContext {
  readonly lang: Lang;
  readonly facts: FactMap;
  readonly catalogue: ReadonlyMap<string, FactDeclaration>;
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
  if (Array.isArray(value)) return value.map((v) => formatValue(v, lang, decl)).join(', ');
  if (value && typeof value === 'object' && 'fact' in value) return String((value as { fact: unknown }).fact);
  const option = decl?.options?.find((o) => o.value === value);
  return option ? option.label[lang] : String(value);
}

/** Short name of a fact for people: its description without the final full stop. */
export function factLabel(fact: string, ctx: DescribeContext): string {
  return ctx.catalogue.get(fact)?.description[ctx.lang].replace(/\.$/, '') ?? fact;
}

function leafText(leaf: LeafCondition, negate: boolean, ctx: DescribeContext): string | null {
  const decl = ctx.catalogue.get(leaf.fact);
  const operator = negate ? opposite[leaf.operator] : leaf.operator;
  if (!operator) return null;
  if (typeof leaf.value === 'boolean' && (operator === 'equal' || operator === 'notEqual')) {
    const expected = (operator === 'equal') === leaf.value;
    return t(ctx.lang, 'cond.boolean', { description: factLabel(leaf.fact, ctx), value: t(ctx.lang, expected ? 'value.true' : 'value.false') });
  }
  const key = `cond.${operator}`;
  const params = { fact: leaf.fact, operator, value: formatValue(leaf.value, ctx.lang, decl) };
  return t(ctx.lang, hasMessage(key) ? key : 'cond.other', params);
}

function nodeText(node: ConditionNode, negate: boolean, ctx: DescribeContext): string {
  if (isLeaf(node)) return leafText(node, negate, ctx) ?? t(ctx.lang, 'cond.not', { inner: leafText(node, false, ctx)! });
  if ('not' in node) return nodeText(node.not, !negate, ctx);
  const parts = ('all' in node ? node.all : node.any).map((n) => nodeText(n, false, ctx));
  const joiner = 'all' in node ? t(ctx.lang, 'cond.and') : t(ctx.lang, 'cond.or');
  const text = `(${parts.join(joiner)})`;
  return negate ? t(ctx.lang, 'cond.not', { inner: text }) : text;
}

function firstLeaf(node: ConditionNode): LeafCondition {
  if (isLeaf(node)) return node;
  if ('not' in node) return firstLeaf(node.not);
  return firstLeaf(('all' in node ? node.all : node.any)[0]!);
}

/** A unit of a condition in words; a failed one also says what value was actually found. */
export function describeUnit(unit: Unit, ctx: DescribeContext): ConditionReport {
  const leaf = firstLeaf(unit.node);
  const text = nodeText(unit.node, false, ctx);
  const report: ConditionReport = { fact: leaf.fact, operator: isLeaf(unit.node) ? leaf.operator : 'not', value: leaf.value, text };
  if (Object.hasOwn(ctx.facts, leaf.fact)) {
    const actual = ctx.facts[leaf.fact];
    report.actual = actual;
    if (unit.state === false) report.text = t(ctx.lang, 'cond.actual', { text, actual: formatValue(actual, ctx.lang, ctx.catalogue.get(leaf.fact)) });
  }
  return report;
}
