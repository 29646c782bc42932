import type { CausePrior } from '../generated/schema-types.ts';
import type { CompiledCause } from './evaluate.ts';

export type { CausePrior };

/**
 * Priors learned outside the engine (from agents' feedback, `kb serve --learn`). The engine only reads
 * them: `diagnose(kb, request, { priors })` ranks with `learned` where it is set and reports the
 * entry on each cause of the result.
 */
export interface PriorSource {
  /** Changes whenever the learned values change: results computed with other values are cached apart. */
  readonly version: string;
  /** The prior of a cause for a symptom (null: no symptom recognised); undefined when the source has none for it. */
  get(symptom: string | null, cause: string): CausePrior | undefined;
}

/** The prior written in the knowledge base for a cause under a symptom: priorBySymptom, else prior. */
export function declaredPrior(decl: CompiledCause['decl'], symptom: string | null): number {
  return (symptom !== null ? decl.priorBySymptom?.[symptom] : undefined) ?? decl.prior;
}
