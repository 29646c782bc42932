import { acceptedInRequest, coerceFactValue } from '../facts/coerce.ts';
import { deriveFacts } from '../facts/derive.ts';
import type { ConditionReport, DiagnoseRequest, DiagnoseResult, FactValue } from '../generated/schema-types.ts';
import { isLang, type Lang, t } from '../i18n/index.ts';
import { closest } from '../kb/_closest.ts';
import { pageKey } from '../kb/model.ts';
import type { Page } from '../kb/page.ts';
import { humanize } from '../kb/schema-messages.ts';
import { validateDiagnoseRequest } from '../generated/validators.cjs';
import { guidanceMarkdown } from '../render/placeholders.ts';
import { type DescribeContext, describeUnit, factLabel, uniqueItems, unitFacts } from './describe.ts';
import { answerOptions } from './fact-view.ts';
import type { Unit } from './three-valued.ts';
import { KbError } from './errors.ts';
import { type CompiledCause, type Evaluation, evaluateCauses, type FactMap, verdictDirect } from './evaluate.ts';
import type { CompiledKnowledgeBase } from './knowledge-base.ts';
import { chooseQuestions, hypotheticalAnswers } from './questions.ts';
import type { Recognition } from '../recognize/index.ts';
import { deepFreeze, requestKey } from './lru.ts';
import { declaredPrior, type PriorSource } from './priors.ts';
import { rank, shares, verdictOf } from './rank.ts';

type Warning = DiagnoseResult['warnings'][number];

/** What a caller knows besides the request. */
export interface DiagnoseOptions {
  /** The caller's preferred language (HTTP: from Accept-Language); used when neither the request nor the message decides. */
  readonly acceptLanguage?: Lang | null;
  /** Learned priors (kb serve --learn); without them the priors written in the knowledge base rank. */
  readonly priors?: PriorSource | undefined;
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

/** Unknown fact names per request that get a "did you mean" hint. */
const maxFactHints = 20;

/** Merges facts by trust: facts given by a person < facts read from the pasted message < facts observed by the probe. */
function mergeFacts(kb: CompiledKnowledgeBase, request: DiagnoseRequest, extracted: { fact: string; raw: FactValue }[], lang: Lang): MergedFacts {
  const catalogue = kb.data.facts;
  const warnings: Warning[] = [];
  const base: Record<string, FactValue> = Object.create(null) as Record<string, FactValue>;
  const fromMessage: Record<string, FactValue> = Object.create(null) as Record<string, FactValue>;
  for (const { fact, raw } of extracted) {
    const decl = catalogue.get(fact);
    if (!decl) continue;
    const before = Object.hasOwn(fromMessage, fact) ? fromMessage[fact] : undefined;
    // The first signal wins, except that every match adds to a list fact (one item per header line).
    if (before !== undefined && !(decl.type === 'string-list' && Array.isArray(before))) continue;
    const r = coerceFactValue(decl, raw);
    if (r.ok && Array.isArray(before) && Array.isArray(r.value)) fromMessage[fact] = [...new Set([...before, ...r.value])];
    else if (r.ok) fromMessage[fact] = r.value;
    // "Exchange 2010" in a sentence names no single build: not wrong, just not a value.
    else if (r.ambiguous) continue;
    else warnings.push({ code: 'FACT_FROM_MESSAGE_INVALID', field: `message`, message: t(lang, 'warn.factFromMessageInvalid', { fact, text: String(raw).slice(0, 100) }) });
  }
  // "Did you mean" costs an edit distance per catalogue entry: offered for the first few unknown names only,
  // so a body of thousands of made-up names stays cheap.
  let hints = maxFactHints;
  const accept = (field: 'facts' | 'observed', map: Record<string, unknown> | undefined): Record<string, FactValue> => {
    const out: Record<string, FactValue> = Object.create(null) as Record<string, FactValue>;
    for (const [name, raw] of Object.entries(map ?? {})) {
      const decl = catalogue.get(name);
      if (!decl) {
        const hint = hints-- > 0 ? closest(name, [...catalogue.keys()]) : undefined;
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
      if (!r.ok && r.ambiguous) {
        // A release name that covers several builds: not wrong, just not enough; the fact is asked.
        warnings.push({ code: 'FACT_AMBIGUOUS', field: `${field}.${name}`, message: t(lang, 'warn.factAmbiguous', { fact: name, text: String(raw).slice(0, 100) }) });
        continue;
      }
      if (!r.ok && acceptedInRequest(decl, raw)) {
        // A name the fact's table does not know ("Exchange 2017"): reported, not refused; the fact is asked.
        warnings.push({ code: 'FACT_NOT_RECOGNISED', field: `${field}.${name}`, message: t(lang, 'warn.factNotRecognised', { fact: name, text: String(raw).slice(0, 100), expected: r.expected }) });
        continue;
      }
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
  // A diagnosis depends only on the knowledge base, the request, the caller's language and the learned
  // priors: repeated requests (retries, a question answered back and forth) are answered from a small
  // cache of frozen results.
  const json = kb.results.size > 0 ? serialized([input, options.acceptLanguage ?? null, options.priors?.version ?? null]) : null;
  const key = json === null ? null : requestKey(json);
  const cached = key === null ? undefined : kb.results.get(key);
  if (cached) return cached;
  const result = await diagnoseUncached(kb, input, options);
  // Weighed by the request's length: a result grows with the facts and warnings of its request.
  if (key !== null) kb.results.set(key, deepFreeze(result), resultWeight + json!.length);
  return result;
}

/** The weight of a cached result besides its request's length (guidance texts, explanations). */
const resultWeight = 32 * 1024;

function serialized(input: unknown): string | null {
  try {
    return JSON.stringify(input) ?? null;
  } catch {
    return null;
  }
}

async function diagnoseUncached(kb: CompiledKnowledgeBase, input: DiagnoseRequest, options: DiagnoseOptions): Promise<DiagnoseResult> {
  const priors = options.priors;
  const request = checkRequest(input);
  const recognition = request.message ? kb.recognizer.recognize(request.message) : null;
  const { lang, langSource } = chooseLanguage(kb, request, recognition, options);
  // The CRM's exact wording tells which connection produced it (a symptom's `implies`).
  // A symptom given by id is the CRM's own message as well.
  const impliedBy = request.symptom ?? (recognition?.match?.matchedBy === 'exact' ? recognition.match.symptom : undefined);
  const implied = Object.entries(kb.data.symptoms.find((s) => s.id === impliedBy)?.implies ?? {}).map(([fact, raw]) => ({ fact, raw: raw as FactValue }));
  const { base, warnings } = mergeFacts(kb, request, [...(recognition?.extracted ?? []), ...implied], lang);
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
    // Outside the symptom: causes that read a known fact, kept when a cheap verdict finds evidence.
    const seen = new Set<string>(relevant.keys());
    for (const key of Object.keys(base)) {
      for (const c of kb.byFact.get(key) ?? []) {
        if (seen.has(c.decl.id)) continue;
        seen.add(c.decl.id);
        const v = verdictDirect(c, facts);
        if (v.value === true || (v.value === undefined && v.held > 0)) relevant.set(c.decl.id, { onSymptom: false });
      }
    }
  } else {
    for (const f of Object.keys(base)) for (const c of kb.byFact.get(f) ?? []) if (!relevant.has(c.decl.id)) relevant.set(c.decl.id, { onSymptom: true });
  }
  const toRun = [...relevant].map(([id, { onSymptom }]) => ({ cause: kb.causes.get(id)!, onSymptom }));
  const evaluations = await evaluateCauses(toRun.map((r) => r.cause), facts);
  const evaluated = toRun.map((r, i) => ({ cause: r.cause, onSymptom: r.onSymptom, evaluation: evaluations[i]! }));
  const symptomId = symptom?.id ?? null;
  const learned = (decl: CompiledCause['decl']) => priors?.get(symptomId, decl.id) ?? { declared: declaredPrior(decl, symptomId), learned: null, solved: 0, notSolved: 0, bounded: false };
  const prior = (decl: CompiledCause['decl']) => (priors ? learned(decl).learned : null) ?? declaredPrior(decl, symptomId);
  const ranked = rank(evaluated.map((e) => ({ id: e.cause.decl.id, prior: prior(e.cause.decl), layer: e.cause.decl.layer, verdict: verdictOf(e.evaluation), onSymptom: e.onSymptom, outranks: e.cause.decl.outranks ?? [] })));
  const byId = new Map(evaluated.map((e) => [e.cause.decl.id, e]));
  // A cause outside the recognised symptom appears only when evidence speaks for it; the rest would be noise.
  const visible = ranked.filter((r) => byId.get(r.id)!.onSymptom || r.status === 'confirmed' || r.status === 'likely');
  const scores = shares(visible);
  const shown = visible.map((r, i) => ({ ...r, score: scores[i]! }));
  const describeCtx: DescribeContext = { lang, facts, catalogue: kb.data.facts, described: new Map() };
  const symptomTitle = symptom?.title;
  const causes: DiagnoseResult['causes'] = shown.map((r) => {
    const e = byId.get(r.id)!;
    const page = pageFor(kb, 'causes', e.cause.decl.page ?? r.id, lang, warnings);
    return {
      id: r.id,
      status: r.status,
      score: r.score,
      title: page?.title ?? r.id,
      summary: page?.summary ?? '',
      layer: e.cause.decl.layer,
      reason: reasonFor(r, e.evaluation, e.onSymptom, describeCtx, symptomTitle, (id) => pageFor(kb, 'causes', kb.causes.get(id)?.decl.page ?? id, lang, warnings)?.title ?? id),
      ...(priors ? { prior: { ...learned(e.cause.decl) } } : {}),
      explanation: explain(r.status, e.evaluation, describeCtx),
      guidance: page ? guidanceMarkdown(page, facts) : '',
    };
  });

  const candidates = shown
    .filter((r) => r.status !== 'ruled-out')
    .map((r) => ({ cause: byId.get(r.id)!.cause, prior: prior(byId.get(r.id)!.cause.decl), onSymptom: byId.get(r.id)!.onSymptom, baseFacts: kb.baseFactsOf.get(r.id)! }));
  const dontKnow = new Set(request.unknown ?? []);
  const asQuestion = (q: { fact: string; gain: number }): DiagnoseResult['questions'][number] => {
    const decl = kb.data.facts.get(q.fact)!;
    const declared = answerOptions(decl, lang);
    const options = declared.length > 0 ? declared : decl.type === 'integer' ? hypotheticalAnswers(decl).map((v) => ({ value: v, label: String(v) })) : [];
    return { fact: q.fact, question: decl.question![lang], type: decl.type, cost: decl.cost, gain: q.gain, options };
  };
  const questions = chooseQuestions(candidates, base, kb.data.facts, 3, dontKnow, facts).map(asQuestion);
  // A round trip to the IT department is the dear part of a question, not its length: when the next
  // question is theirs, every IT question worth asking now goes into the same request.
  // Only those worth a twentieth of a bit: one that barely moves the ranking only lengthens the request.
  const first = questions[0];
  const itQuestions =
    first?.cost === 'it'
      ? chooseQuestions(candidates, base, kb.data.facts, maxItQuestions, notForIt(kb, dontKnow), facts)
          .filter((q) => q.gain >= minItGain)
          .map(asQuestion)
      : [];

  return {
    symptom,
    causes,
    questions,
    itQuestions,
    assessment: assess(kb, { request, symptom, causes, questions, base, lang }),
    facts: { ...facts },
    warnings,
    suggestions: recognition && !symptom ? [...recognition.suggestions] : [],
    lang,
    langSource,
    kb: { name: kb.data.settings.name, version: kb.data.settings.version },
  };
}

/**
 * How far the case has come. "Unclear" when nothing fits well: a message that matches nothing known
 * and no cause with evidence, every cause ruled out, or nothing left to ask with no evidence. It then
 * lists what to collect (rules/kb.yaml), leaving out what is already known.
 */
function assess(
  kb: CompiledKnowledgeBase,
  c: { request: DiagnoseRequest; symptom: DiagnoseResult['symptom']; causes: DiagnoseResult['causes']; questions: DiagnoseResult['questions']; base: Record<string, FactValue>; lang: Lang },
): DiagnoseResult['assessment'] {
  const top = c.causes.find((x) => x.status !== 'ruled-out');
  const unclear = (reason: DiagnoseResult['assessment']['reason']): DiagnoseResult['assessment'] => ({
    state: 'unclear',
    reason,
    collect: (kb.data.settings.collect ?? [])
      .filter((item) => !item.facts || !item.facts.every((f) => Object.hasOwn(c.base, f)))
      .map((item) => ({ id: item.id, text: item.text[c.lang] })),
    // Without a recognised message the person picks the one they saw from the CRM's own.
    messages: c.symptom ? [] : kb.data.symptoms.map((s) => ({ symptom: s.id, text: s.messages[c.lang][0] ?? s.title[c.lang] })),
  });
  const settled = (state: 'confirmed' | 'likely' | 'open', reason: DiagnoseResult['assessment']['reason']): DiagnoseResult['assessment'] => ({ state, reason, collect: [], messages: [] });
  if (top?.status === 'confirmed') return settled('confirmed', 'top-confirmed');
  if (!c.request.message && !c.request.symptom && Object.keys(c.base).length === 0) return unclear('nothing-given');
  if (c.causes.length > 0 && !top) return unclear('all-ruled-out');
  if (top?.status === 'likely') return settled('likely', 'top-likely');
  if (c.request.message && !c.symptom) return unclear('not-recognised');
  if (top && c.questions.length > 0) return settled('open', 'questions-left');
  return unclear('no-evidence');
}

/** How many questions one request to the IT department holds at most. */
const maxItQuestions = 6;
const minItGain = 0.05;
const nonItFacts = new WeakMap<CompiledKnowledgeBase, readonly string[]>();

/** The facts not to ask in a request to IT: those only others answer, and those nobody can answer. */
function notForIt(kb: CompiledKnowledgeBase, dontKnow: ReadonlySet<string>): ReadonlySet<string> {
  let others = nonItFacts.get(kb);
  if (!others) {
    others = [...kb.data.facts.values()].filter((d) => d.cost !== 'it').map((d) => d.id);
    nonItFacts.set(kb, others);
  }
  return new Set([...others, ...dontKnow]);
}

/** The explanation lists of a cause: what held and failed on known facts, what is not known, what was assumed. */
function explain(status: string, e: Evaluation, ctx: DescribeContext): DiagnoseResult['causes'][number]['explanation'] {
  const lists: Record<string, ConditionReport[]> = { 'value-held': [], 'value-failed': [], 'value-unknown': [], 'value-assumed': [] };
  if (status === 'ruled-out') {
    // A ruled-out cause lists the failed units that decide it (the fold's own copies, as its reason words them).
    for (const u of e.folded.decisive) {
      const item = describeUnit(u, ctx, false);
      if (item.code === 'value-failed') lists['value-failed']!.push(item);
    }
  } else {
    // Any other cause lists the units still live, in unit order (conditions, then hints).
    const add = (units: readonly Unit[], hint: boolean) => {
      for (const u of units) {
        if (!u.live) continue;
        const item = describeUnit(u, ctx, hint);
        lists[item.code]?.push(item);
      }
    };
    add(e.folded.units, false);
    for (const h of e.hints) add(h.units, true);
  }
  return {
    held: uniqueItems(lists['value-held']!),
    failed: uniqueItems(lists['value-failed']!),
    unknown: uniqueItems(lists['value-unknown']!),
    assumed: uniqueItems(lists['value-assumed']!),
  };
}

/** Pages by language, kind and id without building the key each time (a knowledge base's pages never change). */
const pageIndex = new WeakMap<CompiledKnowledgeBase, Map<string, Map<string, Page | undefined>>>();

function lookupPage(kb: CompiledKnowledgeBase, lang: Lang, kind: 'symptoms' | 'causes', id: string): Page | undefined {
  let byKind = pageIndex.get(kb);
  if (!byKind) {
    byKind = new Map();
    pageIndex.set(kb, byKind);
  }
  const group = `${lang}/${kind}`;
  let byId = byKind.get(group);
  if (!byId) {
    byId = new Map();
    byKind.set(group, byId);
  }
  if (byId.has(id)) return byId.get(id);
  const page = kb.data.pages.get(pageKey(lang, kind, id));
  // Only ids the knowledge base has pages or causes for are kept: a request cannot grow the index.
  if (page || kb.causes.has(id)) byId.set(id, page);
  return page;
}

function pageFor(kb: CompiledKnowledgeBase, kind: 'symptoms' | 'causes', id: string, lang: Lang, warnings: Warning[]) {
  const page = lookupPage(kb, lang, kind, id);
  if (page) return page;
  if (!warnings.some((w) => w.code === 'LANG_FALLBACK' && w.field === id)) {
    warnings.push({ code: 'LANG_FALLBACK', field: id, message: t(lang, 'warn.langFallback', { id, lang }) });
  }
  return lookupPage(kb, 'en', kind, id);
}

function reasonFor(
  r: ReturnType<typeof rank>[number],
  e: Evaluation,
  onSymptom: boolean,
  ctx: DescribeContext,
  symptomTitle: string | undefined,
  titleOf: (causeId: string) => string,
): string {
  const texts = (list: readonly Unit[], code: string, hint = false) => [...new Set(list.map((u) => describeUnit(u, ctx, hint)).filter((i) => i.code === code).map((i) => i.text))].join('; ');
  // Each part only where the status's wording needs it.
  const heldUnits = () => e.folded.units.filter((u) => u.state === true && u.evidence);
  const heldHints = () => e.hints.filter((h) => h.value === true).flatMap((h) => h.units.filter((u) => u.state === true && u.evidence));
  // The first three facts not known yet among the units that could still decide, by their labels.
  const openFacts = () => {
    const open: string[] = [];
    for (const u of e.folded.decisive) {
      if (u.state !== undefined) continue;
      for (const f of unitFacts(u.node)) if (open.length < 3 && !Object.hasOwn(ctx.facts, f) && !open.includes(f)) open.push(f);
      if (open.length >= 3) break;
    }
    return open.map((f) => factLabel(f, ctx)).join('; ');
  };
  let reason: string;
  switch (r.status) {
    case 'confirmed':
      reason = t(ctx.lang, 'reason.confirmed', { held: texts(e.folded.decisive, 'value-held') || texts(heldUnits(), 'value-held') });
      break;
    case 'ruled-out':
      reason = t(ctx.lang, 'reason.ruledOut', { failed: texts(e.folded.decisive, 'value-failed') });
      break;
    case 'likely': {
      const held = [...new Set([...texts(heldUnits(), 'value-held').split('; '), ...texts(heldHints(), 'value-held', true).split('; ')].filter(Boolean))].join('; ');
      const open = openFacts();
      reason = open ? t(ctx.lang, 'reason.likely', { held, unknown: open }) : t(ctx.lang, 'reason.likelyNothingOpen', { held });
      break;
    }
    default: {
      // A comparison that failed without ruling the cause out (another branch is still open) is said as such.
      const against = [texts(e.folded.units.filter((u) => u.live && u.state === false), 'value-failed'), texts(e.hints.flatMap((h) => h.units.filter((u) => u.live && u.state === false)), 'value-failed', true)].filter(Boolean).join('; ');
      reason = against
        ? t(ctx.lang, 'reason.possibleAgainst', { failed: against })
        : symptomTitle && onSymptom
          ? t(ctx.lang, 'reason.possibleSymptom', { symptom: symptomTitle })
          : t(ctx.lang, 'reason.possible');
      const open = openFacts();
      if (open) reason += t(ctx.lang, 'reason.openFacts', { unknown: open });
    }
  }
  if (!onSymptom && symptomTitle) reason += t(ctx.lang, 'reason.otherSymptom', { symptom: symptomTitle });
  if (r.hiddenBy) reason += t(ctx.lang, 'reason.earlierLayer', { layer: t(ctx.lang, `layer.${r.hiddenBy}`) });
  else if (r.outrankedBy) reason += t(ctx.lang, 'reason.outranked', { cause: titleOf(r.outrankedBy) });
  return reason;
}
