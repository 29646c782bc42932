import { type Lang, t } from '../i18n/index.ts';
import type { DiagnosticList } from './diagnostics.ts';
import type { KnowledgeBaseData } from './model.ts';
import { lineColAt, readProse } from './prose.ts';

// Query parameters that only tell the linked site where a reader came from. Compared in lower case.
const trackingPrefixes = ['utm_'];
const trackingNames = new Set(['wt.mc_id', 'mc_id', 'ocid', 'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'mc_cid', 'mc_eid', '_hsenc', '_hsmi', 'mkt_tok', 'igshid', 'yclid', '_ga', '_gl', 'spm', 'trk']);

/** Why a link in a page is not acceptable, or null when it is a plain https address. */
export function linkProblem(url: string): { key: 'lint.linkNotHttps' | 'lint.linkMalformed' | 'lint.linkTracking'; param?: string } | null {
  if (!/^https:\/\//i.test(url)) return { key: 'lint.linkNotHttps' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { key: 'lint.linkMalformed' };
  }
  if (parsed.hostname === '' || !parsed.hostname.includes('.') || parsed.username !== '' || parsed.password !== '') return { key: 'lint.linkMalformed' };
  for (const name of parsed.searchParams.keys()) {
    const lower = name.toLowerCase();
    if (trackingNames.has(lower) || trackingPrefixes.some((p) => lower.startsWith(p))) return { key: 'lint.linkTracking', param: name };
  }
  return null;
}

/** Shortened for a message: a hostile page can hold a link of any length. */
const shown = (url: string) => (url.length > 200 ? `${url.slice(0, 200)}…` : url);

/**
 * Checks the form of every link in the pages: https only, a host name, no credentials and no tracking
 * parameters. URLs inside code are examples the reader types, not links, and are left alone.
 */
export function checkLinks(data: KnowledgeBaseData, diags: DiagnosticList, lang: Lang): void {
  for (const page of data.pages.values()) {
    const body = page.body.replace(/\r\n?/g, '\n');
    for (const { url, index } of readProse(body).urls) {
      const problem = linkProblem(url);
      if (!problem) continue;
      const pos = lineColAt(body, index);
      diags.report({
        code: 'KB_LINK',
        severity: 'error',
        file: page.file,
        line: page.bodyLine + pos.line,
        col: pos.col + 1,
        message: t(lang, problem.key, { url: shown(url), param: problem.param ?? '' }),
      });
    }
  }
}
