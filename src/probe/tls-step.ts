import { certificateCoversHost } from '../facts/hostname.ts';
import { type Lang, t } from '../i18n/index.ts';
import { isTrusted, summarizeCertificate } from './certificate.ts';
import type { TlsObservation } from './connect.ts';
import type { StepOutcome } from './http-step.ts';
import type { ProbeTarget } from './target-url.ts';
import type { ProbeFacts, TlsDetails } from './types.ts';

/**
 * Judges a completed handshake: the certificate's names against the URL's host (subjectAltNames first,
 * RFC 6125; only IP SANs for an IP host, reported in `certNames` beside the DNS names), its dates
 * against `now`, and Node's chain verdict. Node's error
 * code becomes `clientErrorCode`: it is what a Node client would have failed with.
 */
export function judgeTls(target: ProbeTarget, seen: TlsObservation, now: Date, lang: Lang = 'en'): StepOutcome<TlsDetails> {
  if (!seen.certificate) {
    return { status: 'failed', errorCode: 'ERR_TLS_NO_CERTIFICATE', summary: t(lang, 'probe.tls.noCertificate'), details: {}, facts: { certTrusted: false, clientErrorCode: 'ERR_TLS_NO_CERTIFICATE' } };
  }
  const cert = summarizeCertificate(seen.certificate, now);
  // certNames holds the DNS and the IP subjectAltNames; certMatchesHost reads them as this does.
  const names = [...cert.altNames, ...cert.ipAltNames];
  const nameMatches = certificateCoversHost(names, cert.subjectCN, target.host);
  const chainOk = isTrusted(seen.verifyError);
  const trusted = chainOk && !cert.expired;
  const details: TlsDetails = { ...(seen.protocol ? { protocol: seen.protocol } : {}), ...cert, trusted, nameMatches, ...(seen.verifyError ? { verifyError: seen.verifyError } : {}) };
  const facts: ProbeFacts = {
    certNames: names,
    ...(cert.subjectCN ? { certSubjectCN: cert.subjectCN } : {}),
    certTrusted: trusted,
    certExpired: cert.expired,
    ...(seen.verifyError ? { clientErrorCode: seen.verifyError } : {}),
    // The version the handshake agreed on is one the server accepts.
    ...(seen.protocol && /^TLSv1(\.[123])?$/.test(seen.protocol) ? { tlsVersions: [seen.protocol] } : {}),
  };
  const shown = names.length > 0 ? names.slice(0, 4).join(', ') + (names.length > 4 ? ', …' : '') : `CN ${cert.subjectCN ?? t(lang, 'probe.none')}`;
  const day = (iso: string | undefined) => iso?.slice(0, 10) ?? '?';
  const problems = [
    ...(nameMatches ? [] : [t(lang, 'probe.tls.nameMismatch', { host: target.host })]),
    ...(cert.expired ? [t(lang, 'probe.tls.expired', { from: day(cert.validFrom), to: day(cert.validTo) })] : []),
    ...(chainOk ? [] : [t(lang, 'probe.tls.untrusted', { code: seen.verifyError ?? '?' })]),
  ];
  if (problems.length === 0) return { status: 'ok', summary: t(lang, 'probe.tls.ok', { names: shown, issuer: cert.issuer, validTo: day(cert.validTo) }), details, facts };
  return { status: 'failed', ...(seen.verifyError ? { errorCode: seen.verifyError } : {}), summary: t(lang, 'probe.tls.problems', { names: shown, problems: problems.join(', ') }), details, facts };
}
