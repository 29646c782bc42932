import { certificateCoversHost } from '../facts/hostname.ts';
import { isTrusted, summarizeCertificate } from './certificate.ts';
import type { TlsObservation } from './connect.ts';
import type { StepOutcome } from './http-step.ts';
import type { ProbeTarget } from './target-url.ts';
import type { ProbeFacts, TlsDetails } from './types.ts';

/**
 * Judges a completed handshake: the certificate's names against the URL's host (subjectAltNames first,
 * RFC 6125; IP SANs for an IP host), its dates against `now`, and Node's chain verdict. Node's error
 * code becomes `clientErrorCode`: it is what a Node client would have failed with.
 */
export function judgeTls(target: ProbeTarget, seen: TlsObservation, now: Date): StepOutcome<TlsDetails> {
  if (!seen.certificate) {
    return { status: 'failed', errorCode: 'ERR_TLS_NO_CERTIFICATE', summary: 'the server sent no certificate', details: {}, facts: { certTrusted: false, clientErrorCode: 'ERR_TLS_NO_CERTIFICATE' } };
  }
  const cert = summarizeCertificate(seen.certificate, now);
  const nameMatches = target.isIp ? cert.ipAltNames.includes(target.host) : certificateCoversHost(cert.altNames, cert.subjectCN, target.host);
  const chainOk = isTrusted(seen.verifyError);
  const trusted = chainOk && !cert.expired;
  const details: TlsDetails = { ...(seen.protocol ? { protocol: seen.protocol } : {}), ...cert, trusted, nameMatches, ...(seen.verifyError ? { verifyError: seen.verifyError } : {}) };
  const facts: ProbeFacts = {
    certNames: [...cert.altNames],
    ...(cert.subjectCN ? { certSubjectCN: cert.subjectCN } : {}),
    certTrusted: trusted,
    certExpired: cert.expired,
    ...(seen.verifyError ? { clientErrorCode: seen.verifyError } : {}),
  };
  const names = cert.altNames.length > 0 ? cert.altNames.slice(0, 4).join(', ') + (cert.altNames.length > 4 ? ', …' : '') : `CN ${cert.subjectCN ?? '(none)'}`;
  const problems = [
    ...(nameMatches ? [] : [`does not cover ${target.host}`]),
    ...(cert.expired ? [`is outside its validity dates (${cert.validFrom?.slice(0, 10)} to ${cert.validTo?.slice(0, 10)})`] : []),
    ...(chainOk ? [] : [`is not trusted (${seen.verifyError})`]),
  ];
  if (problems.length === 0) return { status: 'ok', summary: `certificate for ${names}, issued by ${cert.issuer}, valid to ${cert.validTo?.slice(0, 10)}`, details, facts };
  return { status: 'failed', ...(seen.verifyError ? { errorCode: seen.verifyError } : {}), summary: `certificate for ${names} ${problems.join(', ')}`, details, facts };
}
