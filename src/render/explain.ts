import type { ConditionReport, FactDeclaration } from '../generated/schema-types.ts';
import { type Lang, t } from '../i18n/index.ts';

/** How many values of a list an explanation names before it says "…" (a list of error codes reads as noise). */
const listLimit = 4;

/** What an item is worded from: the item's data, the language, and the fact catalogue (labels, option labels). */
export interface ItemContext {
  readonly lang: Lang;
  readonly catalogue: ReadonlyMap<string, FactDeclaration>;
  /** The case's facts, for a condition that compares with another fact (`{ fact: urlHost }`). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/**
 * A fact value as the person gave it: yes/no, an option's label, a list joined; a reference to another
 * fact is that fact's value (or its label), never its id.
 */
export function wordValue(value: unknown, ctx: ItemContext, decl?: FactDeclaration, limit = Number.POSITIVE_INFINITY): string {
  const { lang } = ctx;
  if (value === true) return t(lang, 'value.true');
  if (value === false) return t(lang, 'value.false');
  if (Array.isArray(value)) {
    if (value.length === 0) return t(lang, 'value.none');
    const shown = value.slice(0, limit).map((v) => wordValue(v, ctx, decl));
    const more = value.length > limit;
    if (more) return `${shown.join(', ')}, …`;
    return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')}${t(lang, 'cond.or')}${shown.at(-1)}`;
  }
  if (value === '') return t(lang, 'value.empty');
  if (value && typeof value === 'object' && 'fact' in value) {
    const name = String((value as { fact: unknown }).fact);
    const known = ctx.facts && Object.hasOwn(ctx.facts, name) ? ctx.facts[name] : undefined;
    return known === undefined ? labelOf(name, ctx) : wordValue(known, ctx, ctx.catalogue.get(name));
  }
  const option = decl?.options?.find((o) => o.value === value);
  return option ? option.label[lang] : String(value);
}

/** A fact's name for people: its short label, else its description without the final full stop. */
export function labelOf(fact: string, ctx: ItemContext): string {
  const decl = ctx.catalogue.get(fact);
  return decl?.label?.[ctx.lang] ?? decl?.description[ctx.lang].replace(/\.$/, '') ?? fact;
}

/**
 * What the condition wanted, said after the value the case has, for the items where the value alone
 * does not say it: a threshold, or a comparison that failed ("CERT_HAS_EXPIRED, not ECONNREFUSED or
 * ETIMEDOUT"). Null when the value says all (yes/no facts, a value equal to the one wanted).
 */
function wanted(item: ConditionReport, ctx: ItemContext, decl: FactDeclaration | undefined): string | null {
  const { lang } = ctx;
  const value = () => wordValue(item.value, ctx, decl, listLimit);
  const held = item.code === 'value-held';
  switch (item.operator) {
    case 'versionAtLeast':
      return t(lang, held ? 'explain.atLeast' : 'explain.below', { value: value() });
    case 'versionBelow':
      return t(lang, held ? 'explain.below' : 'explain.atLeast', { value: value() });
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive':
      return t(lang, `explain.${item.operator}${held ? '' : 'Not'}` as 'explain.lessThan', { value: value() });
    case 'equal':
    case 'in':
      if (held || typeof item.value === 'boolean') return null;
      return t(lang, 'explain.not', { value: value() });
    case 'contains':
      return held ? null : t(lang, 'explain.without', { value: value() });
    case 'doesNotContain':
      return held ? null : t(lang, 'explain.with', { value: value() });
    case 'coversHost':
      return t(lang, held ? 'explain.covers' : 'explain.coversNot', { value: value() });
    default:
      // notEqual, notIn, matchesRegex: the value the case has says it; a pattern is nobody's words.
      return null;
  }
}

/**
 * An explanation item in plain words, in the item's language: "Same login works in webmail: no";
 * "Exchange build: 14.1.218.15 (older than 14.2.247.5)"; "not known yet: Exchange build". Never an
 * internal fact name, never an operator.
 */
export function wordItem(item: ConditionReport, ctx: ItemContext): string {
  const label = item.label || labelOf(item.fact, ctx);
  if (item.code === 'value-unknown' || item.code === 'value-assumed' || item.actual === undefined) return t(ctx.lang, 'explain.notKnown', { label });
  const decl = ctx.catalogue.get(item.fact);
  const stated = t(ctx.lang, 'explain.value', { label, value: wordValue(item.actual, ctx, decl, listLimit) });
  const extra = wanted(item, ctx, decl);
  return extra ? t(ctx.lang, 'explain.valueAgainst', { stated, expectation: extra }) : stated;
}

/** Items of several lists without a fact twice (an unknown fact read by two conditions is one thing not known). */
export function distinctByFact(items: readonly ConditionReport[]): ConditionReport[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    if (seen.has(i.fact)) return false;
    seen.add(i.fact);
    return true;
  });
}
