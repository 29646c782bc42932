import { type Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { Scrubber } from './secrets.ts';
import type { ResolvedAddress } from './types.ts';

export interface HttpRequestSpec {
  readonly url: URL;
  /** Where to connect: the address the probe resolved (and checked), never a second lookup. */
  readonly address: ResolvedAddress;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** `true` only when credentials go out: then the chain and the name must verify. */
  readonly verifyCertificate: boolean;
  /** The probe's trust store (Node's own when absent). */
  readonly trust?: SecureContext;
  /** A keep-alive agent (NTLM needs its three messages on one connection); a fresh connection otherwise. */
  readonly agent?: HttpAgent | HttpsAgent;
  readonly signal: AbortSignal;
  readonly maxBodyBytes: number;
  readonly maxHeaderBytes: number;
  /** Removes the password from the answer as it arrives, before anything reads or cuts it. */
  readonly scrub?: Scrubber;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Name/value pairs as received; repeated headers (WWW-Authenticate) stay apart. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** The body was cut at the byte limit. */
  readonly truncated: boolean;
  /** The body ended badly after the headers arrived (timeout, reset, wrong Content-Length). */
  readonly bodyError?: string;
  /** The request went over a connection kept from an earlier one (NTLM checks this). */
  readonly reusedSocket: boolean;
}

/**
 * Sends one request and reads at most `maxBodyBytes` of the answer. The status and headers are the
 * observation; a body cut short by the limit, a timeout or a reset still resolves (with `truncated` or
 * `bodyError`), while a failure before the headers rejects with Node's code.
 */
export function sendRequest(spec: HttpRequestSpec): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const https = spec.url.protocol === 'https:';
    const host = spec.url.hostname.replace(/^\[|\]$/g, '');
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body, 'utf8');
    const options = {
      host: spec.address.address,
      family: spec.address.family,
      port: Number(spec.url.port) || (https ? 443 : 80),
      method: spec.method,
      path: `${spec.url.pathname}${spec.url.search}`,
      // Connecting to an address, so the Host header and the TLS name come from the URL.
      headers: { ...spec.headers, host: spec.url.host, ...(body ? { 'content-length': String(body.length) } : {}) },
      agent: spec.agent ?? false,
      maxHeaderSize: spec.maxHeaderBytes,
      ...(https ? { servername: isIP(host) === 0 ? host : '', rejectUnauthorized: spec.verifyCertificate, ...(spec.trust ? { secureContext: spec.trust } : {}) } : {}),
    };
    let settled = false;
    let response: { status: number; headers: IncomingHttpHeaders; rawHeaders: string[]; reused: boolean } | null = null;
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;

    const cleanup = () => spec.signal.removeEventListener('abort', onAbort);
    const fail = (error: Error) => {
      if (settled) return;
      if (response) return done(codeOf(error));
      settled = true;
      cleanup();
      req.destroy();
      reject(error);
    };
    const done = (bodyError?: string) => {
      if (settled || !response) return;
      settled = true;
      cleanup();
      if (truncated || bodyError) req.destroy(); // never reuse a connection with unread bytes on it
      const answer = { status: response.status, headers: response.headers, rawHeaders: response.rawHeaders, body: Buffer.concat(chunks), truncated, ...(bodyError ? { bodyError } : {}), reusedSocket: response.reused };
      resolve(spec.scrub?.active ? scrubbed(answer, spec.scrub) : answer);
    };
    const onAbort = () => fail(spec.signal.reason as Error);

    const req = (https ? httpsRequest : httpRequest)(options, (res) => {
      response = { status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, reused: req.reusedSocket };
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = spec.maxBodyBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = spec.maxBodyBytes;
          truncated = true;
          done();
          res.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => done());
      res.on('error', (e) => done(codeOf(e)));
      res.on('close', () => done(res.complete ? undefined : 'ECONNRESET'));
    });
    req.on('error', fail);
    if (spec.signal.aborted) return onAbort();
    spec.signal.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

/** The answer with the secrets gone from every header value and the body (a body cut at the limit: from its end too). */
function scrubbed(res: HttpResponse, scrub: Scrubber): HttpResponse {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(res.headers)) {
    headers[name] = Array.isArray(value) ? value.map((v) => scrub.text(v)) : value === undefined ? undefined : scrub.text(value);
  }
  const rawHeaders = res.rawHeaders.map((v, i) => (i % 2 === 1 ? scrub.text(v) : v));
  const text = res.body.toString('utf8');
  const clean = scrub.text(text, res.truncated || res.bodyError !== undefined);
  return { ...res, headers, rawHeaders, body: clean === text ? res.body : Buffer.from(clean, 'utf8') };
}

function codeOf(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : 'ECONNRESET';
}
