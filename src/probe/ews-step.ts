import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { type Lang, t } from '../i18n/index.ts';
import { headerValue, headerValues, parseChallenges } from './headers.ts';
import { type HttpResponse, sendRequest } from './http-client.ts';
import { bodyCut, soapHeaders, type StepOutcome } from './http-step.ts';
import { errorCodeOf, type Limits } from './limits.ts';
import { authenticateMessage, challengeFromTokens, type ChallengeMessage, negotiateMessage, splitUsername } from './ntlm.ts';
import type { Scrubber } from './secrets.ts';
import { readSoapResponse, type SoapReading } from './soap.ts';
import type { ProbeTarget } from './target-url.ts';
import type { SecureContext } from 'node:tls';
import type { AuthScheme, EwsAttempt, EwsDetails, ProbeFacts, ResolvedAddress } from './types.ts';

export interface Credentials {
  /** The sign-in name as typed (`DOMAIN\user`, UPN or plain). */
  readonly username: string;
  readonly password: string;
}

export interface EwsStepContext {
  readonly target: ProbeTarget;
  readonly address: ResolvedAddress;
  readonly limits: Limits;
  readonly trust?: SecureContext;
  readonly credentials: Credentials;
  readonly signal: AbortSignal;
  /** Language of the attempts' notes (default `en`). */
  readonly lang?: Lang;
  /** Removes the password from what the server answers (see Scrubber). */
  readonly scrub?: Scrubber;
}

export type PasswordScheme = 'NTLM' | 'Basic';

/** The password schemes to try, NTLM first (what on-premises Exchange offers by default), from what the server offers. */
export function passwordSchemes(offered: readonly AuthScheme[]): PasswordScheme[] {
  const out: PasswordScheme[] = [];
  if (offered.includes('NTLM') || offered.includes('Negotiate')) out.push('NTLM');
  if (offered.includes('Basic')) out.push('Basic');
  return out;
}

interface Exchange {
  readonly response?: HttpResponse;
  /** The password went out in this exchange (Basic, or NTLM's AUTHENTICATE); `response` answers it. */
  readonly credentialsSent?: boolean;
  readonly errorCode?: string;
  readonly note?: string;
  readonly ntlm?: ChallengeMessage;
}

/** One request with the step's limits; credentials only ever go out with certificate verification on. */
function post(ctx: EwsStepContext, body: string, authorization: string, agent?: HttpAgent | HttpsAgent): Promise<HttpResponse> {
  return sendRequest({
    url: ctx.target.url,
    address: ctx.address,
    method: 'POST',
    headers: { ...soapHeaders, authorization },
    body,
    verifyCertificate: true,
    ...(ctx.trust ? { trust: ctx.trust } : {}),
    ...(agent ? { agent } : {}),
    signal: ctx.signal,
    maxBodyBytes: ctx.limits.maxBodyBytes,
    maxHeaderBytes: ctx.limits.maxHeaderBytes,
    ...(ctx.scrub ? { scrub: ctx.scrub } : {}),
  });
}

async function basic(ctx: EwsStepContext, body: string): Promise<Exchange> {
  const token = Buffer.from(`${ctx.credentials.username}:${ctx.credentials.password}`, 'utf8').toString('base64');
  return { response: await post(ctx, body, `Basic ${token}`), credentialsSent: true };
}

/**
 * The NTLM handshake: NEGOTIATE, read the server's CHALLENGE from its 401, answer with AUTHENTICATE on
 * the same connection (NTLM authenticates the connection, not the request). `Negotiate` carries the same
 * raw NTLM messages when the server offers only that.
 */
async function ntlm(ctx: EwsStepContext, body: string, header: 'NTLM' | 'Negotiate'): Promise<Exchange> {
  const lang = ctx.lang ?? 'en';
  const agent = ctx.target.scheme === 'https' ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await post(ctx, body, `${header} ${negotiateMessage().toString('base64')}`, agent);
    if (first.status !== 401) return { response: first, note: t(lang, 'probe.ntlm.noChallengeNeeded') };
    const tokens = parseChallenges(headerValues(first.rawHeaders, 'www-authenticate'))
      .filter((c) => c.scheme.toLowerCase() === header.toLowerCase())
      .map((c) => c.token);
    const challenge = challengeFromTokens(tokens);
    if (!challenge) return { response: first, note: t(lang, 'probe.ntlm.noChallenge') };
    const { user, domain } = splitUsername(ctx.credentials.username);
    const message = authenticateMessage(challenge, { user, domain, password: ctx.credentials.password }, randomBytes(8), Date.now());
    const second = await post(ctx, body, `${header} ${message.toString('base64')}`, agent);
    const note = second.reusedSocket ? undefined : t(lang, 'probe.ntlm.connectionClosed');
    return { response: second, credentialsSent: true, ntlm: challenge, ...(note ? { note } : {}) };
  } finally {
    agent.destroy();
  }
}

export interface AuthenticatedResult {
  readonly attempts: readonly EwsAttempt[];
  readonly response?: HttpResponse;
  readonly soap?: SoapReading;
  /** The scheme that got past 401, if any. */
  readonly scheme?: PasswordScheme;
  readonly ntlm?: ChallengeMessage;
  /**
   * How signing in ended (the `ewsSignIn` fact): `ok` when the answer to the credentials was anything
   * but 401/403, `refused` when every scheme tried with the credentials got 401; absent when that is
   * unknown (a network failure, a 403, or no credentials went out).
   */
  readonly signIn?: 'ok' | 'refused';
}

/** POSTs `body` with each scheme in turn until one gets past 401; a network failure ends the attempts. */
export async function authenticatedCall(ctx: EwsStepContext, body: string, schemes: readonly PasswordScheme[], offered: readonly AuthScheme[]): Promise<AuthenticatedResult> {
  const attempts: EwsAttempt[] = [];
  let ntlmChallenge: ChallengeMessage | undefined;
  let refused: { response: HttpResponse; soap?: SoapReading } | undefined;
  // Whether any scheme sent the password and got its 401 (NTLM without a challenge never sends it).
  let refusedWithCredentials = false;
  for (const scheme of schemes) {
    const t0 = performance.now();
    let exchange: Exchange;
    try {
      exchange = scheme === 'Basic' ? await basic(ctx, body) : await ntlm(ctx, body, offered.includes('NTLM') ? 'NTLM' : 'Negotiate');
    } catch (e) {
      exchange = { errorCode: errorCodeOf(e) };
    }
    ntlmChallenge ??= exchange.ntlm;
    const res = exchange.response;
    const soap = res && res.body.length > 0 ? readSoapResponse(res.body.toString('utf8')) : undefined;
    attempts.push({
      scheme,
      ms: Math.round(performance.now() - t0),
      ...(res ? { status: res.status } : {}),
      ...(soap?.responseCode ? { responseCode: soap.responseCode } : {}),
      ...(exchange.errorCode ? { errorCode: exchange.errorCode } : {}),
      ...(exchange.note ? { note: exchange.note } : {}),
    });
    if (!res) return { attempts, ...(ntlmChallenge ? { ntlm: ntlmChallenge } : {}) };
    if (res.status !== 401) {
      const signIn = exchange.credentialsSent && res.status !== 403 ? { signIn: 'ok' as const } : {};
      return { attempts, response: res, ...(soap ? { soap } : {}), scheme, ...(ntlmChallenge ? { ntlm: ntlmChallenge } : {}), ...signIn };
    }
    refusedWithCredentials ||= exchange.credentialsSent === true;
    refused = { response: res, ...(soap ? { soap } : {}) };
  }
  return { attempts, ...refused, ...(ntlmChallenge ? { ntlm: ntlmChallenge } : {}), ...(refused && refusedWithCredentials ? { signIn: 'refused' as const } : {}) };
}

/** Turns an authenticated call into the EWS (or send) step's report and facts. */
export function judgeEws(operation: 'GetFolder' | 'CreateItem', result: AuthenticatedResult, lang: Lang = 'en'): StepOutcome<EwsDetails> {
  const { attempts, response: res, soap } = result;
  const tried = attempts.map((a) => a.scheme).join(', ');
  const details: EwsDetails = {
    operation,
    attempts,
    ...(res ? { status: res.status } : {}),
    ...(soap?.responseCode ? { responseCode: soap.responseCode } : {}),
    ...(soap?.responseClass ? { responseClass: soap.responseClass } : {}),
    ...(soap?.messageText ? { messageText: soap.messageText } : {}),
    ...(soap?.serverVersion ? { serverVersion: soap.serverVersion } : {}),
    ...(res && res.body.length > 0 && soap && !soap.xml ? { invalidXml: true } : {}),
    ...(result.ntlm?.netbiosDomain ? { ntlmDomain: result.ntlm.netbiosDomain } : {}),
    ...(result.ntlm?.netbiosComputer ? { ntlmServer: result.ntlm.netbiosComputer } : {}),
  };
  const facts: ProbeFacts = {
    ...(soap?.serverVersion ? { serverVersion: soap.serverVersion } : {}),
    ...(soap?.responseCode && soap.responseCode !== 'NoError' ? { ewsErrorCode: soap.responseCode } : {}),
    // The probe asks for the CRM's schema version: refusing it, the server says it is too old for the CRM.
    ...(soap?.responseCode === 'ErrorInvalidServerVersion' ? { requestedVersionRefused: true } : {}),
    // The sign-in fact is the EWS call's (GetFolder); the test message reuses the scheme that worked.
    ...(operation === 'GetFolder' && result.signIn ? { ewsSignIn: result.signIn } : {}),
  };
  const version = soap?.serverVersion ? `, Exchange ${soap.serverVersion}` : '';
  if (!res) {
    const code = attempts.at(-1)?.errorCode ?? 'EPROBE';
    return { status: 'failed', errorCode: code, summary: t(lang, 'probe.ews.noAnswer', { operation, schemes: tried, code }), details, facts };
  }
  if (res.status === 401) {
    return { status: 'failed', errorCode: 'HTTP_401', summary: t(lang, 'probe.ews.refused', { operation, schemes: tried }), details, facts };
  }
  const how = t(lang, 'probe.ews.signedIn', { operation, scheme: result.scheme ?? '?' });
  if (soap?.responseCode === 'NoError') return { status: 'ok', summary: `${how}: NoError${version}`, details, facts };
  if (soap?.responseCode) {
    const text = soap.messageText ? `: ${soap.messageText.slice(0, 120)}` : '';
    return { status: 'failed', errorCode: soap.responseCode, summary: `${how}: ${soap.responseCode}${text}${version}`, details, facts };
  }
  if (res.status >= 300 && res.status < 400) {
    const location = headerValue(res.rawHeaders, 'location') ?? '';
    return { status: 'failed', errorCode: `HTTP_${res.status}`, summary: t(lang, 'probe.ews.redirected', { operation, location: location.slice(0, 120) }), details, facts };
  }
  const what = t(lang, soap && !soap.xml ? 'probe.ews.notXml' : soap && !soap.soap ? 'probe.ews.notSoap' : 'probe.ews.noResponseCode');
  const cut = bodyCut(res, lang);
  return { status: 'failed', errorCode: `HTTP_${res.status}`, summary: `${operation} → ${res.status}: ${what}${cut}`, details, facts };
}
