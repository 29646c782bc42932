import { isIP } from 'node:net';
import { KbError } from '../engine/errors.ts';
import { parseFormUrl } from '../facts/url.ts';
import { type Lang, t } from '../i18n/index.ts';
import type { UrlDetails } from './types.ts';

/** A URL the probe can connect to. */
export interface ProbeTarget {
  /** The URL as given, trimmed of spaces and surrounding quotes. */
  readonly text: string;
  readonly url: URL;
  readonly scheme: 'http' | 'https';
  /** Host name (lower case, ASCII) or IP address without brackets. */
  readonly host: string;
  readonly port: number;
  /** Decoded path, for the report. */
  readonly path: string;
  readonly isIp: boolean;
  readonly isEwsEndpoint: boolean;
  readonly suggestedEwsUrl: string;
}

const ewsPath = /^\/ews\/exchange\.asmx\/?$/i;

/**
 * Reads the URL to probe with the engine's own rules (`urlValid`), so the probe refuses exactly what the
 * engine calls malformed. Throws PROBE_FAILED (field `url`) when there is nothing to connect to.
 */
export function parseTarget(raw: unknown): ProbeTarget {
  const text = typeof raw === 'string' ? raw.trim().replace(/^["'<]+|["'>]+$/g, '') : '';
  // Credentials inside the URL would end up in the report; refuse without echoing them.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(text)) {
    throw new KbError('PROBE_FAILED', 'Cannot probe a URL that contains a user name or password; give the user name with --username and the password on standard input.', { field: 'url' });
  }
  const parsed = parseFormUrl(text);
  if (!parsed) {
    const shown = typeof raw === 'string' ? JSON.stringify(raw.slice(0, 200)) : String(typeof raw);
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1];
    const why = scheme && !/^https?$/i.test(scheme) ? `the scheme "${scheme}" is not http or https` : 'it is not an http(s) URL with a host name';
    throw new KbError('PROBE_FAILED', `Cannot probe ${shown}: ${why}. Check the Exchange URL, e.g. https://mail.example.com/EWS/Exchange.asmx.`, { field: 'url' });
  }
  const url = new URL(text);
  const scheme = parsed.scheme === 'https' ? 'https' : 'http';
  const port = parsed.port ?? (scheme === 'https' ? 443 : 80);
  const portPart = scheme === 'https' && port !== 443 ? `:${port}` : '';
  const hostPart = isIP(parsed.host) === 6 ? `[${parsed.host}]` : parsed.host;
  return {
    text,
    url,
    scheme,
    host: parsed.host,
    port,
    path: parsed.path,
    isIp: isIP(parsed.host) !== 0,
    isEwsEndpoint: ewsPath.test(parsed.path),
    suggestedEwsUrl: `https://${hostPart}${portPart}/EWS/Exchange.asmx`,
  };
}

/** The URL as the report shows it: scheme, host, the port only when it is not the scheme's default, path. */
export function displayUrl(target: ProbeTarget): string {
  const host = isIP(target.host) === 6 ? `[${target.host}]` : target.host;
  const port = target.port === (target.scheme === 'https' ? 443 : 80) ? '' : `:${target.port}`;
  return `${target.scheme}://${host}${port}${target.path}`;
}

/** The URL step's report: what the URL says before any connection is made. */
export function describeTarget(target: ProbeTarget, lang: Lang = 'en'): { readonly details: UrlDetails; readonly warnings: readonly string[] } {
  const warnings: string[] = [];
  if (target.scheme !== 'https') warnings.push(t(lang, 'probe.url.plainHttp'));
  if (!target.isEwsEndpoint) warnings.push(t(lang, 'probe.url.notEws', { path: target.path, suggested: target.suggestedEwsUrl }));
  return {
    details: { scheme: target.scheme, host: target.host, port: target.port, path: target.path, isEwsEndpoint: target.isEwsEndpoint, suggestedEwsUrl: target.suggestedEwsUrl },
    warnings,
  };
}
