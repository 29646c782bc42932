// The fixed request mix of the in-process and HTTP benchmarks: message only, facts only, both.
export const mix = [
  // message only
  { message: 'Nicht autorisiert', lang: 'de' },
  { message: 'Exchange URL is invalid' },
  { message: 'The request failed. The remote server returned an error: (401) Unauthorized.' },
  { message: 'Exchagne URL ungultig', lang: 'de' },
  { message: 'Test-E-Mail fehlgeschlagen', lang: 'de' },
  { message: 'getaddrinfo ENOTFOUND mail.example.com' },
  { message: "Hostname/IP does not match certificate's altnames: Host: mail.example.com. is not in the cert's altnames: DNS:*.example.net" },
  { message: 'ErrorSendAsDenied' },
  // facts only
  { facts: { url: 'https://mail.example.com/owa/', httpStatus: 302 } },
  { facts: { url: 'mail.example.com' } },
  { facts: { serverVersion: '14.1.218.15' } },
  { facts: { certTrusted: false } },
  { facts: { url: 'https://outlook.office365.com/EWS/Exchange.asmx' } },
  { facts: { credentialsWorkInWebmail: false } },
  { facts: { ipAllowlistActive: true, ipAllowlisted: false } },
  { facts: { sendAsPermission: false } },
  // both
  { message: 'Nicht autorisiert', facts: { credentialsWorkInWebmail: true, twoFactorEnabled: true, appPasswordUsed: false, url: 'https://mail.example.com/EWS/Exchange.asmx' }, lang: 'de' },
  { message: 'Unauthorized', facts: { requiresDomainUsername: true, username: '', url: 'https://mail.example.com/EWS/Exchange.asmx' } },
  { message: 'Unable to connect to Exchange server', facts: { smtpAddressPresent: false } },
  { message: 'Verknüpfung aufgrund der Exchange-Version nicht möglich', facts: { serverVersion: '8.3.83.6' }, lang: 'de' },
  { message: 'Exchange URL is invalid', facts: { url: 'https://mail.example.com/EWS/Exchange.asmx', httpStatus: 302, redirectLocation: 'https://mail.example.com/owa/auth/logon.aspx?url=x' } },
  { message: 'Unauthorized', facts: { credentialsWorkInWebmail: true, serverVersion: '15.2.1544.4', url: 'https://mail.example.com/EWS/Exchange.asmx' } },
  { message: 'Unable to connect to Exchange server', observed: { dnsResolves: false } },
  { message: 'Unauthorized', facts: { credentialsWorkInWebmail: true, ewsEnabled: false } },
];

/**
 * Request `r` made unique by the number `n` without changing what it asks: every host name carries
 * `n` (`mail-n.example.com`), and the connection form's email address (which no condition reads, but
 * guidance pages quote) is `user-n@example.com`. No cache or memo can answer such a request, and
 * each guidance text that names the address or host is a new text.
 */
export function uniqueRequest(r, n) {
  const out = JSON.parse(JSON.stringify(r).replaceAll('mail.example.com', `mail-${n}.example.com`));
  if (out.facts?.email === undefined) out.facts = { ...out.facts, email: `user-${n}@example.com` };
  return out;
}

/** `count` unique requests numbered from `from`, cycling through the mix. */
export const uniqueRequests = (from, count) => Array.from({ length: count }, (_, k) => uniqueRequest(mix[k % mix.length], from + k));
