import { coerceFactValue } from '../facts/coerce.ts';
import { deriveFacts } from '../facts/derive.ts';
import type { DiagnoseRequest, DiagnoseResult, FactValue } from '../generated/schema-types.ts';
import { isLang, type Lang, t } from '../i18n/index.ts';
import { closest } from '../kb/_closest.ts';
import { pageKey } from '../kb/model.ts';
import { humanize } from '../kb/schema-messages.ts';
import { validateDiagnoseRequest } from '../generated/validators.cjs';
import { fillPlaceholders } from '../render/placeholders.ts';
import { describeUnit, factLabel } from './describe.ts';
import { answerOptions } from './fact-view.ts';
import { factsOf } from './three-valued.ts';
import { KbError } from './errors.ts';
import { type CompiledCause, evaluateCause, type FactMap, verdictDirect } from './evaluate.ts';
import type { CompiledKnowledgeBase } from './knowledge-base.ts';
import { chooseQuestions, hypotheticalAnswers } from './questions.ts';
import type { Recognition } from '../recognize/index.ts';
import { deepFreeze } from './lru.ts';
import { rank, verdictOf } from './rank.ts';

type Warning = DiagnoseResult['warnings'][number];

/** What a caller knows besides the request. */
export interface DiagnoseOptions {
  /** The caller's preferred language (HTTP: from Accept-Language); used when neither the request nor the message decides. */
  readonly acceptLanguage?: Lang | null;
}

/**
 * The language of the answer, first that applies: the request's `lang`; the language of the known
 * message, variant or signal that matched; the language of the message's words; the caller's
 * preference; the knowledge base's default.
 */
function chooseLanguage(kb: CompiledKnowledgeBase, request: DiagnoseRequest, recognition: Recognition | null, options: DiagnoseOptions): { lang: Lang; langSource: DiagnoseResult['langSource'] } {
  if (isLang(request.lang)) return { lang: request.lang, langSource: 'request' };
  const match = recognition?.match;
  const known = match?.lang ?? recognition?.signalLang;
  const guess = request.message ? kb.recognizer.languageOf(request.message) : null;
  // A known text inside a longer paste ("Fehler bei der Abfrage …: (401) Unauthorized") yields to
  // the words around it when they clearly say another language (two function words more).
  const outvoted = known && guess && guess.lang !== known && guess.margin >= 4 && match?.whole !== true;
  if (known && !outvoted) return { lang: known, langSource: 'message' };
  if (guess) return { lang: guess.lang, langSource: 'words' };
  if (options.acceptLanguage) return { lang: options.acceptLanguage, langSource: 'accept-language' };
  return { lang: kb.data.settings.defaultLanguage, langSource: 'default' };
}

interface MergedFacts {
  readonly base: Record<string, FactValue>;
  readonly warnings: Warning[];
}

/** Merges facts by trust: facts given by a person < facts read from the pasted message < facts observed by the probe. */
function mergeFacts(kb: CompiledKnowledgeBase, request: DiagnoseRequest, extracted: { fact: string; raw: FactValue }[], lang: Lang): MergedFacts {
  const catalogue = kb.data.facts;
  const warnings: Warning[] = [];
  const base: Record<string, FactValue> = Object.create(null) as Record<string, FactValue>;
  const fromMessage: Record<string, FactValue> = Object.create(null) as Record<string, FactValue>;
  for (const { fact, raw } of extracted) {
    const decl = catalogue.get(fact);
    if (!decl || Object.hasOwn(fromMessage, fact)) continue;
    const r = coerceFactValue(decl, raw);
    if (r.ok) fromMessage[fact] = r.value;
    else warnings.push({ code: 'FACT_FROM_MESSAGE_INVALID', field: `message`, message: t(lang, 'warn.factFromMessageInvalid', { fact, text: String(raw).slice(0, 100) }) });
  }
  const accept = (field: 'facts' | 'observed', map: Record<string, unknown> | undefined): Record<string, FactValue> => {
    const out: Record<string, FactValue> = Object.create(null) as Record<string, FactValue>;
    for (const [name, raw] of Object.entries(map ?? {})) {
      const decl = catalogue.get(name);
      if (!decl) {
        const hint = closest(name, [...catalogue.keys()]);
        warnings.push({ code: 'FACT_UNKNOWN', field: `${field}.${name}`, message: t(lang, hint ? 'warn.factUnknownHint' : 'warn.factUnknown', { fact: name, hint: hint ?? '' }) });
        continue;
      }
      if (decl.source === 'derived') {
        warnings.push({ code: 'FACT_DERIVED', field: `${field}.${name}`, message: t(lang, 'warn.factDerived', { fact: name }) });
        continue;
      }
      if (raw === null || raw === undefined || raw === '') {
        if (raw === '' && decl.type === 'string') out[name] = '';
        continue;
      }
      const r = coerceFactValue(decl, raw);
      if (!r.ok) {
        throw new KbError('FACT_INVALID', `The fact "${name}" has the value ${JSON.stringify(raw).slice(0, 100)}; expected ${r.expected}.`, { field: `${field}.${name}` });
      }
      out[name] = r.value;
    }
    return out;
  };
  const given = accept('facts', request.facts as Record<string, unknown> | undefined);
  const observed = accept('observed', request.observed as Record<string, unknown> | undefined);
  // A pasted header or error code is a measurement; it beats a person's recollection, and a fresh probe beats both.
  Object.assign(base, given);
  for (const [name, value] of Object.entries(fromMessage)) {
    if (Object.hasOwn(given, name) && JSON.stringify(given[name]) !== JSON.stringify(value)) {
      warnings.push({ code: 'FACT_MESSAGE_DISAGREES', field: `facts.${name}`, message: t(lang, 'warn.factFromMessage', { fact: name, extracted: JSON.stringify(value), given: JSON.stringify(given[name]) }) });
    }
    base[name] = value;
  }
  for (const [name, value] of Object.entries(observed)) {
    const before = Object.hasOwn(base, name) ? base[name] : undefined;
    if (before !== undefined && JSON.stringify(before) !== JSON.stringify(value)) {
      warnings.push({ code: 'FACT_CONFLICT', field: `observed.${name}`, message: t(lang, 'warn.factConflict', { fact: name, observed: JSON.stringify(value), given: JSON.stringify(before) }) });
    }
    base[name] = value;
  }
  return { base, warnings };
}

/** Checks a request against the request schema; the first problem becomes a REQUEST_INVALID error. */
export function checkRequest(request: unknown): DiagnoseRequest {
  // Precompiled at build time (scripts/gen-validators.js): no schema compilation per process.
  if (validateDiagnoseRequest(request)) return request as DiagnoseRequest;
  const problems = humanize(validateDiagnoseRequest.errors ?? [], request, 'en');
  if (problems.length > 0) {
    const p = problems[0]!;
    const field = [...p.path, ...(p.key ? [p.key] : [])].join('.');
    throw new KbError('REQUEST_INVALID', `Invalid request: ${p.message}`, field ? { field } : {});
  }
  return request as DiagnoseRequest;
}

/**
 * Diagnoses a request against a compiled knowledge base: recognises the message, merges and derives
 * facts, evaluates the relevant causes in three-valued logic, ranks them, explains each, and picks the
 * next questions. Throws KbError for a request that is not valid.
 */
export async function diagnose(kb: CompiledKnowledgeBase, input: DiagnoseRequest, options: DiagnoseOptions = {}): Promise<DiagnoseResult> {
  // A diagnosis depends only on the knowledge base, the request and the caller's language: repeated
  // requests (retries, a question answered back and forth) are answered from a small cache of frozen results.
  const key = kb.results.size > 0 ? cacheKey(options.acceptLanguage ? [input, options.acceptLanguage] : input) : null;
  const cached = key === null ? undefined : kb.results.get(key);
  if (cached) return cached;
  const result = await diagnoseUncached(kb, input, options);
  if (key !== null) kb.results.set(key, deepFreeze(result));
  return result;
}

function cacheKey(input: unknown): string | null {
  let key: string | undefined;
  try {
    key = JSON.stringify(input);
  } catch {
    return null;
  }
  return key !== undefined && key.length <= 4096 ? key : null;
}

async function diagnoseUncached(kb: CompiledKnowledgeBase, input: DiagnoseRequest, options: DiagnoseOptions): Promise<DiagnoseResult> {
  const request = checkRequest(input);
  const recognition = request.message ? kb.recognizer.recognize(request.message) : null;
  const { lang, langSource } = chooseLanguage(kb, request, recognition, options);
  const { base, warnings } = mergeFacts(kb, request, [...(recognition?.extracted ?? [])], lang);
  const facts: FactMap = { ...base, ...deriveFacts(kb.data.facts.values(), base) };

  let symptom: DiagnoseResult['symptom'] = null;
  if (request.symptom) {
    const decl = kb.data.symptoms.find((s) => s.id === request.symptom);
    if (!decl) throw new KbError('SYMPTOM_UNKNOWN', `Unknown symptom "${request.symptom}"; known: ${kb.data.symptoms.map((s) => s.id).join(', ')}.`, { field: 'symptom' });
    symptom = { id: decl.id, title: decl.title[lang], matchedBy: 'given', score: 1 };
  } else if (recognition?.match) {
    const decl = kb.data.symptoms.find((s) => s.id === recognition.match!.symptom)!;
    symptom = { id: decl.id, title: decl.title[lang], matchedBy: recognition.match.matchedBy, score: recognition.match.score, matchedText: recognition.match.matchedText };
  } else if (request.message) {
    warnings.push({ code: 'MESSAGE_NOT_RECOGNISED', field: 'message', message: t(lang, 'warn.notRecognised') });
  }

  // Relevant causes: those of the symptom; with a symptom, others only when the facts confirm them
  // (found through the facts a cause needs to be confirmed, then a cheap verdict); without one, every
  // cause whose conditions read a known fact.
  const relevant = new Map<string, { onSymptom: boolean }>();
  for (const c of symptom ? (kb.bySymptom.get(symptom.id) ?? []) : []) relevant.set(c.decl.id, { onSymptom: true });
  if (symptom) {
    for (const key of ['', ...Object.keys(facts)]) {
      for (const c of kb.byRequiredFact.get(key) ?? []) {
        if (relevant.has(c.decl.id) || ![...kb.requiredOf.get(c.decl.id)!].every((f) => Object.hasOwn(facts, f))) continue;
        if (verdictDirect(c, facts).value === true) relevant.set(c.decl.id, { onSymptom: false });
      }
    }
  } else {
    for (const f of Object.keys(base)) for (const c of kb.byFact.get(f) ?? []) if (!relevant.has(c.decl.id)) relevant.set(c.decl.id, { onSymptom: true });
  }
  const toRun = [...relevant];
  const evaluated = await Promise.all(
    toRun.map(async ([id, { onSymptom }]) => {
      const cause = kb.causes.get(id)!;
      return { cause, onSymptom, folded: await evaluateCause(cause, facts) };
    }),
  );
  const prior = (decl: CompiledCause['decl']) => (symptom && decl.priorBySymptom?.[symptom.id]) ?? decl.prior;
  const ranked = rank(evaluated.map((e) => ({ id: e.cause.decl.id, prior: prior(e.cause.decl), layer: e.cause.decl.layer, verdict: verdictOf(e.folded), onSymptom: e.onSymptom, outranks: e.cause.decl.outranks ?? [] })));
  const byId = new Map(evaluated.map((e) => [e.cause.decl.id, e]));
  // A cause outside the recognised symptom appears only when the facts confirm it; the rest would be noise.
  const shown = ranked.filter((r) => byId.get(r.id)!.onSymptom || r.status === 'confirmed');
  const total = shown.reduce((s, r) => s + (r.status === 'ruled-out' ? 0 : r.weight), 0);
  const describeCtx = { lang, facts, catalogue: kb.data.facts };
  const symptomTitle = symptom?.title;
  const causes: DiagnoseResult['causes'] = shown.map((r) => {
    const e = byId.get(r.id)!;
    const units = e.folded.units;
    const report = (state: boolean | undefined) => units.filter((u) => u.state === state).map((u) => describeUnit(u, describeCtx));
    const page = pageFor(kb, 'causes', e.cause.decl.page ?? r.id, lang, warnings);
    return {
      id: r.id,
      status: r.status,
      score: total > 0 && r.status !== 'ruled-out' ? Math.round((r.weight / total) * 10_000) / 10_000 : 0,
      title: page?.title ?? r.id,
      summary: page?.summary ?? '',
      layer: e.cause.decl.layer,
      reason: reasonFor(r, e, describeCtx, symptomTitle, (id) => pageFor(kb, 'causes', kb.causes.get(id)?.decl.page ?? id, lang, warnings)?.title ?? id),
      explanation: { held: report(true), failed: report(false), unknown: report(undefined) },
      guidance: page ? fillPlaceholders(page.body.trim(), facts) : '',
    };
  });

  const candidates = shown
    .filter((r) => r.status !== 'ruled-out')
    .map((r) => ({ cause: byId.get(r.id)!.cause, prior: prior(byId.get(r.id)!.cause.decl), onSymptom: byId.get(r.id)!.onSymptom, baseFacts: kb.baseFactsOf.get(r.id)! }));
  const questions: DiagnoseResult['questions'] = chooseQuestions(candidates, base, kb.data.facts).map((q) => {
    const decl = kb.data.facts.get(q.fact)!;
    const declared = answerOptions(decl, lang);
    const options = declared.length > 0 ? declared : decl.type === 'integer' ? hypotheticalAnswers(decl).map((v) => ({ value: v, label: String(v) })) : [];
    return { fact: q.fact, question: decl.question![lang], type: decl.type, cost: decl.cost, gain: q.gain, options };
  });

  return {
    symptom,
    causes,
    questions,
    facts: { ...facts },
    warnings,
    suggestions: recognition && !symptom ? [...recognition.suggestions] : [],
    lang,
    langSource,
    kb: { name: kb.data.settings.name, version: kb.data.settings.version },
  };
}

function pageFor(kb: CompiledKnowledgeBase, kind: 'symptoms' | 'causes', id: string, lang: Lang, warnings: Warning[]) {
  const page = kb.data.pages.get(pageKey(lang, kind, id));
  if (page) return page;
  if (!warnings.some((w) => w.code === 'LANG_FALLBACK' && w.field === id)) {
    warnings.push({ code: 'LANG_FALLBACK', field: id, message: t(lang, 'warn.langFallback', { id, lang }) });
  }
  return kb.data.pages.get(pageKey('en', kind, id));
}

function reasonFor(
  r: ReturnType<typeof rank>[number],
  e: { folded: { decisive: readonly import('./three-valued.ts').Unit[]; units: readonly import('./three-valued.ts').Unit[] }; onSymptom: boolean },
  ctx: Parameters<typeof describeUnit>[1],
  symptomTitle: string | undefined,
  titleOf: (causeId: string) => string,
): string {
  const texts = (list: readonly import('./three-valued.ts').Unit[]) => [...new Set(list.map((u) => describeUnit(u, ctx).text))].join('; ');
  const held = e.folded.units.filter((u) => u.state === true && u.evidence);
  const unknown = e.folded.decisive.filter((u) => u.state === undefined);
  const openFacts = [...new Set(unknown.flatMap((u) => factsOf(u.node)).filter((f) => !Object.hasOwn(ctx.facts, f)))]
    .slice(0, 3)
    .map((f) => factLabel(f, ctx))
    .join('; ');
  let reason: string;
  switch (r.status) {
    case 'confirmed':
      reason = t(ctx.lang, 'reason.confirmed', { held: texts(e.folded.decisive) });
      break;
    case 'ruled-out':
      reason = t(ctx.lang, 'reason.ruledOut', { failed: texts(e.folded.decisive) });
      break;
    case 'likely':
      reason = t(ctx.lang, 'reason.likely', { held: texts(held), unknown: openFacts });
      break;
    default:
      reason = symptomTitle && e.onSymptom ? t(ctx.lang, 'reason.possibleSymptom', { symptom: symptomTitle }) : t(ctx.lang, 'reason.possible');
      if (openFacts) reason += t(ctx.lang, 'reason.openFacts', { unknown: openFacts });
  }
  if (!e.onSymptom && symptomTitle) reason += t(ctx.lang, 'reason.otherSymptom', { symptom: symptomTitle });
  if (r.hiddenBy) reason += t(ctx.lang, 'reason.earlierLayer', { layer: t(ctx.lang, `layer.${r.hiddenBy}`) });
  else if (r.outrankedBy) reason += t(ctx.lang, 'reason.outranked', { cause: titleOf(r.outrankedBy) });
  return reason;
}
