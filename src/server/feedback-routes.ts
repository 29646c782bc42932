import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import { type FeedbackStore, statsOf } from '../feedback/index.ts';
import { isLang, type Lang, pickLang, t } from '../i18n/index.ts';
import { pageKey } from '../kb/model.ts';
import { type LearnedPriors, learnPriors, type PriorLearner } from '../learn/index.ts';
import { ApiError } from './errors.ts';
import type { ServerLimits } from './limits.ts';
import type { KnowledgeBaseHolder } from './reload.ts';
import { api, ref } from './schemas.ts';

export interface FeedbackRouteContext {
  readonly holder: KnowledgeBaseHolder;
  readonly limits: ServerLimits;
  /** null when feedback is off: both routes answer 503 FEEDBACK_DISABLED. */
  readonly store: FeedbackStore | null;
  /** Set with --learn: refreshed after each answer this instance records. */
  readonly learner: PriorLearner | null;
}

const errors = { '4xx': { ...api.error, description: 'The request is at fault (401 UNAUTHORIZED: the feedback token is missing or wrong); see `code` and `field`.' }, '5xx': { ...api.error, description: 'The server is at fault, or feedback is off (503 FEEDBACK_DISABLED).' } };

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares the Bearer token in constant time (both sides hashed, so the length leaks nothing either). */
function bearerMatches(request: FastifyRequest, expected: Buffer): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const m = /^Bearer[ \t]+(\S{1,1024})[ \t]*$/i.exec(header);
  return m !== null && timingSafeEqual(digest(m[1]!), expected);
}

function titleOf(kb: CompiledKnowledgeBase, cause: string, lang: Lang): string {
  const page = kb.causes.get(cause)?.decl.page ?? cause;
  return kb.data.pages.get(pageKey(lang, 'causes', page))?.title ?? kb.data.pages.get(pageKey('en', 'causes', page))?.title ?? cause;
}

/** The statistics view: per symptom its causes with answers and priors, in the asked language. */
function statsView(kb: CompiledKnowledgeBase, priors: LearnedPriors, learning: boolean, lang: Lang, totals: ReturnType<typeof statsOf>) {
  const groups = new Map<string | null, { id: string | null; title: string; causes: object[] }>();
  for (const e of priors.entries) {
    let group = groups.get(e.symptom);
    if (!group) {
      const title = e.symptom === null ? t(lang, 'feedback.noSymptom') : (kb.data.symptoms.find((s) => s.id === e.symptom)?.title[lang] ?? e.symptom);
      group = { id: e.symptom, title, causes: [] };
      groups.set(e.symptom, group);
    }
    group.causes.push({ id: e.cause, title: titleOf(kb, e.cause, lang), solved: e.solved, notSolved: e.notSolved, declared: e.declared, learned: e.learned, bounded: e.bounded });
  }
  return { kb: totals.kb, learning, settings: priors.settings, causes: totals.causes, symptoms: [...groups.values()] };
}

/** POST /v1/feedback and GET /v1/feedback/stats. */
export function registerFeedbackRoutes(app: FastifyInstance, ctx: FeedbackRouteContext): void {
  const { holder, limits, learner } = ctx;
  const token = limits.feedbackToken === null ? null : digest(limits.feedbackToken);
  const storeOrFail = (): FeedbackStore => {
    if (!ctx.store) throw new ApiError('FEEDBACK_DISABLED', 'Feedback is turned off on this server (kb serve --db <file or postgres:// URL>, or KB_DB, turns it on).');
    return ctx.store;
  };

  app.post(
    '/v1/feedback',
    {
      // Feedback steers ranking with --learn: its own, tighter limit per client (also counting wrong tokens).
      ...(limits.feedbackRateLimitMax > 0 ? { config: { rateLimit: { max: limits.feedbackRateLimitMax, timeWindow: limits.rateLimitWindowMs } } } : {}),
      preValidation: async (request) => {
        storeOrFail();
        if (token && !bearerMatches(request, token)) {
          throw new ApiError('UNAUTHORIZED', 'This server takes feedback only with its token: send the header "Authorization: Bearer <token>" (kb serve --feedback-token).', 'authorization');
        }
      },
      schema: {
        operationId: 'recordFeedback',
        summary: 'Record whether a cause solved a case',
        description:
          'Stores the symptom and cause ids, the answer and the language, nothing else (never the message or fact values). ' +
          'With --feedback-token the header `Authorization: Bearer <token>` is required (else 401 UNAUTHORIZED). ' +
          '400 CAUSE_UNKNOWN or SYMPTOM_UNKNOWN for ids the knowledge base does not have, CAUSE_NOT_OF_SYMPTOM for a cause the symptom does not have; 429 RATE_LIMITED beyond the feedback rate limit per client; 503 FEEDBACK_DISABLED when the server runs without a feedback database.',
        tags: ['feedback'],
        headers: { type: 'object', properties: { authorization: { type: 'string', description: '`Bearer <token>` when the server runs with --feedback-token.' } } },
        body: api.feedbackRequest,
        response: { 201: { ...api.feedbackCreated, description: 'Stored.' }, ...errors },
      },
    },
    async (request, reply) => {
      const store = storeOrFail();
      const body = request.body as { symptom?: string | null; cause: string; solved: boolean; lang?: Lang };
      const { id } = await store.record({ kb: holder.current, symptom: body.symptom ?? null, cause: body.cause, solved: body.solved, lang: body.lang });
      // This instance ranks with its own answer at once; other instances on their next interval.
      await learner?.refresh();
      request.log.info({ feedback: id, cause: body.cause, solved: body.solved }, 'feedback');
      return reply.code(201).send({ id });
    },
  );

  app.get(
    '/v1/feedback/stats',
    {
      schema: {
        operationId: 'feedbackStats',
        summary: 'How often each cause solved a case, and how often not, per symptom, with the learned priors',
        tags: ['feedback'],
        querystring: { type: 'object', properties: { lang: { ...ref('common', '/$defs/lang'), description: 'Language of the titles; without it, Accept-Language decides.' } } },
        response: { 200: { ...api.feedbackStats, description: 'Answers of the knowledge base being served.' }, ...errors },
      },
    },
    async (request) => {
      const store = storeOrFail();
      const kb = holder.current;
      const explicit = (request.query as { lang?: string }).lang;
      const header = request.headers['accept-language'];
      const lang: Lang = isLang(explicit) ? explicit : pickLang(typeof header === 'string' ? header.slice(0, 200) : undefined, kb.data.settings.defaultLanguage);
      const counts = await store.counts(kb.data.settings.name);
      return statsView(kb, learnPriors(kb, counts), learner !== null, lang, statsOf(kb, counts));
    },
  );
}
