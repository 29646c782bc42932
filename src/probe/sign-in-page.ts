import type { SignInPage } from './types.ts';

/** Address signatures of sign-in pages that answer in place of EWS (research notes §1.3). */
const byAddress: readonly { readonly page: SignInPage; readonly pattern: RegExp }[] = [
  { page: 'microsoft', pattern: /^https?:\/\/(login\.microsoftonline\.com|login\.windows\.net|login\.microsoft\.com|login\.live\.com)(:\d+)?(\/|$)/i },
  { page: 'adfs', pattern: /\/adfs\/ls\/?(\?|$)/i },
  { page: 'tmg', pattern: /\/CookieAuth\.dll/i },
  { page: 'owa-2003', pattern: /\/exchweb\/bin\/auth\//i },
  { page: 'owa', pattern: /\/owa\/auth\/logon\.aspx|\/owa\/auth\.owa|\/owa\/?(\?|$|#)/i },
];

/** Page signatures: what an OWA, AD FS or TMG sign-in page contains. */
const byContent: readonly { readonly page: SignInPage; readonly pattern: RegExp }[] = [
  { page: 'owa', pattern: /action="[^"]*\/owa\/auth\.owa"|<title>\s*Outlook(?: Web App| Web Access)?\s*<\/title>|\/owa\/auth\/[\d.]+\//i },
  { page: 'adfs', pattern: /\/adfs\/ls\/|<title>[^<]{0,80}(AD FS|Federation Service)/i },
  { page: 'tmg', pattern: /CookieAuth\.dll/i },
  { page: 'microsoft', pattern: /login\.microsoftonline\.com|<title>\s*Sign in to your account\s*<\/title>/i },
];

/** The sign-in page an address leads to, or null. */
export function signInPageOfUrl(url: string | undefined): SignInPage | null {
  if (!url) return null;
  return byAddress.find((s) => s.pattern.test(url.slice(0, 4096)))?.page ?? null;
}

/**
 * The sign-in page a response is: by status (440 Login Timeout is OWA's forms authentication answering
 * an API client), by address, or, for an HTML page, by its content.
 */
export function recognizeSignInPage(response: { readonly status?: number; readonly url: string; readonly contentType?: string; readonly body?: string }): SignInPage | null {
  if (response.status === 440) return 'owa';
  const byUrl = signInPageOfUrl(response.url);
  if (byUrl) return byUrl;
  if (!response.body || !/html/i.test(response.contentType ?? '')) return null;
  const head = response.body.slice(0, 64 * 1024);
  return byContent.find((s) => s.pattern.test(head))?.page ?? null;
}
