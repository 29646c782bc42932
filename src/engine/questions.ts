import { deriveFacts, setFactInPlace } from '../facts/derive.ts';
import type { FactDeclaration, FactValue } from '../generated/schema-types.ts';
import { type CompiledCause, type FactMap, unpackVerdict } from './evaluate.ts';
import { CONFIRMED, entropy, layerOrder, planWeighing, RULED_OUT, type Weighing, weighCodes } from './rank.ts';
import type { Verdict } from './three-valued.ts';

/** A candidate cause as question selection sees it. */
export interface Candidate {
  readonly cause: CompiledCause;
  /** The cause's prior for the recognised symptom. */
  readonly prior: number;
  readonly onSymptom: boolean;
  /** The base (non-derived) facts its conditions depend on, through derivations. */
  readonly baseFacts: ReadonlySet<string>;
}

export interface QuestionChoice {
  readonly fact: string;
  /** Expected information gain in bits, plus a small bonus for settling causes. */
  readonly gain: number;
}

const costRank: Record<FactDeclaration['cost'], number> = { probe: 0, user: 1, it: 2 };

/**
 * What asking costs, relative to a free probe: the value of a question is its expected gain divided
 * by this, so an IT question comes before a user question only when it is worth about three of them.
 */
export const questionPrice: Readonly<Record<FactDeclaration['cost'], number>> = { probe: 1, user: 1.5, it: 4 };

/** The price of asking for a fact: what the connection form holds costs no more than a look at it. */
export function priceOf(decl: FactDeclaration): number {
  return decl.source === 'form' ? 1 : questionPrice[decl.cost];
}

/** The index of the cause that ranks first among those alive (best tier, highest weight, then earlier position). */
function topOf({ weights, codes }: Weighing): number {
  let best = -1;
  for (let i = 0; i < weights.length; i++) {
    // The codes are the tiers (confirmed 0, likely 1, possible 2); ruled-out causes are not in the running.
    if (codes[i] === RULED_OUT) continue;
    if (best === -1 || codes[i]! < codes[best]! || (codes[i] === codes[best] && weights[i]! > weights[best]!)) best = i;
  }
  return best;
}

/** The answers a fact can have, for simulating them: yes/no, its options, or its declared examples. */
export function hypotheticalAnswers(decl: FactDeclaration): FactValue[] {
  if (decl.type === 'boolean') return [true, false];
  if (decl.options && decl.type === 'string') return decl.options.map((o) => o.value);
  return decl.examples ? [...decl.examples] : [];
}

/**
 * Chooses the unknown facts whose answers are expected to separate the candidates best: for each
 * possible answer, re-evaluate the candidates and measure the entropy left over their scores.
 * Ties go to the cheaper fact (probe, then user, then IT).
 */
export function chooseQuestions(
  candidates: readonly Candidate[],
  baseFacts: FactMap,
  catalogue: ReadonlyMap<string, FactDeclaration>,
  limit = 3,
  exclude: ReadonlySet<string> = new Set(),
  /** The base facts with their derived facts, when the caller has them already. */
  allFacts?: FactMap,
): QuestionChoice[] {
  const baseAll = allFacts ?? { ...baseFacts, ...deriveFacts(catalogue.values(), baseFacts) };
  const nowPacked = candidates.map((c) => c.cause.verdict(baseAll));
  const inputs = candidates.map((c, i) => ({
    id: c.cause.decl.id,
    prior: c.prior,
    layer: c.cause.decl.layer,
    verdict: unpackVerdict(nowPacked[i]!),
    onSymptom: c.onSymptom,
    outranks: c.cause.decl.outranks ?? [],
  }));
  const nowVerdicts = inputs.map((input) => input.verdict);
  const plan = planWeighing(inputs);
  // An answer about one fact changes only the candidates that read it: re-evaluate just those.
  const readersOf = new Map<string, number[]>();
  const score = (all: FactMap, fact: string): Weighing => {
    let readers = readersOf.get(fact);
    if (!readers) {
      readers = [];
      for (let i = 0; i < candidates.length; i++) if (candidates[i]!.baseFacts.has(fact)) readers.push(i);
      readersOf.set(fact, readers);
    }
    let verdicts: Verdict[] | null = null;
    for (const i of readers) {
      const p = candidates[i]!.cause.verdict(all);
      // An answer that leaves every verdict as it is leaves the weights as they are.
      if (p === nowPacked[i]) continue;
      verdicts ??= nowVerdicts.slice();
      verdicts[i] = unpackVerdict(p);
    }
    return verdicts ? weighCodes(inputs, verdicts, plan) : now;
  };
  const now = weighCodes(inputs, nowVerdicts, plan);
  const n = candidates.length;
  const alive = now.codes.map((c) => c !== RULED_OUT);
  if (!alive.includes(true)) return [];
  const aliveCount = alive.filter(Boolean).length;
  const hNow = entropy(now.weights);
  const topNow = topOf(now);
  // Once the first cause is confirmed, only a question that could put another cause first is worth asking.
  const settledTop = topNow !== -1 && now.codes[topNow] === CONFIRMED;
  // Ask about what the leading candidates need: those that together hold 95 % of the belief (at most
  // eight). Facts only the long tail reads barely change the entropy, and simulating them is most of
  // the cost in a large knowledge base.
  const order = candidates.map((_, i) => i).filter((i) => alive[i]).sort((a, b) => now.weights[b]! - now.weights[a]!);
  const totalWeight = order.reduce((sum, i) => sum + now.weights[i]!, 0);
  const leading = new Set<number>();
  let covered = 0;
  for (const i of order) {
    if (leading.size >= 8 || (leading.size > 0 && covered >= 0.95 * totalWeight)) break;
    leading.add(i);
    covered += now.weights[i]!;
  }
  // With the first cause confirmed, what matters is what could still overturn it: a cause at an
  // earlier layer, or one that outranks it, with a share of belief worth asking about.
  // The chance that a cause overturns the confirmed one is taken as its prior against the top's; a
  // question is worth it when that chance is at least a tenth of its price (IT: 40 %, user: 15 %).
  const overturn = new Map<number, number>();
  if (settledTop) {
    const top = candidates[topNow]!;
    candidates.forEach((c, i) => {
      if (!alive[i] || i === topNow) return;
      const overturns = (c.cause.decl.outranks ?? []).includes(top.cause.decl.id) || layerOrder.indexOf(c.cause.decl.layer) < layerOrder.indexOf(top.cause.decl.layer);
      const chance = c.prior / (c.prior + top.prior);
      if (overturns && chance >= 0.1) {
        leading.add(i);
        overturn.set(i, chance);
      }
    });
  }
  const worthOverturning = (fact: string, price: number) => {
    let best = 0;
    for (const [i, chance] of overturn) if (candidates[i]!.baseFacts.has(fact)) best = Math.max(best, chance);
    return best >= price / 10;
  };
  const askable = new Set<string>();
  candidates.forEach((c, i) => {
    if (!leading.has(i)) return;
    for (const f of c.baseFacts) {
      const decl = catalogue.get(f);
      if (decl && decl.question && decl.source !== 'derived' && !Object.hasOwn(baseFacts, f) && !exclude.has(f)) askable.add(f);
    }
  });
  const choices: (QuestionChoice & { cost: number; value: number })[] = [];
  // Each answer is set in one scratch copy of the facts and taken back after its candidates are weighed.
  const scratch: Record<string, FactValue> = { ...baseAll };
  // A question's gain is at most the entropy now plus the 0.1 for settling every cause, so its value at
  // most that over its price. Cheapest first: once `limit` questions are worth more than a fact could
  // be at best, it cannot be among those chosen and is not simulated (the choice is the same).
  const ceiling = hNow + 0.1 + 1e-9;
  const best: number[] = [];
  const byPrice = [...askable].map((fact) => ({ fact, price: priceOf(catalogue.get(fact)!) })).sort((a, b) => a.price - b.price);
  for (const { fact, price } of byPrice) {
    if (limit > 0 && best.length >= limit && ceiling / price < best[limit - 1]!) continue;
    const decl = catalogue.get(fact)!;
    const answers = hypotheticalAnswers(decl);
    if (answers.length < 2) continue;
    // After a confirmation a fact no likely overturner reads is not worth its price, whatever it would change.
    if (settledTop && !worthOverturning(fact, priceOf(decl))) continue;
    const outcomes = answers.map((a) => {
      const undo = setFactInPlace(catalogue, scratch, fact, a);
      try {
        return score(scratch, fact);
      } finally {
        undo();
      }
    });
    // An answer that changes neither which cause ranks first nor any status cannot change the ranking.
    const changesTop = () => outcomes.some((o) => topOf(o) !== topNow || o.codes[topNow] !== now.codes[topNow]);
    // After a confirmation, an answer must confirm another cause in first place: one that would only
    // contradict what was already answered (a build after "Exchange Online") is no reason to ask.
    const confirmsAnother = () =>
      outcomes.some((o) => {
        const top = topOf(o);
        return top !== topNow && top !== -1 && o.codes[top] === CONFIRMED;
      });
    if (settledTop ? !confirmsAnother() : !changesTop() && !changesStatus(outcomes, now.codes, alive)) continue;
    // How many answers each cause survives: its belief spreads evenly over them.
    const compatible: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      let count = 0;
      for (const o of outcomes) if (o.codes[i] !== RULED_OUT) count++;
      compatible[i] = count || 1;
    }
    // Sums in index order, as the arithmetic of the ranking expects (same figures every run).
    const mass = outcomes.map((o) => {
      let sum = 0;
      for (let i = 0; i < n; i++) if (!(o.codes[i] === RULED_OUT || !alive[i])) sum = sum + now.weights[i]! / compatible[i]!;
      return sum;
    });
    const totalMass = mass.reduce((a, b) => a + b, 0);
    if (totalMass <= 0) continue;
    let expected = 0;
    let settled = 0;
    outcomes.forEach((o, k) => {
      const pa = mass[k]! / totalMass;
      expected += pa * entropyOf(o.weights, alive);
      let decided = 0;
      for (let i = 0; i < n; i++) {
        const code = o.codes[i];
        if (alive[i] && code !== now.codes[i] && (code === CONFIRMED || code === RULED_OUT)) decided++;
      }
      settled += pa * (decided / aliveCount);
    });
    const gain = Math.max(0, hNow - expected) + 0.1 * settled;
    if (gain > 1e-9) {
      const value = gain / priceOf(decl);
      choices.push({ fact, gain: Math.round(gain * 1000) / 1000, cost: costRank[decl.cost], value });
      best.push(value);
      best.sort((a, b) => b - a);
    }
  }
  return choices
    .sort((a, b) => b.value - a.value || a.cost - b.cost || a.fact.localeCompare(b.fact))
    .slice(0, limit)
    .map(({ fact, gain }) => ({ fact, gain }));
}

/** Whether any answer changes the status of a cause still in the running. */
function changesStatus(outcomes: readonly Weighing[], now: readonly number[], alive: readonly boolean[]): boolean {
  for (const o of outcomes) for (let i = 0; i < now.length; i++) if (alive[i] && o.codes[i] !== now[i]) return true;
  return false;
}

/** `entropy` of the weights of the causes alive, without building the filtered list. */
function entropyOf(weights: readonly number[], alive: readonly boolean[]): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) if (alive[i]) total = total + weights[i]!;
  if (total <= 0) return 0;
  let h = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (alive[i] && w > 0) h -= (w / total) * Math.log2(w / total);
  }
  return h;
}
