/** The types of the live probe: what it is given, what each step reports, and the facts it observes. */

import type { Lang } from '../i18n/index.ts';

/** The steps in the order they run: the first layer that fails explains the layers after it. */
export type StepId = 'url' | 'dns' | 'tcp' | 'tls' | 'http' | 'ews' | 'send';

/** `warning`: the step ran and saw something a CRM would trip over; `skipped`: it did not run (see `summary`). */
export type StepStatus = 'ok' | 'warning' | 'failed' | 'skipped';

/** Sign-in schemes the fact catalogue knows (`authSchemes` options). */
export type AuthScheme = 'Basic' | 'NTLM' | 'Negotiate' | 'Bearer' | 'Digest';

/** Sign-in pages recognised on a redirect or in the page served instead of EWS. */
export type SignInPage = 'owa' | 'owa-2003' | 'adfs' | 'microsoft' | 'tmg';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to addresses; the default is `dns.lookup` (the system resolver, as a CRM would use). */
export type Lookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Trusted roots added to Node's own store (PEM text or buffers). */
export type CaOption = string | Buffer | readonly (string | Buffer)[];

export interface ProbeOptions {
  /** The mailbox address: the EWS call opens this mailbox's inbox, and a test message is sent from it. */
  readonly email?: string;
  /** The sign-in name (`DOMAIN\user`, a UPN or a plain name); the e-mail address when absent. */
  readonly username?: string;
  /** Only ever sent over HTTPS whose certificate verifies; never part of the result. */
  readonly password?: string;
  /** Sends one test message from `email` to this address (only after a successful EWS call). */
  readonly sendTestTo?: string;
  /** Extra trusted roots (a corporate CA, or a test's CA). */
  readonly ca?: CaOption;
  /** Time limit of each step in ms (default 10 000). */
  readonly stepTimeoutMs?: number;
  /** Time limit of the whole probe in ms (default 60 000). */
  readonly timeoutMs?: number;
  /** Redirects followed after the first response (default 5; same host only). */
  readonly maxRedirects?: number;
  /** Bytes of a response body read at most (default 1 MiB); the rest is dropped and the connection closed. */
  readonly maxBodyBytes?: number;
  /** Replaces DNS resolution (tests, or a resolver of the caller's choice). */
  readonly lookup?: Lookup;
  /**
   * Refuses loopback, private, link-local and other non-public addresses after resolution, for every
   * connection including redirects, unless the allowlist names the host or the address (IP or CIDR).
   * Off by default: the CLI probes what its user names. A server exposing the probe sets it.
   */
  readonly restrictTargets?: { readonly allowlist?: readonly string[] };
  /** Stops the probe; the steps not yet run are reported as skipped. */
  readonly signal?: AbortSignal;
  /** Language of the step titles and summaries (default `en`); facts, codes and details' identifiers are the same in both. */
  readonly lang?: Lang;
  /** Called when a step starts and ends (the CLI draws its progress line from it). */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** The facts the probe observed, under the catalogue's names (rules/facts.yaml). */
export interface ProbeFacts {
  url?: string;
  email?: string;
  username?: string;
  dnsResolves?: boolean;
  tcpReachable?: boolean;
  httpStatus?: number;
  redirectLocation?: string;
  authSchemes?: AuthScheme[];
  serverVersion?: string;
  certNames?: string[];
  certSubjectCN?: string;
  certTrusted?: boolean;
  certExpired?: boolean;
  ewsErrorCode?: string;
  /** How the probe's own authenticated EWS call ended: past authentication, or 401 to every scheme tried. */
  ewsSignIn?: 'ok' | 'refused';
  clientErrorCode?: string;
  /** The TLS version the handshake agreed on (one the server accepts). */
  tlsVersions?: string[];
  /** The handshake was closed or refused by an alert (not a time-out). */
  tlsHandshakeFailed?: boolean;
  /** Exchange answered (its headers, a SOAP answer), or an answer showed no sign of Exchange at all. */
  exchangeDetected?: boolean;
  /** The server refused the schema version the probe asks for, the CRM's (ErrorInvalidServerVersion). */
  requestedVersionRefused?: boolean;
}

export interface UrlDetails {
  readonly scheme?: 'http' | 'https';
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly isEwsEndpoint?: boolean;
  readonly suggestedEwsUrl?: string;
}

export interface DnsDetails {
  readonly host?: string;
  readonly addresses?: readonly string[];
  /** Why the target was refused (only with `restrictTargets`). */
  readonly refused?: string;
}

export interface TcpDetails {
  readonly address?: string;
  readonly port?: number;
}

export interface TlsDetails {
  readonly protocol?: string;
  readonly subjectCN?: string;
  /** DNS subjectAltNames. */
  readonly altNames?: readonly string[];
  /** IP subjectAltNames. */
  readonly ipAltNames?: readonly string[];
  readonly issuer?: string;
  /** ISO 8601. */
  readonly validFrom?: string;
  readonly validTo?: string;
  readonly expired?: boolean;
  /** The chain verifies against the trust store and the dates are valid. */
  readonly trusted?: boolean;
  /** The certificate's names cover the URL's host (subjectAltNames first, RFC 6125). */
  readonly nameMatches?: boolean;
  /** Node's verification error code (`CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`, …). */
  readonly verifyError?: string;
  readonly fingerprint256?: string;
}

/** One HTTP exchange of the unauthenticated request or a redirect followed from it. */
export interface HttpHop {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly status?: number;
  readonly location?: string;
  readonly ms: number;
  /** Why the hop ended the chain: not followed, failed, or where it led. */
  readonly note?: string;
  readonly errorCode?: string;
}

export interface HttpDetails {
  readonly hops?: readonly HttpHop[];
  readonly status?: number;
  readonly location?: string;
  readonly signInPage?: SignInPage;
  /** Every scheme named in WWW-Authenticate, as sent (`Kerberos` included). */
  readonly challenges?: readonly string[];
  readonly server?: string;
  readonly xOwaVersion?: string;
  readonly xFeServer?: string;
  readonly serverVersion?: string;
  readonly serverVersionSource?: string;
  readonly contentType?: string;
  readonly bodyBytes?: number;
  /** The body was longer than the byte limit, or ended early. */
  readonly truncated?: boolean;
  /** The TLS certificate was not verified for this request (its problems are the TLS step's facts). */
  readonly certificateNotVerified?: boolean;
}

/** One authenticated EWS request: which scheme, what came back. */
export interface EwsAttempt {
  readonly scheme: 'NTLM' | 'Basic';
  readonly status?: number;
  readonly responseCode?: string;
  readonly ms: number;
  readonly note?: string;
  readonly errorCode?: string;
}

export interface EwsDetails {
  readonly operation?: 'GetFolder' | 'CreateItem';
  readonly attempts?: readonly EwsAttempt[];
  readonly status?: number;
  readonly responseCode?: string;
  readonly responseClass?: string;
  readonly messageText?: string;
  readonly serverVersion?: string;
  /** The response was not well-formed XML (a login page, a proxy's error page, a truncated body). */
  readonly invalidXml?: boolean;
  /** From the NTLM challenge: the server's NetBIOS domain (the DOMAIN of DOMAIN\user). */
  readonly ntlmDomain?: string;
  readonly ntlmServer?: string;
}

interface StepReport<S extends StepId, D> {
  readonly step: S;
  readonly status: StepStatus;
  /** Wall time of the step in whole milliseconds. */
  readonly ms: number;
  /** One line for people, in the probe's `lang` (English by default). */
  readonly summary: string;
  /** The error code that ended the step (Node/OpenSSL code, or the EWS ResponseCode). */
  readonly errorCode?: string;
  readonly details: D;
}

export type ProbeStep =
  | StepReport<'url', UrlDetails>
  | StepReport<'dns', DnsDetails>
  | StepReport<'tcp', TcpDetails>
  | StepReport<'tls', TlsDetails>
  | StepReport<'http', HttpDetails>
  | StepReport<'ews', EwsDetails>
  | StepReport<'send', EwsDetails>;

export interface ProbeResult {
  /** The URL probed, as given (trimmed). */
  readonly url: string;
  /** ISO 8601 start time. */
  readonly startedAt: string;
  /** Total wall time in whole milliseconds. */
  readonly ms: number;
  readonly facts: ProbeFacts;
  readonly steps: readonly ProbeStep[];
}

export type ProgressEvent =
  | { readonly phase: 'start'; readonly step: StepId; readonly label: string; readonly timeoutMs: number }
  | { readonly phase: 'end'; readonly report: ProbeStep };
