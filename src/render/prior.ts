import type { CausePrior } from '../generated/schema-types.ts';
import { type Lang, t } from '../i18n/index.ts';

/** A prior as a person reads it: two decimals at most, with the language's decimal sign. */
export function formatPrior(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'de' ? 'de-DE' : 'en-US', { maximumFractionDigits: 2 });
}

/**
 * A cause's learned prior in words ("Learned from feedback: this cause solved 25 of 31 reported
 * cases …"); null when nobody has reported on it, so results without feedback read as before.
 */
export function describePrior(prior: CausePrior | undefined, lang: Lang): string | null {
  if (!prior) return null;
  const reports = prior.solved + prior.notSolved;
  if (reports === 0) return null;
  const declared = formatPrior(prior.declared, lang);
  if (prior.learned === null) return t(lang, 'prior.tooFew', { declared, reports });
  return t(lang, prior.bounded ? 'prior.learnedBounded' : 'prior.learned', { solved: prior.solved, reports, declared, learned: formatPrior(prior.learned, lang) });
}
