import type { Derivation, FactDeclaration, FactValue } from '../generated/schema-types.ts';
import { certificateCoversHost } from './hostname.ts';
import { fillUrlTemplate, hostOf, parseFormUrl } from './url.ts';
import { compareVersions, parseVersion } from './version.ts';

/** A fact value, or undefined when nobody knows it. */
export type Known = FactValue | undefined;
export type FactMap = Readonly<Record<string, FactValue>>;

type DeriveFn = (inputs: Known[], d: Derivation) => Known;

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'i');
    regexCache.set(pattern, re);
  }
  return re;
}

/**
 * The form of a sign-in name: `DOMAIN\user` (down-level), `user@domain` (UPN), a plain name,
 * or none when the field was left empty.
 */
export function usernameFormat(username: string): 'domain-backslash' | 'upn' | 'plain' | 'none' {
  const s = username.trim();
  if (s === '') return 'none';
  if (/^[^\\/@\s]+\\[^\\/@\s]+$/.test(s)) return 'domain-backslash';
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)) return 'upn';
  return 'plain';
}

/** The derivation functions a fact catalogue can name, each pure. Unknown input gives unknown output. */
const functions: Record<Derivation['fn'], DeriveFn> = {
  urlValid: ([url]) => (url === undefined ? undefined : parseFormUrl(url) !== null),
  urlHost: ([url]) => (url === undefined ? undefined : (hostOf(url) ?? undefined)),
  urlIsHttps: ([url]) => {
    if (url === undefined) return undefined;
    const p = parseFormUrl(url);
    // A broken address that still starts with https:// does use https; the breakage is urlValid's to say.
    return p ? p.scheme === 'https' : typeof url === 'string' && /^\s*["'<]*https:\/\//i.test(url);
  },
  urlPathMatches: ([url], d) => {
    if (url === undefined) return undefined;
    const p = parseFormUrl(url);
    return p ? regex(d.pattern ?? '$^').test(p.path) : undefined;
  },
  urlFromTemplate: ([url], d) => (url === undefined ? undefined : (fillUrlTemplate(d.template ?? '', url) ?? undefined)),
  matchesPattern: ([text], d) => (typeof text === 'string' ? regex(d.pattern ?? '$^').test(text.slice(0, 4096)) : undefined),
  versionAtLeast: ([version], d) => {
    const v = parseVersion(version);
    const min = parseVersion(d.min);
    return v && min ? compareVersions(v, min) >= 0 : undefined;
  },
  versionInRange: ([version], d) => {
    const v = parseVersion(version);
    const min = parseVersion(d.min);
    const below = parseVersion(d.below);
    return v && min && below ? compareVersions(v, min) >= 0 && compareVersions(v, below) < 0 : undefined;
  },
  certMatchesHost: ([names, cn, host]) => {
    if (typeof host !== 'string') return undefined;
    const list = Array.isArray(names) ? names.map(String) : [];
    if (list.length === 0 && typeof cn !== 'string') return undefined;
    return certificateCoversHost(list, typeof cn === 'string' ? cn : undefined, host);
  },
  usernameFormat: ([username]) => (typeof username === 'string' ? usernameFormat(username) : undefined),
  equals: ([value], d) => (value === undefined ? undefined : JSON.stringify(value) === JSON.stringify(d.value)),
  containsAny: ([list], d) => (Array.isArray(list) ? (d.values ?? []).some((v) => list.some((item) => String(item).toLowerCase() === v.toLowerCase())) : undefined),
  // True once the input is known; never false (not knowing is not evidence of absence).
  isKnown: ([value]) => (value === undefined ? undefined : true),
};

/** How many inputs each function reads and which parameters it needs (checked by lint). */
export const derivationArity: Readonly<Record<string, { inputs: number; params: readonly string[] }>> = {
  urlValid: { inputs: 1, params: [] },
  urlHost: { inputs: 1, params: [] },
  urlIsHttps: { inputs: 1, params: [] },
  urlPathMatches: { inputs: 1, params: ['pattern'] },
  urlFromTemplate: { inputs: 1, params: ['template'] },
  matchesPattern: { inputs: 1, params: ['pattern'] },
  versionAtLeast: { inputs: 1, params: ['min'] },
  versionInRange: { inputs: 1, params: ['min', 'below'] },
  certMatchesHost: { inputs: 3, params: [] },
  usernameFormat: { inputs: 1, params: [] },
  equals: { inputs: 1, params: ['value'] },
  isKnown: { inputs: 1, params: [] },
  containsAny: { inputs: 1, params: ['values'] },
};

/**
 * Computes the derived facts of the catalogue from `facts`, in declaration order so a derived fact
 * may read one declared before it. Several derivations: the first that gives a known value wins
 * (one with `onlyWhen` counts only when its result is that value).
 */
export function deriveFacts(catalogue: Iterable<FactDeclaration>, facts: FactMap): Record<string, FactValue> {
  const all: Record<string, FactValue> = { ...facts };
  const derived: Record<string, FactValue> = {};
  for (const decl of catalogue) {
    const value = deriveOne(decl, all);
    if (value !== undefined) {
      all[decl.id] = value;
      derived[decl.id] = value;
    }
  }
  return derived;
}

/** One derived fact from the facts so far; undefined when it cannot be known (or is not derived). */
export function deriveOne(decl: FactDeclaration, all: FactMap): Known {
  if (decl.source !== 'derived' || !decl.derive) return undefined;
  for (const d of Array.isArray(decl.derive) ? decl.derive : [decl.derive]) {
    const value = functions[d.fn](d.from.map((f) => (Object.hasOwn(all, f) ? all[f] : undefined)), d);
    if (value !== undefined && (d.onlyWhen === undefined || value === d.onlyWhen)) return value;
  }
  return undefined;
}

const dependentsCache = new WeakMap<ReadonlyMap<string, FactDeclaration>, Map<string, FactDeclaration[]>>();

/** The derived facts that read `fact`, directly or through other derived facts, in declaration order. */
export function derivedDependents(catalogue: ReadonlyMap<string, FactDeclaration>, fact: string): readonly FactDeclaration[] {
  let byFact = dependentsCache.get(catalogue);
  if (!byFact) {
    byFact = new Map();
    dependentsCache.set(catalogue, byFact);
  }
  let list = byFact.get(fact);
  if (!list) {
    const reached = new Set([fact]);
    list = [];
    for (const decl of catalogue.values()) {
      if (!decl.derive) continue;
      const inputs = (Array.isArray(decl.derive) ? decl.derive : [decl.derive]).flatMap((d) => d.from);
      if (inputs.some((i) => reached.has(i))) {
        reached.add(decl.id);
        list.push(decl);
      }
    }
    byFact.set(fact, list);
  }
  return list;
}

/** All facts (given and derived) after setting one fact, recomputing only what depends on it. */
export function withFact(catalogue: ReadonlyMap<string, FactDeclaration>, all: FactMap, fact: string, value: FactValue): Record<string, FactValue> {
  const next: Record<string, FactValue> = { ...all, [fact]: value };
  for (const decl of derivedDependents(catalogue, fact)) {
    const v = deriveOne(decl, next);
    if (v === undefined) delete next[decl.id];
    else next[decl.id] = v;
  }
  return next;
}

/**
 * `withFact` without the copy, for simulating many answers one after the other: sets the fact in
 * `facts` (a scratch object of the caller's), recomputes what depends on it, and returns a function
 * that puts every fact it changed back as it was.
 */
export function setFactInPlace(catalogue: ReadonlyMap<string, FactDeclaration>, facts: Record<string, FactValue>, fact: string, value: FactValue): () => void {
  const saved: { id: string; had: boolean; value: FactValue | undefined }[] = [{ id: fact, had: Object.hasOwn(facts, fact), value: facts[fact] }];
  facts[fact] = value;
  for (const decl of derivedDependents(catalogue, fact)) {
    saved.push({ id: decl.id, had: Object.hasOwn(facts, decl.id), value: facts[decl.id] });
    const v = deriveOne(decl, facts);
    if (v === undefined) delete facts[decl.id];
    else facts[decl.id] = v;
  }
  return () => {
    for (let i = saved.length - 1; i >= 0; i--) {
      const { id, had, value: before } = saved[i]!;
      if (had) facts[id] = before!;
      else delete facts[id];
    }
  };
}
