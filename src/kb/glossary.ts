import { type Lang, languages, t } from '../i18n/index.ts';
import type { DiagnosticList, Severity } from './diagnostics.ts';
import type { KnowledgeBaseData } from './model.ts';
import { lineColAt, readProse } from './prose.ts';
import { positionOf, type YamlSource } from './yaml-source.ts';

// The shape of rules/glossary.yaml as schemas/glossary.schema.json describes it; the file reaches
// this check only after it passed that schema.
interface Usage {
  readonly use: string;
  readonly avoid?: readonly string[];
  readonly except?: readonly string[];
}
interface GlossaryFile {
  readonly enforce?: { readonly content?: Severity; readonly rules?: Severity };
  readonly terms: readonly ({ readonly id: string; readonly note?: string } & Partial<Record<Lang, Usage>>)[];
}

/** One variant to look for: where it is declared, the regex that finds it, and what to write instead. */
interface Variant {
  readonly term: string;
  readonly found: string;
  readonly use: string;
  readonly pattern: RegExp;
  /** Phrases that start where a variant starts but are correct: the chosen term and the exceptions. */
  readonly allowed: readonly RegExp[];
}

const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * A literal phrase as a linear regex: case-insensitive, any run of white space between words, and
 * whole words only (a letter, digit or hyphen on either side makes it part of another word).
 */
function phrasePattern(phrase: string, sticky: boolean): RegExp {
  const body = phrase.normalize('NFC').trim().split(/\s+/).map(escapeRegex).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}\\p{M}-])${body}(?![\\p{L}\\p{N}\\p{M}-])`, sticky ? 'iuy' : 'giu');
}

function variantsByLang(file: GlossaryFile): Map<Lang, Variant[]> {
  const out = new Map<Lang, Variant[]>(languages.map((l) => [l, []]));
  for (const term of file.terms) {
    for (const lang of languages) {
      const usage = term[lang];
      if (!usage) continue;
      const allowed = [usage.use, ...(usage.except ?? [])].map((p) => phrasePattern(p, true));
      for (const found of usage.avoid ?? []) {
        out.get(lang)!.push({ term: term.id, found, use: usage.use, pattern: phrasePattern(found, false), allowed });
      }
    }
  }
  return out;
}

/**
 * The text in NFC with, for each of its characters, the offset in the original it came from: a
 * page written with decomposed umlauts (o + combining diaeresis) still matches "ö", and positions
 * point into the page as written.
 */
function toNfc(text: string): { text: string; origin: number[] } {
  if (text.normalize('NFC') === text) return { text, origin: [] };
  let out = '';
  const origin: number[] = [];
  for (const m of text.matchAll(/\P{M}\p{M}*|\p{M}+/gu)) {
    const n = m[0].normalize('NFC');
    for (let k = 0; k < n.length; k++) origin.push(m.index);
    out += n;
  }
  return { text: out, origin };
}

/** Each place in `text` where a variant stands and no allowed phrase starts at the same place. */
function findVariants(text: string, variants: readonly Variant[]): { variant: Variant; index: number; length: number }[] {
  const hits: { variant: Variant; index: number; length: number }[] = [];
  const { text: source, origin } = toNfc(text);
  const back = (i: number) => (origin.length === 0 ? i : i < origin.length ? origin[i]! : text.length);
  for (const variant of variants) {
    for (const m of source.matchAll(variant.pattern)) {
      const allowedHere = variant.allowed.some((re) => {
        re.lastIndex = m.index;
        const a = re.exec(source);
        return a !== null && a[0].length >= m[0].length;
      });
      if (!allowedHere) hits.push({ variant, index: back(m.index), length: back(m.index + m[0].length) - back(m.index) });
    }
  }
  return hits.sort((a, b) => a.index - b.index);
}

function message(lang: Lang, v: Variant, found: string): string {
  return t(lang, 'lint.glossaryVariant', { found, use: v.use, term: v.term });
}

/**
 * Checks the wording of the pages and of the rules' texts against rules/glossary.yaml: every variant
 * the glossary refuses is reported where it stands, with the chosen term as the fix. Code spans,
 * code blocks, placeholders and link targets are not prose and are not checked.
 */
export function checkGlossary(data: KnowledgeBaseData, sources: { glossary?: YamlSource; facts?: YamlSource; symptoms?: YamlSource }, diags: DiagnosticList, lang: Lang): void {
  const src = sources.glossary;
  if (!src) return;
  const file = src.data as GlossaryFile;
  checkGlossaryItself(file, src, diags, lang);
  const variants = variantsByLang(file);
  const contentSeverity: Severity = file.enforce?.content ?? 'error';
  const rulesSeverity: Severity = file.enforce?.rules ?? 'error';

  for (const page of data.pages.values()) {
    const list = variants.get(page.lang as Lang);
    if (!list || list.length === 0) continue;
    const { prose } = readProse(page.body);
    for (const hit of findVariants(prose, list)) {
      const pos = lineColAt(prose, hit.index);
      diags.report({
        code: 'KB_GLOSSARY',
        severity: contentSeverity,
        file: page.file,
        line: page.bodyLine + pos.line,
        col: pos.col + 1,
        message: message(lang, hit.variant, prose.slice(hit.index, hit.index + hit.length)),
      });
    }
    for (const field of ['title', 'summary'] as const) {
      for (const hit of findVariants(page[field], list)) {
        const pos = page.frontMatter ? positionOf(page.frontMatter, [field]) : { line: 1, col: 1 };
        diags.report({ code: 'KB_GLOSSARY', severity: contentSeverity, file: page.file, line: pos.line, col: pos.col, message: message(lang, hit.variant, page[field].slice(hit.index, hit.index + hit.length)) });
      }
    }
  }

  const texts: [YamlSource | undefined, (string | number)[], Lang, string][] = [];
  const facts = (sources.facts?.data as { facts?: Record<string, unknown>[] } | undefined)?.facts ?? [];
  facts.forEach((f, i) => {
    for (const key of ['description', 'question'] as const) {
      for (const l of languages) {
        const text = (f[key] as Partial<Record<Lang, string>> | undefined)?.[l];
        if (typeof text === 'string') texts.push([sources.facts, ['facts', i, key, l], l, text]);
      }
    }
    ((f['options'] as { label?: Partial<Record<Lang, string>> }[] | undefined) ?? []).forEach((o, j) => {
      for (const l of languages) if (typeof o.label?.[l] === 'string') texts.push([sources.facts, ['facts', i, 'options', j, 'label', l], l, o.label[l]!]);
    });
  });
  const symptoms = (sources.symptoms?.data as { symptoms?: { title?: Partial<Record<Lang, string>> }[] } | undefined)?.symptoms ?? [];
  symptoms.forEach((s, i) => {
    for (const l of languages) if (typeof s.title?.[l] === 'string') texts.push([sources.symptoms, ['symptoms', i, 'title', l], l, s.title[l]!]);
  });
  for (const [where, path, l, text] of texts) {
    if (!where) continue;
    for (const hit of findVariants(text, variants.get(l) ?? [])) {
      const pos = positionOf(where, path);
      diags.report({ code: 'KB_GLOSSARY', severity: rulesSeverity, file: where.file, line: pos.line, col: pos.col, message: message(lang, hit.variant, text.slice(hit.index, hit.index + hit.length)) });
    }
  }
}

/** A glossary that contradicts itself: a term id used twice, or a variant that is the chosen term. */
function checkGlossaryItself(file: GlossaryFile, src: YamlSource, diags: DiagnosticList, lang: Lang): void {
  const seen = new Set<string>();
  file.terms.forEach((term, i) => {
    if (seen.has(term.id)) {
      const pos = positionOf(src, ['terms', i, 'id']);
      diags.report({ code: 'KB_DUPLICATE_ID', severity: 'error', file: src.file, line: pos.line, col: pos.col, message: t(lang, 'lint.duplicateId', { what: 'glossary term', id: term.id }) });
    }
    seen.add(term.id);
    for (const l of languages) {
      const usage = term[l];
      (usage?.avoid ?? []).forEach((variant, j) => {
        if (variant.normalize('NFC').trim().toLowerCase() !== usage!.use.normalize('NFC').trim().toLowerCase()) return;
        const pos = positionOf(src, ['terms', i, l, 'avoid', j]);
        diags.report({ code: 'KB_GLOSSARY', severity: 'error', file: src.file, line: pos.line, col: pos.col, message: t(lang, 'lint.glossaryVariantIsTerm', { found: variant, term: term.id }) });
      });
    }
  });
}
