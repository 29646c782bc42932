/**
 * The HTTP API and the web page for support agents.
 *
 *   const app = await buildServer({ kbDir, limits: { rateLimitMax: 100 } });
 *   await app.listen({ port: 3000 });
 *
 * Public surface: buildServer, startServer, their option types, ApiError and the error codes.
 * Routes: POST /v1/diagnose, POST /v1/summary, POST /v1/probe (with limits.allowProbe), GET /v1/symptoms, /v1/causes/:id, /v1/facts, /v1/search, /openapi.json,
 * /healthz, /readyz, POST /v1/feedback, GET /v1/feedback/stats, and the page at /.
 * Feedback is kept in `limits.feedbackDb`, an SQLite file or a postgres:// URL (off when null, the
 * default here); with `limits.learn` diagnoses rank with priors learned from it.
 */
import type { Writable } from 'node:stream';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { AnySchema } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { KbError } from '../engine/errors.ts';
import { bundledKbDir, type CompiledKnowledgeBase, loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { FeedbackError, type FeedbackStore, openFeedbackStore } from '../feedback/index.ts';
import { PriorLearner } from '../learn/index.ts';
import { isUtf8Json, parseJsonBody } from './body.ts';
import { ApiError, answerClientError, installErrorHandling, securityHeaders, sendError, trackMethods } from './errors.ts';
import { defaultLimits, type ServerLimits } from './limits.ts';
import { collectRoutes } from './openapi.ts';
import { registerFeedbackRoutes } from './feedback-routes.ts';
import { registerPage } from './page.ts';
import { type ProbeRouteOptions, registerProbeRoute } from './probe-route.ts';
import { KnowledgeBaseHolder } from './reload.ts';
import { type DiagnoseFunction, registerRoutes } from './routes.ts';
import { allSchemas } from './schemas.ts';

export { ApiError, type ApiErrorBody, type ApiErrorCode, statusOf } from './errors.ts';
export { defaultLimits, envVars, resolveServeConfig, type ServeConfig, type ServeFlags, type ServerLimits } from './limits.ts';
export { KnowledgeBaseHolder, type ReloadStatus } from './reload.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The knowledge base being served; `reload()` swaps it when the files are good. */
    kbHolder: KnowledgeBaseHolder;
  }
}

export interface ServerOptions {
  /** Knowledge base folder (default: the bundled one); needed for reloads. */
  readonly kbDir?: string;
  /** An already compiled knowledge base (tests); reloads then have nothing to read. */
  readonly kb?: CompiledKnowledgeBase;
  /** Reload rules and content when files change. */
  readonly watch?: boolean;
  readonly limits?: Partial<ServerLimits>;
  /** false: no log; otherwise JSON lines to `stream` (default stdout) from `level` (default info). */
  readonly logger?: false | { readonly level?: string; readonly stream?: Writable };
  /** Replaces the engine's diagnose() (tests: a slow one for the timeout). */
  readonly diagnose?: DiagnoseFunction;
  /** The live test's test-only settings (an allowlist for fixtures on 127.0.0.1, a test CA, a resolver); no flag sets them. */
  readonly probe?: ProbeRouteOptions;
}

/** The request line as logged: the path and the names of query parameters, never their values. */
function redactedUrl(url: string): string {
  const [path = '', query] = url.split('?');
  if (query === undefined) return path;
  const names = [...new URLSearchParams(query).keys()].slice(0, 10);
  return `${path}?${names.map((n) => `${n}=…`).join('&')}`;
}

function loggerOptions(logger: ServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  return {
    level: logger?.level ?? 'info',
    ...(logger?.stream ? { stream: logger.stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: redactedUrl(req.url ?? ''), ip: req.ip }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

type ValidatorCompiler = (route: { schema: AnySchema; httpPart?: string }) => ReturnType<Ajv2020['compile']>;
const validatorCache = new Map<string, ValidatorCompiler>();

/**
 * A validator compiler over the project's schemas (JSON Schema 2020-12), fed by app.addSchema. Fastify
 * asks for one per route; the ajv instances are built once per set of schemas and shared.
 */
function buildValidator(externalSchemas: Record<string, unknown>): ValidatorCompiler {
  const key = Object.keys(externalSchemas).sort().join('\n');
  const cached = validatorCache.get(key);
  if (cached) return cached;
  const make = (coerceTypes: boolean) => {
    const ajv = new Ajv2020({ strict: false, allErrors: false, coerceTypes, useDefaults: true, allowUnionTypes: true });
    for (const schema of Object.values(externalSchemas)) ajv.addSchema(schema as object);
    return ajv;
  };
  let strict: Ajv2020 | undefined;
  let coercing: Ajv2020 | undefined;
  // Bodies are taken as sent; query strings and path parameters are text, so they are coerced.
  const compiler: ValidatorCompiler = ({ schema, httpPart }) => (httpPart === 'body' ? (strict ??= make(false)) : (coercing ??= make(true))).compile(schema);
  validatorCache.set(key, compiler);
  return compiler;
}

/** Builds the server (not listening yet): routes, validation, limits, error mapping, page. */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const limits: ServerLimits = { ...defaultLimits, ...options.limits };
  const kbDir = options.kb ? options.kbDir : (options.kbDir ?? bundledKbDir);
  // The routes cache serialized answers (--cache-size); a second cache of result objects would only
  // hold the same answers twice.
  const kb = options.kb ?? loadKnowledgeBase(kbDir, { cacheSize: 0 });

  const app = Fastify({
    logger: loggerOptions(options.logger),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeoutMs,
    trustProxy: limits.trustProxy,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    schemaController: {
      compilersFactory: {
        buildValidator,
        // The result is built by code that the result schema describes; plain JSON, nothing stripped.
        buildSerializer: () => () => (data: unknown) => JSON.stringify(data),
      },
    },
    frameworkErrors: (error, request, reply) => {
      sendError(error, request, reply);
    },
    clientErrorHandler: answerClientError,
  }) as unknown as FastifyInstance;

  const holder = new KnowledgeBaseHolder(kb, kbDir, app.log);
  app.decorate('kbHolder', holder);
  app.addHook('onClose', async () => holder.close());

  if (limits.learn && !limits.feedbackDb) {
    holder.close();
    throw new KbError('REQUEST_INVALID', '--learn learns from the feedback database; give one with --db (an SQLite file or a postgres:// URL).', { field: '--learn' });
  }
  // Feedback that steers the ranking must not be open to anyone who can reach the server.
  if (limits.learn && !limits.feedbackToken) {
    holder.close();
    throw new KbError('REQUEST_INVALID', '--learn needs --feedback-token (KB_FEEDBACK_TOKEN), so that only the page or a reverse proxy holding the token can record the feedback that steers the ranking.', { field: '--feedback-token' });
  }
  let feedback: FeedbackStore | null = null;
  let learner: PriorLearner | null = null;
  if (limits.feedbackDb) {
    try {
      feedback = await openFeedbackStore(limits.feedbackDb);
    } catch (error) {
      holder.close();
      if (error instanceof FeedbackError) throw new KbError('REQUEST_INVALID', `${error.message} (--db / KB_DB; '' or off turns feedback off)`, { field: '--db', cause: error });
      throw error;
    }
    const store = feedback;
    if (limits.learn) {
      const active = new PriorLearner({ store, kb: () => holder.current, intervalMs: limits.learnIntervalMs, log: app.log });
      learner = active;
      // Rank with what the database holds from the first request on (a restart forgets nothing).
      await active.refresh();
      if (active.status.error) {
        holder.close();
        await store.close();
        throw new KbError('REQUEST_INVALID', `Reading the learned priors failed: ${active.status.error} (--db / KB_DB)`, { field: '--db' });
      }
      active.start();
      app.addHook('onClose', async () => active.close());
    }
    app.addHook('onClose', async () => store.close());
  }

  for (const schema of allSchemas()) app.addSchema(schema);
  installErrorHandling(app, trackMethods(app));

  // JSON only, UTF-8 only, bounded depth, no prototype keys.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isUtf8Json(request.headers['content-type'])) {
      done(new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json in UTF-8.'), undefined);
      return;
    }
    try {
      done(null, parseJsonBody(body as Buffer, limits.maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  // Security headers everywhere; one log line per request without bodies or query values.
  app.addHook('onRequest', async (_request, reply) => {
    void reply.headers(securityHeaders);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: redactedUrl(request.url), route: request.routeOptions.url ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  if (limits.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: limits.corsOrigins.includes('*') ? '*' : [...limits.corsOrigins],
      methods: ['GET', 'POST'],
      maxAge: 600,
    });
  }
  if (limits.rateLimitMax > 0 || (feedback && limits.feedbackRateLimitMax > 0) || limits.allowProbe) {
    await app.register(rateLimit, {
      // Without a general limit only the routes with their own (feedback, the live test) are limited.
      global: limits.rateLimitMax > 0,
      max: limits.rateLimitMax,
      timeWindow: limits.rateLimitWindowMs,
      errorResponseBuilder: (_request, context) => new ApiError('RATE_LIMITED', `Too many requests from this client (at most ${context.max} per window); retry in ${context.after}.`),
    });
  }

  const openapi = collectRoutes(app, limits);
  registerRoutes(app, { holder, limits, openapi, feedback: feedback !== null, learner, ...(options.diagnose ? { diagnose: options.diagnose } : {}) });
  registerFeedbackRoutes(app, { holder, limits, store: feedback, learner });
  registerProbeRoute(app, limits, options.probe);
  registerPage(app);

  if (options.watch) {
    if (!holder.dir) throw new KbError('REQUEST_INVALID', 'Watching needs a knowledge base folder (kbDir), not a compiled knowledge base.', { field: 'watch' });
    holder.watch();
  }
  return app;
}

export interface StartOptions extends ServerOptions {
  readonly port?: number;
  readonly host?: string;
}

/** Builds the server and listens; resolves with the address once it accepts connections. */
export async function startServer(options: StartOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer(options);
  const address = await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' });
  return { app, url: address };
}
