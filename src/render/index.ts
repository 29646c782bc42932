/** Rendering of content pages and diagnoses: Markdown, sanitised HTML and terminal text. */
export { renderHtml, renderTerminal } from './markdown.ts';
export { asCodeSpan, fillPlaceholders } from './placeholders.ts';
export { renderResult, type ResultFormat } from './result.ts';
