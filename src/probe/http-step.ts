import { headerValue, headerValues, knownSchemes, parseChallenges, versionFromHeaders, versionFromOwaPage } from './headers.ts';
import { type HttpResponse, sendRequest } from './http-client.ts';
import type { Scrubber } from './secrets.ts';
import { type Lang, t } from '../i18n/index.ts';
import { errorCodeOf, type Limits } from './limits.ts';
import { recognizeSignInPage, signInPageOfUrl } from './sign-in-page.ts';
import { getFolderRequest, readSoapResponse } from './soap.ts';
import type { ProbeTarget } from './target-url.ts';
import type { SecureContext } from 'node:tls';
import type { AuthScheme, HttpDetails, HttpHop, ProbeFacts, ResolvedAddress, SignInPage, StepStatus } from './types.ts';

export interface StepOutcome<D> {
  readonly status: StepStatus;
  readonly summary: string;
  readonly errorCode?: string;
  readonly details: D;
  readonly facts?: ProbeFacts;
}

export interface HttpStepContext {
  readonly target: ProbeTarget;
  readonly address: ResolvedAddress;
  readonly limits: Limits;
  readonly trust?: SecureContext;
  readonly email?: string;
  /** The TLS step found the certificate wanting; the request goes on unverified to see the HTTP layer. */
  readonly certificateNotVerified: boolean;
  readonly signal: AbortSignal;
  /** Language of the summary and the hop notes (default `en`). */
  readonly lang?: Lang;
  /** Removes the password from what the server answers (see Scrubber). */
  readonly scrub?: Scrubber;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Request headers of an EWS client posting SOAP (an EWS endpoint may answer other requests differently). */
export const soapHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/xml; charset=utf-8',
  accept: 'text/xml, application/soap+xml, */*;q=0.1',
  'user-agent': 'exchange-kb-probe/0.1',
};

/** The sign-in page's name as people read it. */
export const pageName = (page: SignInPage, lang: Lang): string => t(lang, `probe.page.${page}`);

/** ` (body cut at … bytes)` or ` (body ended early: …)` when the body is incomplete, else ''. */
export function bodyCut(res: HttpResponse, lang: Lang): string {
  if (res.truncated) return ` ${t(lang, 'probe.http.bodyCut', { bytes: res.body.length })}`;
  if (res.bodyError) return ` ${t(lang, 'probe.http.bodyEnded', { error: res.bodyError })}`;
  return '';
}

function pathOf(u: URL, base: URL): string {
  return u.origin === base.origin ? `${u.pathname}${u.search}` : u.href;
}

/**
 * POSTs a SOAP GetFolder without credentials, as an EWS client's first request, and follows redirects by
 * hand (same host only, at most `maxRedirects`) so every hop is recorded. A redirect to another host, a
 * Microsoft or AD FS sign-in page for instance, is reported and not fetched: the probe only talks to the
 * host it was given. `httpStatus` and `redirectLocation` are the first response's.
 */
export async function unauthenticatedRequest(ctx: HttpStepContext): Promise<StepOutcome<HttpDetails>> {
  const { target, limits } = ctx;
  const lang = ctx.lang ?? 'en';
  const hops: HttpHop[] = [];
  let url = target.url;
  let method: 'GET' | 'POST' = 'POST';
  let body: string | undefined = getFolderRequest(ctx.email);
  let first: HttpResponse | null = null;
  let last: { res: HttpResponse; url: URL } | null = null;
  let challenges: string[] | null = null;
  let schemes: AuthScheme[] | undefined;
  let version: { version: string; source: string } | null = null;
  let owaVersionHeader: string | undefined;
  let feServer: string | undefined;
  let server: string | undefined;
  let signIn: SignInPage | null = null;

  for (let hop = 0; ; hop++) {
    const t0 = performance.now();
    let res: HttpResponse;
    try {
      res = await sendRequest({
        url,
        address: ctx.address,
        method,
        headers: method === 'POST' ? soapHeaders : { accept: 'text/html, */*;q=0.1', 'user-agent': soapHeaders['user-agent']! },
        ...(body === undefined ? {} : { body }),
        verifyCertificate: false,
        ...(ctx.trust ? { trust: ctx.trust } : {}),
        signal: ctx.signal,
        maxBodyBytes: limits.maxBodyBytes,
        maxHeaderBytes: limits.maxHeaderBytes,
        ...(ctx.scrub ? { scrub: ctx.scrub } : {}),
      });
    } catch (e) {
      const code = errorCodeOf(e);
      hops.push({ method, url: url.href, ms: Math.round(performance.now() - t0), errorCode: code, note: t(lang, 'probe.hop.noAnswer') });
      if (!first) {
        return { status: 'failed', errorCode: code, summary: t(lang, 'probe.http.noAnswer', { method, path: pathOf(url, target.url), code }), details: { hops, ...(ctx.certificateNotVerified ? { certificateNotVerified: true } : {}) }, facts: { clientErrorCode: code } };
      }
      break;
    }
    const ms = Math.round(performance.now() - t0);
    first ??= res;
    last = { res, url };
    const wwwAuth = headerValues(res.rawHeaders, 'www-authenticate');
    if (challenges === null && wwwAuth.length > 0) {
      const parsed = parseChallenges(wwwAuth);
      challenges = [...new Set(parsed.map((c) => c.scheme))];
      schemes = knownSchemes(parsed);
    }
    version ??= versionFromHeaders(res.rawHeaders);
    owaVersionHeader ??= headerValue(res.rawHeaders, 'x-owa-version');
    feServer ??= headerValue(res.rawHeaders, 'x-feserver');
    server ??= headerValue(res.rawHeaders, 'server');

    const location = headerValue(res.rawHeaders, 'location');
    let next: URL | null = null;
    try {
      next = location !== undefined && redirectStatuses.has(res.status) ? new URL(location, url) : null;
    } catch {
      hops.push({ method, url: url.href, status: res.status, ...(location ? { location: location.slice(0, 300) } : {}), ms, note: t(lang, 'probe.hop.badLocation') });
      break;
    }
    if (!next) {
      hops.push({ method, url: url.href, status: res.status, ms });
      break;
    }
    const leadsTo = signInPageOfUrl(next.href);
    const hopBase = { method, url: url.href, status: res.status, location: next.href, ms };
    if (leadsTo) signIn ??= leadsTo;
    if (next.hostname !== target.url.hostname || !/^https?:$/.test(next.protocol)) {
      hops.push({ ...hopBase, note: `${t(lang, next.hostname !== target.url.hostname ? 'probe.hop.otherHost' : 'probe.hop.otherScheme')}${leadsTo ? ` (${pageName(leadsTo, lang)})` : ''}` });
      break;
    }
    if (hop >= limits.maxRedirects) {
      hops.push({ ...hopBase, note: t(lang, 'probe.hop.redirectLimit', { limit: limits.maxRedirects }) });
      break;
    }
    hops.push(hopBase);
    // Browsers and HTTP clients turn POST into GET on 301-303; 307/308 repeat the request as it was.
    if (res.status !== 307 && res.status !== 308) {
      method = 'GET';
      body = undefined;
    }
    url = next;
  }

  const res = last!.res;
  const firstRes = first!;
  const contentType = headerValue(res.rawHeaders, 'content-type');
  const text = res.body.toString('utf8');
  // Where the chain ended decides: a redirect not followed by where it points, a page by what it is.
  const lastLocation = hops.at(-1)?.location;
  signIn = (lastLocation ? signInPageOfUrl(lastLocation) : null) ?? recognizeSignInPage({ status: res.status, url: last!.url.href, ...(contentType ? { contentType } : {}), body: text }) ?? signIn;
  const soap = /xml/i.test(contentType ?? '') || text.trimStart().startsWith('<?xml') ? readSoapResponse(text) : null;
  if (!version && soap?.serverVersion) version = { version: soap.serverVersion, source: 'SOAP ServerVersionInfo' };
  if (!version && signIn === 'owa') version = versionFromOwaPage(text);
  const firstLocation = redirectStatuses.has(firstRes.status) ? hops[0]?.location : undefined;

  // Exchange's front end marks its answers; a 404 or a plain web page without any of its marks, and
  // without a sign-in challenge, is no EWS endpoint. Anything in between says nothing.
  const exchangeSigns = Boolean(owaVersionHeader || feServer || soap?.soap || /^Microsoft-HTTPAPI|^Microsoft-IIS/i.test(server ?? '') && firstRes.status === 401);
  const noExchange = !exchangeSigns && !schemes?.length && !signIn && (firstRes.status === 404 || (firstRes.status === 200 && /html/i.test(contentType ?? '')));
  const facts: ProbeFacts = {
    httpStatus: firstRes.status,
    ...(exchangeSigns ? { exchangeDetected: true } : noExchange ? { exchangeDetected: false } : {}),
    ...(firstLocation ? { redirectLocation: firstLocation } : {}),
    ...(schemes ? { authSchemes: schemes } : {}),
    ...(version ? { serverVersion: version.version } : {}),
    ...(soap?.responseCode && soap.responseCode !== 'NoError' ? { ewsErrorCode: soap.responseCode } : {}),
    // The probe asks for the CRM's schema version: refusing it, the server says it is too old for the CRM.
    ...(soap?.responseCode === 'ErrorInvalidServerVersion' ? { requestedVersionRefused: true } : {}),
  };
  const details: HttpDetails = {
    hops,
    status: firstRes.status,
    ...(firstLocation ? { location: firstLocation } : {}),
    ...(signIn ? { signInPage: signIn } : {}),
    ...(challenges ? { challenges } : {}),
    ...(server ? { server } : {}),
    ...(owaVersionHeader ? { xOwaVersion: owaVersionHeader } : {}),
    ...(feServer ? { xFeServer: feServer } : {}),
    ...(version ? { serverVersion: version.version, serverVersionSource: version.source } : {}),
    ...(contentType ? { contentType: contentType.slice(0, 100) } : {}),
    bodyBytes: res.body.length,
    ...(res.truncated || res.bodyError ? { truncated: true } : {}),
    ...(ctx.certificateNotVerified ? { certificateNotVerified: true } : {}),
  };
  return { ...judge(firstRes.status, firstLocation, signIn, schemes, soap !== null && soap.soap, hops, target, res, lang), details, facts };
}

/** The verdict and the one-line summary of the unauthenticated request. */
function judge(status: number, location: string | undefined, signIn: SignInPage | null, schemes: readonly AuthScheme[] | undefined, soap: boolean, hops: readonly HttpHop[], target: ProbeTarget, last: HttpResponse, lang: Lang): { status: StepStatus; summary: string } {
  const head = `POST ${target.url.pathname} → ${status}`;
  const cut = bodyCut(last, lang);
  if (redirectStatuses.has(status) && location) {
    const where = location.length > 120 ? `${location.slice(0, 117)}…` : location;
    const page = signIn ? `: ${pageName(signIn, lang)}` : '';
    const followed = hops.length > 1 ? `, ${t(lang, 'probe.http.followed', { count: hops.length - 1, status: hops.at(-1)?.status ?? t(lang, 'probe.http.noStatus') })}` : '';
    return { status: 'warning', summary: `${t(lang, 'probe.http.redirect', { head, where })}${page}${followed}${cut}` };
  }
  if (status === 440) return { status: 'warning', summary: `${t(lang, 'probe.http.loginTimeout', { head, page: pageName('owa', lang) })}${cut}` };
  if (status === 401) {
    if (schemes && schemes.length > 0) return { status: 'ok', summary: `${t(lang, 'probe.http.offered', { head, schemes: schemes.join(', ') })}${cut}` };
    return { status: 'warning', summary: `${t(lang, 'probe.http.noScheme', { head })}${cut}` };
  }
  if (signIn) return { status: 'warning', summary: `${t(lang, 'probe.http.signInPage', { head, page: pageName(signIn, lang) })}${cut}` };
  if (status === 200 && !soap) return { status: 'warning', summary: `${t(lang, 'probe.http.notSoap', { head, contentType: headerValue(last.rawHeaders, 'content-type') ?? t(lang, 'probe.http.noContentType') })}${cut}` };
  if (status >= 400) return { status: 'warning', summary: `${head}${cut}` };
  return { status: cut ? 'warning' : 'ok', summary: `${head}${cut}` };
}
