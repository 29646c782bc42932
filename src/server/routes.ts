import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type DiagnoseOptions, diagnose as engineDiagnose } from '../engine/diagnose.ts';
import { ResponseCache } from './response-cache.ts';
import { factList } from '../engine/fact-view.ts';
import { codePointLength } from '../facts/coerce.ts';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import type { DiagnoseRequest, DiagnoseResult } from '../generated/schema-types.ts';
import { acceptedLang, isLang, type Lang } from '../i18n/index.ts';
import { pageKey } from '../kb/model.ts';
import { fillPlaceholders, renderHtml, renderSummary, summaryContext, withHtmlGuidance } from '../render/index.ts';
import type { PriorLearner } from '../learn/index.ts';
import { ApiError } from './errors.ts';
import type { ServerLimits } from './limits.ts';
import type { KnowledgeBaseHolder } from './reload.ts';
import { api, ref } from './schemas.ts';

export type DiagnoseFunction = (kb: CompiledKnowledgeBase, request: DiagnoseRequest, options?: DiagnoseOptions) => Promise<DiagnoseResult>;

export interface RouteContext {
  readonly holder: KnowledgeBaseHolder;
  readonly limits: ServerLimits;
  readonly diagnose?: DiagnoseFunction;
  /** The OpenAPI document for a knowledge base (its ids and facts are listed in it). */
  readonly openapi: (kb: CompiledKnowledgeBase) => Record<string, unknown>;
  /** Whether feedback is kept (for /readyz). */
  readonly feedback?: boolean;
  /** Set with --learn: the learned priors diagnoses rank with. */
  readonly learner?: PriorLearner | null;
}

const langParam = { ...ref('common', '/$defs/lang'), description: 'Language of the answer; without it, Accept-Language decides.' };
const errors = { '4xx': { ...api.error, description: 'The request is at fault; see `code` and `field`.' }, '5xx': { ...api.error, description: 'The server is at fault or busy (TIMEOUT).' } };

/** The language the caller's Accept-Language asks for, if it names one the knowledge base has. */
function acceptLanguageOf(request: FastifyRequest): Lang | null {
  const header = request.headers['accept-language'];
  return acceptedLang(typeof header === 'string' ? header.slice(0, 200) : undefined);
}

/** The request's language: the explicit value, else Accept-Language, else the knowledge base's default. */
function langOf(request: FastifyRequest, explicit: unknown, kb: CompiledKnowledgeBase): Lang {
  if (isLang(explicit)) return explicit;
  return acceptLanguageOf(request) ?? kb.data.settings.defaultLanguage;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ApiError('TIMEOUT', `The diagnosis took longer than ${ms} ms; try again.`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function langHeaders(reply: FastifyReply, lang: Lang): void {
  void reply.header('content-language', lang).header('vary', 'Accept-Language');
}

/** Characters as the published schema's maxLength counts them (code points: an emoji is one). */
function checkMessageLength(body: DiagnoseRequest, limits: ServerLimits): void {
  const length = body.message === undefined || body.message.length <= limits.maxMessageLength ? 0 : codePointLength(body.message);
  if (length > limits.maxMessageLength) {
    throw new ApiError('MESSAGE_TOO_LONG', `The message has ${length} characters; this server reads at most ${limits.maxMessageLength}.`, 'message');
  }
}

/** The page's link to a case as the summary shows it (`<…>`): http(s), no space, no angle bracket, no control character. */
const permalinkPattern = '^https?://[^\\s<>\\u0000-\\u001f\\u007f]+$';

function checkPermalink(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!new RegExp(permalinkPattern).test(value)) {
    throw new ApiError('REQUEST_INVALID', 'The query parameter permalink must be an http(s) URL without spaces, angle brackets or control characters.', 'permalink');
  }
  return value;
}

export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { holder, limits } = ctx;
  const run = ctx.diagnose ?? engineDiagnose;
  const cache = new ResponseCache(limits.cacheSize);

  app.post(
    '/v1/diagnose',
    {
      schema: {
        operationId: 'diagnose',
        summary: 'Rank the causes of an error message and known facts',
        description:
          'The request and result of the library\'s diagnose(). With `format=html` each cause\'s `guidance` is sanitised HTML instead of Markdown.',
        tags: ['diagnose'],
        querystring: {
          type: 'object',
          properties: {
            lang: langParam,
            format: { type: 'string', enum: ['md', 'html'], default: 'md', description: 'Form of each cause\'s guidance: Markdown (md) or sanitised HTML (html).' },
          },
        },
        body: ref('diagnose-request'),
        response: { 200: { ...ref('diagnose-result'), description: 'The diagnosis.' }, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as DiagnoseRequest;
      const query = request.query as { lang?: Lang; format?: 'md' | 'html' };
      checkMessageLength(body, limits);
      const kb = holder.current;
      // An explicit language wins; without one the message decides, and Accept-Language only when it does not.
      const explicit = isLang(body.lang) ? body.lang : isLang(query.lang) ? query.lang : null;
      const acceptLanguage = explicit ? null : acceptLanguageOf(request);
      const priors = ctx.learner?.priorsFor(kb);
      // Answers computed with other learned priors are other answers.
      const key = ctx.diagnose ? null : cache.key([explicit, acceptLanguage, query.format ?? 'md', priors?.version ?? null, body]);
      let answer = cache.get(kb, key);
      if (!answer) {
        const options = { ...(priors ? { priors } : {}), ...(explicit ? {} : { acceptLanguage }) };
        const result = await withTimeout(run(kb, explicit ? { ...body, lang: explicit } : body, options), limits.timeoutMs);
        const shaped = query.format === 'html' ? withHtmlGuidance(kb, result) : result;
        answer = { json: JSON.stringify(shaped), lang: result.lang, symptom: result.symptom?.id ?? null, top: result.causes[0]?.id ?? null, causes: result.causes.length };
        cache.set(kb, key, answer);
      }
      // Only what the log needs to follow a case, never the message or fact values.
      request.log.info({ symptom: answer.symptom, top: answer.top, causes: answer.causes, facts: Object.keys(body.facts ?? {}).length }, 'diagnosed');
      langHeaders(reply, answer.lang as Lang);
      return reply.type('application/json; charset=utf-8').send(answer.json);
    },
  );

  app.post(
    '/v1/summary',
    {
      schema: {
        operationId: 'summarize',
        summary: 'The case as Markdown for a ticket',
        description:
          'The same request as POST /v1/diagnose; the answer is the case summary as `text/markdown` in the asked language: the message as pasted, the facts as question → answer, the top cause with its status and why, the causes ruled out and why, the next step (the fix and what IT is asked to do, the next question, or what to collect), the knowledge base\'s version and, with `permalink`, the link to the case. `kb diagnose --format summary` and the MCP tool `case_summary` give the same text.',
        tags: ['diagnose'],
        querystring: {
          type: 'object',
          properties: {
            lang: langParam,
            permalink: { type: 'string', maxLength: 8192, pattern: permalinkPattern, description: 'The page\'s link to this case (an http(s) URL), shown at the end of the summary.' },
          },
        },
        body: ref('diagnose-request'),
        response: { 200: { type: 'string', contentType: 'text/markdown', description: 'The case summary (Markdown, UTF-8).' }, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as DiagnoseRequest;
      const query = request.query as { lang?: Lang; permalink?: string };
      checkMessageLength(body, limits);
      const permalink = checkPermalink(query.permalink);
      const kb = holder.current;
      const explicit = isLang(body.lang) ? body.lang : isLang(query.lang) ? query.lang : null;
      const priors = ctx.learner?.priorsFor(kb);
      const options = { ...(priors ? { priors } : {}), ...(explicit ? {} : { acceptLanguage: acceptLanguageOf(request) }) };
      const sent = explicit ? { ...body, lang: explicit } : body;
      const result = await withTimeout(run(kb, sent, options), limits.timeoutMs);
      request.log.info({ symptom: result.symptom?.id ?? null, top: result.causes[0]?.id ?? null, facts: Object.keys(body.facts ?? {}).length }, 'summarized');
      langHeaders(reply, result.lang as Lang);
      return reply.type('text/markdown; charset=utf-8').send(renderSummary(result, summaryContext(kb, sent, permalink)));
    },
  );

  app.get(
    '/v1/symptoms',
    {
      schema: {
        operationId: 'listSymptoms',
        summary: 'The error messages the knowledge base knows, with their causes',
        tags: ['knowledge base'],
        querystring: { type: 'object', properties: { lang: langParam } },
        response: { 200: { ...api.symptomList, description: 'All symptoms.' }, ...errors },
      },
    },
    async (request, reply) => {
      const kb = holder.current;
      const lang = langOf(request, (request.query as { lang?: string }).lang, kb);
      langHeaders(reply, lang);
      return {
        lang,
        symptoms: kb.data.symptoms.map((s) => {
          const page = kb.data.pages.get(pageKey(lang, 'symptoms', s.page ?? s.id)) ?? kb.data.pages.get(pageKey('en', 'symptoms', s.page ?? s.id));
          return {
            id: s.id,
            title: s.title[lang],
            summary: page?.summary ?? '',
            messages: { en: [...s.messages.en], de: [...s.messages.de] },
            causes: (kb.bySymptom.get(s.id) ?? []).map((c) => c.decl.id),
          };
        }),
      };
    },
  );

  app.get(
    '/v1/causes/:id',
    {
      schema: {
        operationId: 'getCause',
        summary: 'One cause with its guidance page',
        tags: ['knowledge base'],
        params: { type: 'object', properties: { id: { ...ref('common', '/$defs/id'), description: 'The cause id, e.g. cert-name-mismatch.' } }, required: ['id'] },
        querystring: {
          type: 'object',
          properties: { lang: langParam, format: { type: 'string', enum: ['md', 'html'], default: 'md', description: 'Markdown (md) or sanitised HTML (html).' } },
        },
        response: { 200: { ...api.cause, description: 'The cause.' }, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as { lang?: Lang; format?: 'md' | 'html' };
      const kb = holder.current;
      const decl = kb.data.causes.find((c) => c.id === id);
      if (!decl) throw new ApiError('NOT_FOUND', `No cause "${id}".`, 'id');
      const lang = langOf(request, query.lang, kb);
      const page = kb.data.pages.get(pageKey(lang, 'causes', decl.page ?? id)) ?? kb.data.pages.get(pageKey('en', 'causes', decl.page ?? id));
      const markdown = page ? fillPlaceholders(page.body.trim(), {}) : '';
      const format = query.format ?? 'md';
      langHeaders(reply, lang);
      return {
        id,
        lang,
        title: page?.title ?? id,
        summary: page?.summary ?? '',
        layer: decl.layer,
        symptoms: [...decl.symptoms],
        facts: [...(kb.baseFactsOf.get(id) ?? [])].sort(),
        format,
        guidance: format === 'html' ? renderHtml(markdown) : markdown,
      };
    },
  );

  app.get(
    '/v1/facts',
    {
      schema: {
        operationId: 'listFacts',
        summary: 'The fact catalogue: names, types, questions and allowed values',
        tags: ['knowledge base'],
        querystring: { type: 'object', properties: { lang: langParam } },
        response: { 200: { ...ref('fact-list'), description: 'All facts.' }, ...errors },
      },
    },
    async (request, reply) => {
      const kb = holder.current;
      const lang = langOf(request, (request.query as { lang?: string }).lang, kb);
      langHeaders(reply, lang);
      return factList(kb, lang);
    },
  );

  app.get(
    '/v1/search',
    {
      schema: {
        operationId: 'searchMessages',
        summary: 'Known error messages like the text typed so far (typos welcome), German and English',
        tags: ['knowledge base'],
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', maxLength: 1000, description: 'What the agent typed so far.' },
            lang: langParam,
            limit: { type: 'integer', minimum: 1, maximum: 20, default: 8 },
          },
          required: ['q'],
        },
        response: { 200: { ...api.searchResult, description: 'Known messages, best first.' }, ...errors },
      },
    },
    async (request, reply) => {
      const query = request.query as { q: string; lang?: Lang; limit?: number };
      const kb = holder.current;
      const lang = langOf(request, query.lang, kb);
      const limit = query.limit ?? 8;
      const seen = new Set<string>();
      const results: { symptom: string; title: string; text: string; score: number }[] = [];
      for (const hit of kb.recognizer.search(query.q, limit * 2)) {
        const key = hit.text.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const symptom = kb.data.symptoms.find((s) => s.id === hit.symptom);
        results.push({ symptom: hit.symptom, title: symptom?.title[lang] ?? hit.symptom, text: hit.text, score: hit.score });
        if (results.length >= limit) break;
      }
      langHeaders(reply, lang);
      return { results };
    },
  );

  app.get(
    '/openapi.json',
    { schema: { operationId: 'openapi', summary: 'This document', tags: ['meta'], response: { 200: { type: 'object', description: 'OpenAPI 3.1' } } } },
    async () => ctx.openapi(holder.current),
  );

  app.get(
    '/healthz',
    { config: { rateLimit: false }, schema: { operationId: 'health', summary: 'The process is up', tags: ['meta'], response: { 200: { ...api.health, description: 'Up.' } } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { rateLimit: false },
      schema: {
        operationId: 'ready',
        summary: 'The knowledge base being served, and the result of the last reload',
        description: 'Always 200 while a knowledge base is loaded: a failed reload keeps the last good one serving (status `stale`, with the lint errors).',
        tags: ['meta'],
        response: { 200: { ...api.readiness, description: 'Serving.' } },
      },
    },
    async () => {
      const kb = holder.current;
      const last = holder.lastReload;
      return {
        status: last && !last.ok ? 'stale' : 'ready',
        kb: { name: kb.data.settings.name, version: kb.data.settings.version, generation: holder.generation, loadedAt: holder.loadedAt.toISOString() },
        watching: holder.watching,
        feedback: Boolean(ctx.feedback),
        probe: limits.allowProbe,
        learning: ctx.learner ? ctx.learner.status : null,
        lastReload: last,
      };
    },
  );
}
