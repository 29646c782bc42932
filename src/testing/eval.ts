import { diagnose } from '../engine/diagnose.ts';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import type { DiagnoseRequest, DiagnoseResult, FactValue } from '../generated/schema-types.ts';

/** A real report of the corpus (schemas/reports.schema.json). */
export interface RealReport {
  readonly id: string;
  readonly source: string;
  readonly kind: 'report' | 'table';
  readonly lang: 'de' | 'en';
  readonly client: string;
  readonly message: string;
  readonly facts?: Readonly<Record<string, FactValue>>;
  readonly cause?: string;
  readonly unknownCause?: string;
  readonly evidence: string;
  readonly split?: 'dev' | 'holdout';
}

/** How the engine answered one report. */
export interface ReportOutcome {
  readonly id: string;
  readonly corpus: string;
  readonly kind: RealReport['kind'];
  readonly lang: RealReport['lang'];
  /** The cause the source established, or null when the knowledge base has none for it. */
  readonly expected: string | null;
  readonly top: string | null;
  readonly topStatus: string | null;
  readonly top3: readonly string[];
  readonly confirmed: boolean;
  readonly unclear: boolean;
  readonly error?: string;
}

/** The figures of a set of outcomes, as `npm run eval` prints them. */
export interface Figures {
  readonly reports: number;
  /** Reports whose cause the knowledge base knows. */
  readonly known: number;
  readonly top1: number;
  readonly top3: number;
  /** Reports (known or unknown cause) whose top cause was confirmed. */
  readonly confirmed: number;
  /** Of those, confirmed and right. */
  readonly confirmedRight: number;
  readonly unknown: number;
  readonly unknownConfirmed: number;
  readonly unclear: number;
  readonly errors: number;
}

/** The request a support agent would make from a report: its text, the facts it states, its language. */
export function reportRequest(report: RealReport): DiagnoseRequest {
  const request: DiagnoseRequest = { message: report.message };
  if (report.facts && Object.keys(report.facts).length > 0) request.facts = { ...report.facts };
  return request;
}

/** Diagnoses one report and scores the answer against the cause its source established. */
export async function scoreReport(kb: CompiledKnowledgeBase, report: RealReport, corpus: string): Promise<ReportOutcome> {
  const base = { id: report.id, corpus, kind: report.kind, lang: report.lang, expected: report.cause ?? null };
  let result: DiagnoseResult;
  try {
    result = await diagnose(kb, reportRequest(report));
  } catch (e) {
    return { ...base, top: null, topStatus: null, top3: [], confirmed: false, unclear: false, error: e instanceof Error ? e.message : String(e) };
  }
  const live = result.causes.filter((c) => c.status !== 'ruled-out');
  const top = live[0];
  return {
    ...base,
    top: top?.id ?? null,
    topStatus: top?.status ?? null,
    top3: live.slice(0, 3).map((c) => c.id),
    confirmed: top?.status === 'confirmed',
    unclear: result.assessment?.state === 'unclear',
  };
}

export function figures(outcomes: readonly ReportOutcome[]): Figures {
  const known = outcomes.filter((o) => o.expected !== null);
  const unknown = outcomes.filter((o) => o.expected === null);
  const confirmed = outcomes.filter((o) => o.confirmed);
  return {
    reports: outcomes.length,
    known: known.length,
    top1: known.filter((o) => o.top === o.expected).length,
    top3: known.filter((o) => o.top3.includes(o.expected!)).length,
    confirmed: confirmed.length,
    confirmedRight: confirmed.filter((o) => o.expected !== null && o.top === o.expected).length,
    unknown: unknown.length,
    unknownConfirmed: unknown.filter((o) => o.confirmed).length,
    unclear: outcomes.filter((o) => o.unclear).length,
    errors: outcomes.filter((o) => o.error !== undefined).length,
  };
}

/** Shares in [0, 1] of the figures (NaN when the base is empty). */
export function rates(f: Figures): { top1: number; top3: number; confirmedPrecision: number; unknownConfirmed: number; unclear: number } {
  return {
    top1: f.top1 / f.known,
    top3: f.top3 / f.known,
    confirmedPrecision: f.confirmed === 0 ? 1 : f.confirmedRight / f.confirmed,
    unknownConfirmed: f.unknownConfirmed / f.unknown,
    unclear: f.unclear / f.reports,
  };
}

/** A support case with the truth hidden: the CRM's bare message and what the person or IT would answer. */
export interface Journey {
  readonly name: string;
  readonly cause: string;
  readonly message: string;
  readonly lang?: 'de' | 'en';
  /** The answers the person (or IT, or a probe) would give when asked; a fact not listed is answered "I don't know". */
  readonly truth: Readonly<Record<string, FactValue>>;
}

export interface JourneyOutcome {
  readonly name: string;
  readonly cause: string;
  /** Every fact asked, in order (a probe run counts once, as "probe"). */
  readonly asked: readonly string[];
  /** Questions put to a person (the user or IT); a probe run is not one. */
  readonly personQuestions: number;
  readonly probeRuns: number;
  readonly cost: number;
  readonly top: string | null;
  readonly topStatus: string | null;
  /** The true cause ended confirmed at the top. */
  readonly solved: boolean;
  /** Questions ran out while the top cause was not yet confirmed. */
  readonly stoppedEarly: boolean;
}

/** What a question costs the person: a probe nothing, the user one unit, the IT department three. */
export const questionCost: Readonly<Record<string, number>> = { probe: 0, user: 1, it: 3 };

/**
 * Plays a support case: diagnose, answer the first question from the hidden truth (or "I don't know"),
 * repeat until nothing is left to ask (at most `limit` questions; once the top cause is confirmed the
 * engine asks only what could overturn it). A
 * question the probe can answer runs the probe once: it observes every probe fact of the truth at once,
 * and what it did not observe counts as "I don't know" from then on. A question for IT sends every IT
 * question of the result (`itQuestions`) in one request: one question to a person, answered at once.
 */
export async function playJourney(kb: CompiledKnowledgeBase, journey: Journey, limit = 12): Promise<JourneyOutcome> {
  const facts: Record<string, FactValue> = {};
  const unknown: string[] = [];
  const asked: string[] = [];
  let cost = 0;
  let probeRuns = 0;
  let personQuestions = 0;
  for (;;) {
    const request: DiagnoseRequest = { message: journey.message, facts: { ...facts }, unknown: [...unknown] };
    if (journey.lang) request.lang = journey.lang;
    const result = await diagnose(kb, request);
    const top = result.causes.find((c) => c.status !== 'ruled-out') ?? null;
    const question = result.questions[0];
    // A confirmed cause with questions left means an answer could still put another cause first.
    if (!question || asked.length >= limit) {
      const solved = top?.status === 'confirmed' && top.id === journey.cause;
      return { name: journey.name, cause: journey.cause, asked, personQuestions, probeRuns, cost, top: top?.id ?? null, topStatus: top?.status ?? null, solved, stoppedEarly: !question && top?.status !== 'confirmed' };
    }
    if (question.cost === 'probe' && probeRuns === 0) {
      // The probe needs the URL: without it, the person is asked for it first.
      if (!Object.hasOwn(facts, 'url') && Object.hasOwn(journey.truth, 'url') && kb.data.facts.has('url')) {
        asked.push('url');
        personQuestions++;
        cost += questionCost[kb.data.facts.get('url')!.cost] ?? 1;
        facts['url'] = journey.truth['url']!;
      }
      probeRuns++;
      asked.push('probe');
      for (const [name, decl] of kb.data.facts) {
        if (decl.cost !== 'probe' || decl.source === 'derived' || Object.hasOwn(facts, name)) continue;
        if (Object.hasOwn(journey.truth, name)) facts[name] = journey.truth[name]!;
        else if (!unknown.includes(name)) unknown.push(name);
      }
      continue;
    }
    if (question.cost === 'it' && result.itQuestions.length > 1) {
      // One request to IT with every IT question worth asking now (the result's itQuestions).
      asked.push(`it(${result.itQuestions.map((q) => q.fact).join(', ')})`);
      personQuestions++;
      cost += questionCost['it']!;
      for (const q of result.itQuestions) {
        if (Object.hasOwn(journey.truth, q.fact)) facts[q.fact] = journey.truth[q.fact]!;
        else unknown.push(q.fact);
      }
      continue;
    }
    asked.push(question.fact);
    if (question.cost !== 'probe') personQuestions++;
    cost += questionCost[question.cost ?? 'user'] ?? 1;
    if (Object.hasOwn(journey.truth, question.fact)) facts[question.fact] = journey.truth[question.fact]!;
    else unknown.push(question.fact);
  }
}

/** One report's outcome with its split and the cause names, as the evaluation tables need them. */
export interface EvaluatedReport extends ReportOutcome {
  readonly split: 'dev' | 'holdout';
  readonly cause: string | null;
  readonly unknownCause: string | null;
}

/** The whole evaluation: every report scored, the figures by corpus, split and language, and the journeys played. */
export interface Evaluation {
  readonly outcomes: readonly EvaluatedReport[];
  readonly overall: Figures;
  /** Real people's reports only (message-table entries left out). */
  readonly reportsOnly: Figures;
  readonly byCorpus: ReadonlyMap<string, Figures>;
  readonly bySplit: ReadonlyMap<string, Figures>;
  readonly byLang: ReadonlyMap<string, Figures>;
  readonly journeys: {
    readonly played: readonly JourneyOutcome[];
    readonly cases: number;
    readonly solved: number;
    /** Questions put to a person, on average per case. */
    readonly meanQuestions: number;
    readonly maxQuestions: number;
    readonly meanCost: number;
    readonly probeRuns: number;
    readonly stoppedEarly: number;
  };
}

function groupFigures(outcomes: readonly EvaluatedReport[], pick: (o: EvaluatedReport) => string): Map<string, Figures> {
  const groups = new Map<string, EvaluatedReport[]>();
  for (const o of outcomes) groups.set(pick(o), [...(groups.get(pick(o)) ?? []), o]);
  return new Map([...groups].map(([k, v]) => [k, figures(v)]));
}

/**
 * Scores every report of the corpora (by name) and plays every journey; `splitOf` says which reports
 * are held out from tuning. The knowledge base should have its result cache off, so every answer is computed.
 */
export async function evaluateCorpus(
  kb: CompiledKnowledgeBase,
  corpora: ReadonlyMap<string, readonly RealReport[]>,
  journeys: readonly Journey[],
  splitOf: (r: RealReport) => 'dev' | 'holdout',
): Promise<Evaluation> {
  const outcomes: EvaluatedReport[] = [];
  for (const [name, reports] of corpora) {
    for (const r of reports) outcomes.push({ ...(await scoreReport(kb, r, name)), split: splitOf(r), cause: r.cause ?? null, unknownCause: r.unknownCause ?? null });
  }
  const played: JourneyOutcome[] = [];
  for (const j of journeys) played.push(await playJourney(kb, j));
  const asked = played.map((p) => p.personQuestions);
  const n = Math.max(1, played.length);
  return {
    outcomes,
    overall: figures(outcomes),
    reportsOnly: figures(outcomes.filter((o) => o.kind === 'report')),
    byCorpus: groupFigures(outcomes, (o) => o.corpus),
    bySplit: groupFigures(outcomes, (o) => o.split),
    byLang: groupFigures(outcomes, (o) => o.lang),
    journeys: {
      played,
      cases: played.length,
      solved: played.filter((p) => p.solved).length,
      meanQuestions: asked.reduce((a, b) => a + b, 0) / n,
      maxQuestions: Math.max(0, ...asked),
      meanCost: played.reduce((a, p) => a + p.cost, 0) / n,
      probeRuns: played.reduce((a, p) => a + p.probeRuns, 0),
      stoppedEarly: played.filter((p) => p.stoppedEarly).length,
    },
  };
}
