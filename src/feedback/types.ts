import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';

export interface FeedbackInput {
  /** The knowledge base the agent worked with; cause and symptom must exist in it. */
  readonly kb: CompiledKnowledgeBase;
  /** The symptom id, or null/undefined when none was recognised. */
  readonly symptom?: string | null | undefined;
  readonly cause: string;
  /** true: this cause solved the case; false: it did not. */
  readonly solved: boolean;
  readonly lang?: 'de' | 'en' | undefined;
}

/** The answers recorded for one cause under one symptom (null: no symptom was recognised). */
export interface FeedbackCount {
  readonly symptom: string | null;
  readonly cause: string;
  readonly solved: number;
  readonly notSolved: number;
}

export interface CauseFeedback {
  readonly id: string;
  readonly solved: number;
  readonly notSolved: number;
}

export interface FeedbackStats {
  readonly kb: { readonly name: string; readonly version: string };
  /** Every cause of the knowledge base in its order, with the answers recorded for it (all versions of the knowledge base with this name). */
  readonly causes: readonly CauseFeedback[];
}

/**
 * Where answers are kept: an SQLite file or a PostgreSQL database, with the same schema. Every method
 * throws (rejects with) FeedbackError: CAUSE_UNKNOWN, SYMPTOM_UNKNOWN or REQUEST_INVALID for bad input,
 * STORE_FAILED when the database cannot be used.
 */
export interface FeedbackStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The file path, or the URL without its password: safe to log. */
  readonly location: string;
  /** Checks and stores one answer. */
  record(input: FeedbackInput): Promise<{ id: number }>;
  /** The answers per symptom and cause, over all versions of the knowledge base with this name. */
  counts(kbName: string): Promise<FeedbackCount[]>;
  /** The answers per cause of the knowledge base, in its order. */
  stats(kb: CompiledKnowledgeBase): Promise<FeedbackStats>;
  close(): Promise<void>;
}

/** Totals per cause of the knowledge base, from the counts per symptom and cause. */
export function statsOf(kb: CompiledKnowledgeBase, counts: readonly FeedbackCount[]): FeedbackStats {
  const byCause = new Map<string, { solved: number; notSolved: number }>();
  for (const c of counts) {
    const t = byCause.get(c.cause) ?? { solved: 0, notSolved: 0 };
    byCause.set(c.cause, { solved: t.solved + c.solved, notSolved: t.notSolved + c.notSolved });
  }
  const { name, version } = kb.data.settings;
  return { kb: { name, version }, causes: kb.data.causes.map((c) => ({ id: c.id, solved: byCause.get(c.id)?.solved ?? 0, notSolved: byCause.get(c.id)?.notSolved ?? 0 })) };
}
