/** Rendering of content pages and diagnoses: Markdown, sanitised HTML and terminal text. */
export { renderHtml } from './html.ts';
export { renderTerminal } from './terminal.ts';
export { guidanceHtml, withHtmlGuidance } from './guidance.ts';
export { asCodeSpan, fillPlaceholders, guidanceMarkdown } from './placeholders.ts';
export { describePrior, formatPrior } from './prior.ts';
export { renderResult, type ResultFormat } from './result.ts';
export { renderSummary, summaryContext, type SummaryContext } from './summary.ts';
export { labelOf, wordItem, wordValue } from './explain.ts';
export { causeSection, sectionsOf } from './sections.ts';
