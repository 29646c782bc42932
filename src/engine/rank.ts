import type { Layer } from '../generated/schema-types.ts';
import { causeVerdict, type Evaluation } from './evaluate.ts';
import type { Folded, Verdict } from './three-valued.ts';

export type CauseStatus = 'confirmed' | 'likely' | 'possible' | 'ruled-out';

/** Layers in the order a connection passes them; a failure at an earlier one hides the later ones. */
export const layerOrder: readonly Layer[] = ['input', 'dns', 'tcp', 'tls', 'http', 'auth', 'ews', 'send'];

/** What ranking needs to know of one evaluated cause. */
export interface RankInput {
  readonly id: string;
  readonly prior: number;
  readonly layer: Layer;
  readonly verdict: Verdict;
  /** Whether the cause belongs to the recognised symptom (true when no symptom was recognised). */
  readonly onSymptom: boolean;
  /** Causes that rank after this one when it is confirmed. */
  readonly outranks?: readonly string[];
}

export interface Ranked {
  readonly id: string;
  readonly status: CauseStatus;
  /** Share of belief among the causes still in the running (they sum to 1); 0 when ruled out. */
  readonly score: number;
  /** Set when an earlier layer's confirmed failure pushed this cause down. */
  readonly hiddenBy: Layer | null;
  /** Set when a confirmed cause that outranks this one pushed it down. */
  readonly outrankedBy: string | null;
  readonly weight: number;
}

/** Evidence weights: how much a confirmed cause or each piece of held evidence counts against the prior. */
export const weights = { confirmed: 50, perHeld: 3, offSymptom: 0.5, laterLayer: 0.05 } as const;

/**
 * A cause's status from its verdict. Confirmation needs evidence someone observed or answered:
 * conditions that hold only on assumed values (`ifUnknown`) leave the cause possible.
 */
export function statusOf(v: Verdict): CauseStatus {
  if (v.value === false) return 'ruled-out';
  if (v.value === true && v.held > 0) return 'confirmed';
  return v.held > 0 ? 'likely' : 'possible';
}

const heldIn = (folded: Folded) => {
  let held = 0;
  for (const u of folded.units) if (u.evidence && u.state === true) held++;
  return held;
};

/** The verdict of a full evaluation: its value and the live evidence that held, hints included. */
export function verdictOf(e: Evaluation): Verdict {
  return causeVerdict({ value: e.folded.value, held: heldIn(e.folded), gated: e.folded.gated }, e.hints.map((h) => ({ value: h.value, held: heldIn(h) })));
}

/**
 * Scores causes as prior × evidence, pushes down causes at layers after the earliest confirmed failure
 * (a pasted "Unauthorized" does not outrank a certificate that fails to verify), normalises the scores
 * of the causes still in the running to sum to 1, and sorts best first with ruled-out causes last.
 */
export function rank(inputs: readonly RankInput[]): Ranked[] {
  const { statuses, weights: w, earliest, outrankedBy } = weigh(inputs);
  const drafts = inputs.map((c, i) => {
    const status = statuses[i]!;
    const later = layerOrder.indexOf(c.layer) > earliest;
    const outranked = outrankedBy.get(c.id) ?? null;
    const shown = status !== 'ruled-out';
    return { id: c.id, status, weight: w[i]!, hiddenBy: later && shown ? layerOrder[earliest]! : null, outrankedBy: outranked && shown ? outranked : null, layer: layerOrder.indexOf(c.layer) };
  });
  const total = drafts.reduce((sum, d) => sum + d.weight, 0);
  return drafts
    .map((d) => ({ id: d.id, status: d.status, weight: d.weight, hiddenBy: d.hiddenBy, outrankedBy: d.outrankedBy, score: total > 0 ? round(d.weight / total) : 0, layer: d.layer }))
    .sort((a, b) => tier[a.status] - tier[b.status] || b.weight - a.weight || a.layer - b.layer || a.id.localeCompare(b.id))
    .map(({ layer: _layer, ...r }) => r);
}

/** Statuses in the order they rank: a confirmed cause above any likely one, likely above possible. */
const tier: Readonly<Record<CauseStatus, number>> = { confirmed: 0, likely: 1, possible: 2, 'ruled-out': 3 };

/**
 * Shares of belief for causes in ranked order, summing to 1 over those not ruled out, and never
 * rising down the list: a likely cause pushed behind an earlier layer still shows at least the share
 * of the possible causes below it, so statuses and scores agree.
 */
export function shares(ranked: readonly Pick<Ranked, 'status' | 'weight'>[]): number[] {
  const w = ranked.map((r) => (r.status === 'ruled-out' ? 0 : r.weight));
  for (let i = w.length - 2; i >= 0; i--) if (ranked[i]!.status !== 'ruled-out') w[i] = Math.max(w[i]!, w[i + 1]!);
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => (total > 0 ? round(x / total) : 0));
}

/** Each layer's position in layerOrder (-1 for none), without a search per call. */
const layerIndex = new Map<string, number>(layerOrder.map((l, i) => [l, i]));
const indexOfLayer = (layer: Layer): number => layerIndex.get(layer) ?? -1;

/** Statuses as numbers in the order they rank (the tier): what `weighCodes` gives. */
export const statusCodes: readonly CauseStatus[] = ['confirmed', 'likely', 'possible', 'ruled-out'];
export const CONFIRMED = 0;
export const LIKELY = 1;
export const RULED_OUT = 3;

/** statusOf as a code. */
function codeOf(v: Verdict): number {
  if (v.value === false) return RULED_OUT;
  if (v.value === true && v.held > 0) return CONFIRMED;
  return v.held > 0 ? LIKELY : 2;
}

/** What weighing the same inputs again and again needs once: their layers, and whom each outranks. */
export interface WeighPlan {
  /** Each input's position in layerOrder. */
  readonly layers: readonly number[];
  /** For each input, the other inputs its `outranks` names. */
  readonly outranks: readonly (readonly number[])[];
}

export function planWeighing(inputs: readonly RankInput[]): WeighPlan {
  const index = new Map<string, number>();
  inputs.forEach((c, i) => {
    if (!index.has(c.id)) index.set(c.id, i);
  });
  return {
    layers: inputs.map((c) => indexOfLayer(c.layer)),
    outranks: inputs.map((c) => (c.outranks ?? []).filter((o) => o !== c.id && index.has(o)).map((o) => index.get(o)!)),
  };
}

/** The weighing of causes: status codes (statusCodes), weights, the earliest failed layer, who is outranked. */
export interface Weighing {
  readonly codes: readonly number[];
  readonly weights: readonly number[];
  readonly earliest: number;
  /** Whether a confirmed cause that outranks it is among the inputs. */
  readonly outranked: readonly boolean[];
}

/**
 * The unsorted core of `rank`: each cause's status and weight (prior × evidence, pushed down behind
 * an earlier confirmed layer or a confirmed cause that outranks it), with each verdict given apart
 * from the inputs. Question simulation calls this thousands of times per diagnosis, so it works on
 * numbers and builds no result objects.
 */
export function weighCodes(inputs: readonly RankInput[], verdicts: readonly Verdict[], plan: WeighPlan = planWeighing(inputs)): Weighing {
  const n = inputs.length;
  const { layers } = plan;
  const codes: number[] = new Array(n);
  let anyConfirmed = false;
  for (let i = 0; i < n; i++) {
    codes[i] = codeOf(verdicts[i]!);
    if (codes[i] === CONFIRMED) anyConfirmed = true;
  }
  const outranked: boolean[] = new Array(n).fill(false);
  if (anyConfirmed) for (let i = 0; i < n; i++) if (codes[i] === CONFIRMED) for (const j of plan.outranks[i]!) outranked[j] = true;
  // The earliest layer that failed, among confirmed causes no other confirmed cause outranks: a cause
  // that makes another moot (Exchange Online makes a wrong URL moot) is not hidden by it.
  let earliest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) if (codes[i] === CONFIRMED && !outranked[i]) earliest = Math.min(earliest, layers[i]!);
  // A later layer was never reached: what held there is no longer proof, only a likelihood.
  if (anyConfirmed) for (let i = 0; i < n; i++) if (codes[i] === CONFIRMED && layers[i]! > earliest) codes[i] = LIKELY;
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = inputs[i]!;
    const code = codes[i]!;
    const evidence = code === CONFIRMED ? weights.confirmed : code === RULED_OUT ? 0 : 1 + weights.perHeld * verdicts[i]!.held;
    const pushed = layers[i]! > earliest || outranked[i]!;
    out[i] = c.prior * evidence * (c.onSymptom ? 1 : weights.offSymptom) * (pushed ? weights.laterLayer : 1);
  }
  return { codes, weights: out, earliest, outranked };
}

/** `weighCodes` with statuses by name and, for each cause pushed down, the confirmed cause that outranks it (the first in input order). */
export function weigh(inputs: readonly RankInput[]): { statuses: CauseStatus[]; weights: number[]; earliest: number; outrankedBy: Map<string, string> } {
  const { codes, weights: w, earliest } = weighCodes(inputs, inputs.map((c) => c.verdict));
  const outrankedBy = new Map<string, string>();
  inputs.forEach((c, i) => {
    // Confirmed before the push behind an earlier layer: the code is likely then, the verdict still confirmed.
    if (codeOf(c.verdict) !== CONFIRMED) return;
    for (const o of c.outranks ?? []) if (!outrankedBy.has(o) && o !== c.id) outrankedBy.set(o, c.id);
  });
  return { statuses: codes.map((code) => statusCodes[code]!), weights: [...w], earliest, outrankedBy };
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/** Shannon entropy in bits of a distribution (weights need not sum to 1). */
export function entropy(weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  let h = 0;
  for (const w of weights) if (w > 0) h -= (w / total) * Math.log2(w / total);
  return h;
}
