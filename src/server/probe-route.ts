import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KbError } from '../engine/errors.ts';
import { acceptedLang, isLang, type Lang } from '../i18n/index.ts';
import { type CaOption, checkProbeTarget, type Lookup, probe } from '../probe/index.ts';
import { ApiError } from './errors.ts';
import type { ServerLimits } from './limits.ts';
import { api } from './schemas.ts';

/**
 * What only tests set: addresses the live test may reach although they are not public (the probe
 * fixtures on 127.0.0.1), the trusted roots of a test PKI, and a resolver for the test host names.
 * `kb serve` has no flag for any of them: a deployment probes public addresses only.
 */
export interface ProbeRouteOptions {
  readonly allowlist?: readonly string[];
  readonly ca?: CaOption;
  readonly lookup?: Lookup;
  /** Tighter bounds than probeBounds (tests of a server that hangs). */
  readonly bounds?: Partial<typeof probeBounds>;
}

/** The bounds of one live test run for a caller: tighter than the CLI's, so a caller cannot hold the server. */
export const probeBounds: { readonly stepTimeoutMs: number; readonly timeoutMs: number; readonly maxRedirects: number; readonly maxBodyBytes: number; readonly dnsTimeoutMs: number } = { stepTimeoutMs: 8_000, timeoutMs: 25_000, maxRedirects: 5, maxBodyBytes: 256 * 1024, dnsTimeoutMs: 5_000 };

interface ProbeBody {
  readonly url: string;
  readonly email?: string;
  readonly username?: string;
  readonly password?: string;
  readonly lang?: Lang;
}

const errors = {
  '4xx': { ...api.error, description: 'The request is at fault (400 REQUEST_INVALID), the target is not allowed (403 PROBE_TARGET_REFUSED: loopback, private, link-local, metadata or other non-public addresses), or too many live tests (429).' },
  '5xx': { ...api.error, description: 'The server is at fault.' },
};

function langOf(request: FastifyRequest, body: ProbeBody): Lang {
  if (isLang(body.lang)) return body.lang;
  const header = request.headers['accept-language'];
  return acceptedLang(typeof header === 'string' ? header.slice(0, 200) : undefined) ?? 'en';
}

/**
 * POST /v1/probe, registered only with `allowProbe` (kb serve --allow-probe): the live test of an
 * Exchange URL for the page. The target guard runs after DNS and the probe re-checks every address it
 * connects to (redirects are followed on the same host and address only); each step is bounded in
 * time and bytes; the route has its own rate limit. The password is read from the body only (no query
 * parameter is accepted), is never logged, stored or part of the answer, and the probe scrubs it
 * from everything the server sends back.
 */
export function registerProbeRoute(app: FastifyInstance, limits: ServerLimits, options: ProbeRouteOptions = {}): void {
  if (!limits.allowProbe) return;
  const allowlist = [...(options.allowlist ?? [])];
  const bounds = { ...probeBounds, ...options.bounds };
  app.post(
    '/v1/probe',
    {
      config: { rateLimit: { max: limits.probeRateLimitMax, timeWindow: limits.rateLimitWindowMs } },
      schema: {
        operationId: 'probe',
        summary: 'Test the connection: observe an EWS URL live, step by step',
        description:
          'Runs the live test (DNS, TCP, TLS, HTTP without credentials, EWS with them) against a public address and answers every step with its result and the facts it observed; pass `facts` to POST /v1/diagnose as `observed`. ' +
          `Only with kb serve --allow-probe. Loopback, private, link-local, metadata and other non-public addresses are refused after DNS (403 PROBE_TARGET_REFUSED), and again at every connection. Each step has ${probeBounds.stepTimeoutMs} ms, the whole test ${probeBounds.timeoutMs} ms, an answer is read up to ${probeBounds.maxBodyBytes} bytes, at most ${probeBounds.maxRedirects} redirects on the same host. ` +
          `At most ${limits.probeRateLimitMax} tests per client and ${limits.rateLimitWindowMs} ms. The password is taken from the body only, never stored, logged or sent back.`,
        tags: ['diagnose'],
        // No query parameter at all: a password in a URL would end up in logs and browser histories.
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        body: api.probeRequest,
        response: { 200: { ...api.probeResult, description: 'Every step and the observed facts.' }, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as ProbeBody;
      const lang = langOf(request, body);
      const verdict = await checkProbeTarget(body.url, { allowlist, ...(options.lookup ? { lookup: options.lookup } : {}), timeoutMs: bounds.dnsTimeoutMs });
      if (!verdict.allowed) {
        if (verdict.reason === 'invalid-url') throw new ApiError('REQUEST_INVALID', `The url is not an http(s) URL the live test can read: ${verdict.message ?? ''}`.trim(), 'url');
        throw new ApiError('PROBE_TARGET_REFUSED', `Refused: ${verdict.host} resolves to ${verdict.address}, a ${verdict.reason} address; the live test only reaches public servers.`, 'url');
      }
      // The caller going away stops the test; the steps not yet run are skipped.
      const stop = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) stop.abort();
      });
      let result;
      try {
        result = await probe(body.url, {
          ...(body.email ? { email: body.email } : {}),
          ...(body.username ? { username: body.username } : {}),
          ...(body.password ? { password: body.password } : {}),
          lang,
          restrictTargets: { allowlist },
          ...(options.lookup ? { lookup: options.lookup } : {}),
          ...(options.ca ? { ca: options.ca } : {}),
          stepTimeoutMs: bounds.stepTimeoutMs,
          timeoutMs: bounds.timeoutMs,
          maxRedirects: bounds.maxRedirects,
          maxBodyBytes: bounds.maxBodyBytes,
          signal: stop.signal,
        });
      } catch (error) {
        if (error instanceof KbError && error.code === 'PROBE_FAILED') {
          // The DNS answer changed between the check and the probe: the probe's own guard refused it.
          if (/^Refusing to probe/.test(error.message)) throw new ApiError('PROBE_TARGET_REFUSED', error.message, 'url');
          throw new ApiError('REQUEST_INVALID', error.message, error.field);
        }
        throw error;
      }
      // Step results only: never the host, the address or anything typed.
      request.log.info({ probe: result.steps.map((s) => `${s.step}:${s.status}`).join(' '), ms: result.ms }, 'probed');
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(result));
    },
  );
}
