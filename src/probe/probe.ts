import type { SecureContext } from 'node:tls';
import { KbError } from '../engine/errors.ts';
import { isLang, type Lang, t } from '../i18n/index.ts';
import { tcpConnect, tlsHandshake, trustContext } from './connect.ts';
import { authenticatedCall, type Credentials, judgeEws, passwordSchemes, type PasswordScheme } from './ews-step.ts';
import { type StepOutcome, unauthenticatedRequest } from './http-step.ts';
import { errorCodeOf, errorMessageOf, type Limits, resolveLimits, stepSignal } from './limits.ts';
import { Scrubber, scrubSecrets, secretsOf } from './secrets.ts';
import { getFolderRequest, sendTestRequest } from './soap.ts';
import { type Allowlist, compileAllowlist, refusalFor } from './target-guard.ts';
import { describeTarget, displayUrl, parseTarget, type ProbeTarget } from './target-url.ts';
import { resolveHost, systemLookup } from './resolve.ts';
import { judgeTls } from './tls-step.ts';
import type { AuthScheme, ProbeFacts, ProbeOptions, ProbeResult, ProbeStep, ResolvedAddress, StepId } from './types.ts';

type Outcome<S extends StepId> = StepOutcome<Extract<ProbeStep, { step: S }>['details']>;

/** Codes after which a TCP connection is known not to get through (others leave `tcpReachable` unknown). */
const unreachable = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Checks the credential options: plain text, sane lengths, no line breaks (they end up in headers and XML). */
function checkCredentials(options: ProbeOptions): Credentials | null {
  const text = (name: 'email' | 'username' | 'password' | 'sendTestTo', max: number): string | undefined => {
    const v = options[name];
    if (v === undefined || v === '') return undefined;
    // The password's value is never part of an error message.
    if (typeof v !== 'string' || v.length > max || /[\u0000-\u001f\u007f]/.test(v)) {
      throw new KbError('PROBE_FAILED', `The probe option ${name} must be text of at most ${max} characters without line breaks or control characters.`, { field: name });
    }
    return v;
  };
  const email = text('email', 320);
  const username = text('username', 320);
  const password = text('password', 1024);
  const to = text('sendTestTo', 320);
  if (to !== undefined && !/^[^@\s]+@[^@\s]+$/.test(to)) throw new KbError('PROBE_FAILED', `The test message recipient "${to}" is not an e-mail address.`, { field: 'sendTestTo' });
  if (password === undefined) return null;
  const name = username ?? email;
  if (!name) throw new KbError('PROBE_FAILED', 'A password was given without a user name or e-mail address to sign in with.', { field: 'username' });
  return { username: name, password };
}

/** The report's language: `en` unless `de` is asked for; anything else is an input error. */
function checkLang(options: ProbeOptions): Lang {
  const lang: unknown = options.lang;
  if (lang === undefined) return 'en';
  if (!isLang(lang)) throw new KbError('PROBE_FAILED', 'The probe option lang must be "de" or "en".', { field: 'lang' });
  return lang;
}

/**
 * Probes an Exchange URL layer by layer (URL, DNS, TCP, TLS, HTTP without credentials, EWS with
 * credentials, and an optional test message) and returns the facts it observed under the catalogue's
 * names with a report of every step. A failing step records its error code as `clientErrorCode` (the
 * first failing layer's) and the probe goes on where the next layer can still be observed.
 *
 * Throws KbError PROBE_FAILED when it cannot run at all: a URL that is not http(s), invalid options,
 * or (with `restrictTargets`) a host that resolves to an address it may not contact.
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const limits = resolveLimits(options);
  const lang = checkLang(options);
  const credentials = checkCredentials(options);
  const allowlist = options.restrictTargets ? compileAllowlist(options.restrictTargets.allowlist) : null;
  const target = parseTarget(url);
  const trust = trustContext(options.ca);
  const secrets = secretsOf(credentials);
  const startedAt = new Date();
  const t0 = performance.now();
  const steps: ProbeStep[] = [];
  const facts: ProbeFacts = {
    url: target.text,
    ...(options.email ? { email: options.email } : {}),
    ...(options.username !== undefined ? { username: options.username } : {}),
  };
  const overall = stepSignal(t(lang, 'probe.label.whole'), limits.timeoutMs, options.signal, lang);
  const progress = options.onProgress;

  const record = (report: ProbeStep) => {
    const clean = scrubSecrets(report, secrets);
    steps.push(clean);
    progress?.({ phase: 'end', report: clean });
  };
  const merge = (found: ProbeFacts | undefined) => {
    for (const [name, value] of Object.entries(found ?? {}) as [keyof ProbeFacts, never][]) {
      if (name === 'clientErrorCode' && facts.clientErrorCode !== undefined) continue; // the first failing layer's code
      facts[name] = value;
    }
  };
  const stopped = () => (options.signal?.aborted ? t(lang, 'probe.stopped') : t(lang, 'probe.skip.timeLimit', { ms: limits.timeoutMs }));
  // Once the probe is stopped, that is the reason every later step did not run.
  const skip = (step: StepId, summary: string) => record({ step, status: 'skipped', ms: 0, summary: overall.signal.aborted ? stopped() : summary, details: {} } as ProbeStep);

  /** Runs one step within its time budget; an unexpected exception becomes a failed step, not a crash. */
  const run = async <S extends StepId>(step: S, label: string, body: (signal: AbortSignal) => Promise<Outcome<S>>): Promise<Outcome<S> | null> => {
    if (overall.signal.aborted) {
      skip(step, stopped());
      return null;
    }
    const budget = Math.max(1, Math.min(limits.stepTimeoutMs, limits.timeoutMs - Math.round(performance.now() - t0)));
    progress?.({ phase: 'start', step, label, timeoutMs: budget });
    const { signal, dispose } = stepSignal(label, budget, overall.signal, lang);
    const s0 = performance.now();
    let outcome: Outcome<S>;
    try {
      outcome = await body(signal);
    } catch (e) {
      if (e instanceof KbError) throw e;
      const code = errorCodeOf(e);
      outcome = { status: 'failed', errorCode: code, summary: `${label}: ${errorMessageOf(e)}`, details: {}, facts: { clientErrorCode: code } } as Outcome<S>;
    } finally {
      dispose();
    }
    if (options.signal?.aborted) {
      // Stopped by the caller: what the step saw is cut short, so it is not a fact about the server.
      record({ step, status: 'skipped', ms: Math.round(performance.now() - s0), summary: t(lang, 'probe.stopped'), details: {} } as ProbeStep);
      return null;
    }
    merge(outcome.facts);
    record({ step, status: outcome.status, ms: Math.round(performance.now() - s0), summary: outcome.summary, ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}), details: outcome.details } as ProbeStep);
    return outcome;
  };

  try {
    await runAll({ target, options, limits, credentials, allowlist, trust, lang, scrub: new Scrubber(secrets) }, run, skip);
  } finally {
    overall.dispose();
  }
  return scrubSecrets({ url: target.text, startedAt: startedAt.toISOString(), ms: Math.round(performance.now() - t0), facts, steps }, secrets);
}

type Run = <S extends StepId>(step: S, label: string, body: (signal: AbortSignal) => Promise<Outcome<S>>) => Promise<Outcome<S> | null>;

interface Setup {
  readonly target: ProbeTarget;
  readonly options: ProbeOptions;
  readonly limits: Limits;
  readonly credentials: Credentials | null;
  readonly allowlist: Allowlist | null;
  readonly trust: SecureContext | undefined;
  readonly lang: Lang;
  readonly scrub: Scrubber;
}

/** The steps in order; each decides from the earlier ones whether it can still observe anything. */
async function runAll(setup: Setup, run: Run, skip: (step: StepId, summary: string) => void): Promise<void> {
  const { target, options, limits, credentials, allowlist, trust, lang, scrub } = setup;
  const noTestMessage = t(lang, 'probe.skip.noTestMessage');
  const later = (from: StepId, summary: string) => {
    const order: StepId[] = ['dns', 'tcp', 'tls', 'http', 'ews', 'send'];
    for (const s of order.slice(order.indexOf(from))) skip(s, s === 'send' && !options.sendTestTo ? noTestMessage : summary);
  };

  await run('url', t(lang, 'probe.label.url', { url: target.text }), async () => {
    const { details, warnings } = describeTarget(target, lang);
    const where = displayUrl(target);
    return warnings.length === 0 ? { status: 'ok', summary: t(lang, 'probe.url.ok', { where }), details } : { status: 'warning', summary: `${where}: ${warnings.join('; ')}`, details };
  });

  let addresses: readonly ResolvedAddress[] = [];
  const dns = await run('dns', t(lang, 'probe.label.dns', { host: target.host }), async (signal) => {
    try {
      addresses = await resolveHost(target.host, options.lookup ?? systemLookup, signal);
    } catch (e) {
      const code = errorCodeOf(e);
      const notFound = code === 'ENOTFOUND' || code === 'ENODATA';
      return { status: 'failed', errorCode: code, summary: t(lang, 'probe.dns.failed', { host: target.host, code }), details: { host: target.host }, facts: { ...(notFound ? { dnsResolves: false } : {}), clientErrorCode: code } };
    }
    const list = addresses.map((a) => a.address);
    const refusal = allowlist ? refusalFor(target.host, list, allowlist) : null;
    if (refusal) {
      throw new KbError('PROBE_FAILED', `Refusing to probe ${target.host}: it resolves to ${refusal.address}, a ${refusal.reason} address, and the allowlist does not name it.`, { field: 'url' });
    }
    const summary = target.isIp ? t(lang, 'probe.dns.ip', { host: target.host }) : `${target.host} → ${list.join(', ')}`;
    return { status: 'ok', summary, details: { host: target.host, addresses: list }, facts: { dnsResolves: true } };
  });
  if (!dns || dns.status !== 'ok') return later('tcp', t(lang, 'probe.skip.noDns'));

  let address: ResolvedAddress | undefined;
  const tcp = await run('tcp', t(lang, 'probe.label.tcp', { host: target.host, port: target.port }), async (signal) => {
    let lastCode = 'EPROBE';
    for (const candidate of addresses) {
      try {
        await tcpConnect(candidate, target.port, signal);
        address = candidate;
        return { status: 'ok', summary: t(lang, 'probe.tcp.ok', { address: candidate.address, port: target.port }), details: { address: candidate.address, port: target.port }, facts: { tcpReachable: true } };
      } catch (e) {
        lastCode = errorCodeOf(e);
        if (signal.aborted) break;
      }
    }
    const shown = addresses.map((a) => a.address).join(', ');
    return { status: 'failed', errorCode: lastCode, summary: t(lang, 'probe.tcp.failed', { addresses: shown, port: target.port, code: lastCode }), details: { address: addresses[0]!.address, port: target.port }, facts: { ...(unreachable.has(lastCode) ? { tcpReachable: false } : {}), clientErrorCode: lastCode } };
  });
  if (!tcp || !address) return later('tls', t(lang, 'probe.skip.noTcp'));
  const connected = address;

  let certificateNotVerified = false;
  let tlsOk = target.scheme === 'http';
  if (target.scheme === 'https') {
    const tls = await run('tls', t(lang, 'probe.label.tls', { host: target.host, port: target.port }), async (signal) => {
      let seen;
      try {
        seen = await tlsHandshake({ address: connected, port: target.port, ...(target.isIp ? {} : { servername: target.host }), ...(trust ? { trust } : {}), signal });
      } catch (e) {
        const code = errorCodeOf(e);
        // The connection closed or an OpenSSL alert ended the handshake: the TLS step itself failed (a
        // time-out says nothing about TLS, it may be a filter).
        const handshake = code === 'ECONNRESET' || code === 'EPROTO' || code.startsWith('ERR_SSL_');
        return { status: 'failed', errorCode: code, summary: t(lang, 'probe.tls.failed', { code, message: errorMessageOf(e) }), details: {}, facts: { clientErrorCode: code, ...(handshake ? { tlsHandshakeFailed: true } : {}) } };
      }
      return judgeTls(target, seen, new Date(), lang);
    });
    if (!tls || tls.status === 'failed') {
      if (!tls || !tls.details.fingerprint256) return later('http', t(lang, 'probe.skip.noTls'));
      certificateNotVerified = true;
    }
    tlsOk = tls.status === 'ok';
  } else {
    skip('tls', t(lang, 'probe.skip.plainHttp'));
  }

  const http = await run('http', t(lang, 'probe.label.http', { path: target.url.pathname }), (signal) =>
    unauthenticatedRequest({ target, address: connected, limits, ...(trust ? { trust } : {}), ...(options.email ? { email: options.email } : {}), certificateNotVerified, signal, lang, scrub }),
  );
  if (!http || http.status === 'failed') return later('ews', t(lang, 'probe.skip.noHttp'));

  const offered: readonly AuthScheme[] = http.facts?.authSchemes ?? [];
  const schemes = passwordSchemes(offered);
  const why = !credentials
    ? t(lang, 'probe.skip.noPassword')
    : target.scheme !== 'https'
      ? t(lang, 'probe.skip.httpsOnly')
      : !tlsOk
        ? t(lang, 'probe.skip.certNotVerified')
        : http.facts?.httpStatus !== 401
          ? t(lang, 'probe.skip.notAsked', { status: String(http.facts?.httpStatus) })
          : schemes.length === 0
            ? t(lang, offered.includes('Bearer') ? 'probe.skip.onlyOAuth' : 'probe.skip.nothingToTry', { offered: offered.join(', ') || t(lang, 'probe.skip.noKnownScheme') })
            : null;
  if (why || !credentials) return later('ews', why ?? t(lang, 'probe.skip.noPassword'));

  const ctx = { target, address: connected, limits, ...(trust ? { trust } : {}), credentials, lang, scrub };
  let working: PasswordScheme | undefined;
  const ews = await run('ews', t(lang, 'probe.label.ews', { schemes: schemes.join(` ${t(lang, 'probe.then')} `) }), async (signal) => {
    const result = await authenticatedCall({ ...ctx, signal }, getFolderRequest(options.email), schemes, offered);
    working = result.scheme;
    return judgeEws('GetFolder', result, lang);
  });

  if (!options.sendTestTo) return skip('send', noTestMessage);
  if (!ews || ews.status !== 'ok' || !working) return skip('send', t(lang, 'probe.skip.ewsFailed'));
  const scheme = working;
  const to = options.sendTestTo;
  await run('send', t(lang, 'probe.label.send', { to }), async (signal) => judgeEws('CreateItem', await authenticatedCall({ ...ctx, signal }, sendTestRequest(options.email, to), [scheme], offered), lang));
}
