// The floor: a hand-written function that makes the same decision (top cause and its status) for
// the benchmark mix, with no knowledge base, no engine, no explanations and no questions.
const has = (text, re) => re.test(text ?? '');

export function handDiagnose(req) {
  const m = req.message ?? '';
  const f = { ...(req.facts ?? {}), ...(req.observed ?? {}) };
  if (has(m, /ENOTFOUND/)) f.clientErrorCode = 'ENOTFOUND';
  if (has(m, /altnames/)) f.clientErrorCode = 'ERR_TLS_CERT_ALTNAME_INVALID';
  if (has(m, /ErrorSendAsDenied/)) f.ewsErrorCode = 'ErrorSendAsDenied';
  const url = typeof f.url === 'string' ? f.url : undefined;
  let host;
  let path;
  let valid = false;
  if (url) {
    try {
      const u = new URL(url);
      valid = /^https?:$/.test(u.protocol);
      host = u.hostname;
      path = u.pathname;
    } catch {
      host = url.split('/')[0];
    }
  }
  const online = host !== undefined && /(^|\.)outlook\.office365\.com$/.test(host);
  const version = typeof f.serverVersion === 'string' ? f.serverVersion.split('.').map(Number) : undefined;
  const tooOld = version && (version[0] < 14 || (version[0] === 14 && version[1] < 2));
  if (online) return { top: 'exchange-online-needs-modern-auth', status: 'confirmed' };
  if (url && !valid) return { top: 'url-malformed', status: 'confirmed' };
  if (f.dnsResolves === false || f.clientErrorCode === 'ENOTFOUND') return { top: 'server-unreachable', status: 'confirmed' };
  if (f.ipAllowlistActive === true && f.ipAllowlisted === false) return { top: 'ip-not-allowlisted', status: 'confirmed' };
  if (f.certTrusted === false) return { top: 'cert-untrusted-or-expired', status: 'confirmed' };
  if (f.clientErrorCode === 'ERR_TLS_CERT_ALTNAME_INVALID') return { top: 'cert-name-mismatch', status: 'confirmed' };
  if (url && valid && !/^\/ews\/exchange\.asmx\/?$/i.test(path)) return { top: 'url-not-ews-endpoint', status: 'confirmed' };
  if (f.httpStatus === 302 && /\/owa\/auth\/logon\.aspx/.test(f.redirectLocation ?? '')) return { top: 'url-redirects-to-owa', status: 'confirmed' };
  if (f.credentialsWorkInWebmail === false) return { top: 'credentials-wrong', status: 'confirmed' };
  if (f.twoFactorEnabled === true && f.appPasswordUsed === false) return { top: 'needs-app-password', status: 'confirmed' };
  if (f.requiresDomainUsername === true) return { top: 'needs-domain-username', status: 'confirmed' };
  if (f.credentialsWorkInWebmail === true && version && version[0] === 15 && version[1] === 2 && version[2] >= 1544) return { top: 'extended-protection-blocks-ntlm', status: 'confirmed' };
  if (f.ewsEnabled === false) return { top: 'ews-access-blocked', status: 'confirmed' };
  if (tooOld) return { top: 'version-too-old', status: 'confirmed' };
  if (f.smtpAddressPresent === false) return { top: 'mailbox-no-smtp-address', status: 'confirmed' };
  if (f.sendAsPermission === false || f.ewsErrorCode === 'ErrorSendAsDenied') return { top: 'send-as-permission-missing', status: 'confirmed' };
  if (has(m, /invalid|ungültig|ungultig/i)) return { top: 'url-not-ews-endpoint', status: 'possible' };
  if (has(m, /Test.?E?.?Mail/i)) return { top: 'send-as-permission-missing', status: 'possible' };
  if (has(m, /autorisiert|Unauthori[sz]ed|\(401\)/i)) return { top: 'exchange-online-needs-modern-auth', status: 'possible' };
  return { top: 'server-unreachable', status: 'possible' };
}
