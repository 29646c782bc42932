import { loadSchemas } from '../kb/schema-validator.ts';
import { statusOf } from './errors.ts';

/** Where the project's schemas live by `$id` (schemas/*.schema.json). */
export const schemaBase = 'https://exchange-kb.local/schemas/';

/** A `$ref` to one of the project's schemas (`diagnose-request`) or a definition in it. */
export const ref = (name: string, pointer = ''): { $ref: string } => ({ $ref: `${schemaBase}${name}.schema.json${pointer ? `#${pointer}` : ''}` });

const apiBase = `${schemaBase}api/`;
const apiRef = (name: string): { $ref: string } => ({ $ref: `${apiBase}${name}.json` });

const common = (def: string) => ref('common', `/$defs/${def}`);

/**
 * The shapes only the HTTP API has (error, lists, health). The request and result of a diagnosis are
 * not repeated here: routes refer to schemas/diagnose-*.schema.json.
 */
const apiSchemas = [
  {
    $id: `${apiBase}api-error.json`,
    title: 'ApiError',
    description: 'Every error answer: a stable code, a message, and the request field at fault when there is one.',
    type: 'object',
    properties: {
      code: {
        type: 'string',
        enum: Object.keys(statusOf),
        description: `Stable code, with its status: ${Object.entries(statusOf).map(([code, status]) => `${code} (${status})`).join(', ')}.`,
        examples: ['FACT_INVALID'],
      },
      message: { type: 'string', examples: ['The fact "httpStatus" has the value "abc"; expected a whole number (100–599).'] },
      field: { type: 'string', description: 'The field at fault as a dotted path.', examples: ['facts.httpStatus'] },
      requestId: { type: 'string', description: 'The id of the request in the server log.' },
    },
    required: ['code', 'message', 'requestId'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}symptom-list.json`,
    title: 'SymptomList',
    type: 'object',
    properties: {
      lang: common('lang'),
      symptoms: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: common('id'),
            title: { type: 'string' },
            summary: { type: 'string' },
            messages: {
              type: 'object',
              description: 'The exact messages the CRM shows, per language.',
              properties: { en: { type: 'array', items: { type: 'string' } }, de: { type: 'array', items: { type: 'string' } } },
              required: ['en', 'de'],
              additionalProperties: false,
            },
            causes: { type: 'array', items: common('id'), description: 'Ids of the causes known for this symptom.' },
          },
          required: ['id', 'title', 'summary', 'messages', 'causes'],
          additionalProperties: false,
        },
      },
    },
    required: ['lang', 'symptoms'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}cause.json`,
    title: 'CausePage',
    type: 'object',
    properties: {
      id: common('id'),
      lang: common('lang'),
      title: { type: 'string' },
      summary: { type: 'string' },
      layer: common('layer'),
      symptoms: { type: 'array', items: common('id') },
      facts: { type: 'array', items: common('factId'), description: 'The input facts this cause depends on.' },
      format: { type: 'string', enum: ['md', 'html'] },
      guidance: { type: 'string', description: 'The page as Markdown, or as sanitised HTML with format=html; placeholders show their fallback text.' },
    },
    required: ['id', 'lang', 'title', 'summary', 'layer', 'symptoms', 'facts', 'format', 'guidance'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}search-result.json`,
    title: 'SearchResult',
    type: 'object',
    properties: {
      results: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            symptom: common('id'),
            title: { type: 'string', description: "The symptom's title in the asked language." },
            text: { type: 'string', description: 'The known message or variant, in the language it is written in.' },
            score: { type: 'number' },
          },
          required: ['symptom', 'title', 'text', 'score'],
          additionalProperties: false,
        },
      },
    },
    required: ['results'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}health.json`,
    title: 'Health',
    type: 'object',
    properties: { status: { type: 'string', enum: ['ok'] } },
    required: ['status'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}readiness.json`,
    title: 'Readiness',
    description: 'ready: the knowledge base is current. stale: the last reload failed; the last good knowledge base keeps serving and `lastReload.errors` says why.',
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ready', 'stale'] },
      kb: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          version: { type: 'string' },
          generation: { type: 'integer', description: 'Counts successful loads, starting at 1.' },
          loadedAt: { type: 'string' },
        },
        required: ['name', 'version', 'generation', 'loadedAt'],
        additionalProperties: false,
      },
      watching: { type: 'boolean' },
      feedback: { type: 'boolean', description: 'Whether this server keeps feedback (POST /v1/feedback); false: the feedback routes answer 503 FEEDBACK_DISABLED.' },
      probe: { type: 'boolean', description: 'Whether this server runs the live test (POST /v1/probe, kb serve --allow-probe); false: the route does not exist.' },
      learning: {
        description: 'null without --learn; else when the learned priors were last read from the feedback database, how many answers they count, and why the last read failed (the last good priors keep ranking).',
        oneOf: [
          { type: 'null' },
          {
            type: 'object',
            properties: { refreshedAt: { type: ['string', 'null'] }, reports: { type: 'integer', minimum: 0 }, error: { type: ['string', 'null'] } },
            required: ['refreshedAt', 'reports', 'error'],
            additionalProperties: false,
          },
        ],
      },
      lastReload: {
        oneOf: [
          { type: 'null' },
          {
            type: 'object',
            properties: {
              at: { type: 'string' },
              ok: { type: 'boolean' },
              errors: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    file: { type: 'string' },
                    line: { type: 'integer' },
                    col: { type: 'integer' },
                    message: { type: 'string' },
                  },
                  required: ['code', 'file', 'line', 'col', 'message'],
                  additionalProperties: false,
                },
              },
            },
            required: ['at', 'ok', 'errors'],
            additionalProperties: false,
          },
        ],
      },
    },
    required: ['status', 'kb', 'watching', 'lastReload'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}feedback-request.json`,
    title: 'FeedbackRequest',
    description: 'An agent\'s answer to "did this cause solve the case?". Only ids are sent and stored, never the message or fact values.',
    type: 'object',
    properties: {
      symptom: { anyOf: [common('id'), { type: 'null' }], description: 'The recognised symptom, or null when none was.' },
      cause: { ...common('id'), description: 'The cause the answer is about; must exist in the knowledge base (else 400 CAUSE_UNKNOWN).' },
      solved: { type: 'boolean', description: 'true: this cause solved the case.' },
      lang: common('lang'),
    },
    required: ['cause', 'solved'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}feedback-created.json`,
    title: 'FeedbackCreated',
    type: 'object',
    properties: { id: { type: 'integer', minimum: 1, description: 'The id of the stored answer.' } },
    required: ['id'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}feedback-stats.json`,
    title: 'FeedbackStats',
    description:
      'The answers recorded over all versions of the knowledge base with this name: per cause, and per symptom and cause with the prior written in the knowledge base and the one learned from the answers (which ranks only when `learning` is true).',
    type: 'object',
    properties: {
      kb: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } }, required: ['name', 'version'], additionalProperties: false },
      learning: { type: 'boolean', description: 'Whether this server ranks with the learned priors (kb serve --learn).' },
      settings: {
        type: 'object',
        description: 'rules/kb.yaml `learning`: how many reports the written prior is worth, from how many reports a prior is learned, how far it may move.',
        properties: { strength: { type: 'number' }, minReports: { type: 'integer' }, maxFactor: { type: 'number' } },
        required: ['strength', 'minReports', 'maxFactor'],
        additionalProperties: false,
      },
      causes: {
        type: 'array',
        description: 'Every cause of the knowledge base in its order, with its answers under any symptom.',
        items: {
          type: 'object',
          properties: { id: common('id'), solved: { type: 'integer', minimum: 0 }, notSolved: { type: 'integer', minimum: 0 } },
          required: ['id', 'solved', 'notSolved'],
          additionalProperties: false,
        },
      },
      symptoms: {
        type: 'array',
        description: 'Each symptom with its causes (and other causes answered for it); last, with id null, causes answered when no symptom was recognised.',
        items: {
          type: 'object',
          properties: {
            id: { anyOf: [common('id'), { type: 'null' }] },
            title: { type: 'string', description: 'In the asked language.' },
            causes: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: common('id'),
                  title: { type: 'string', description: 'In the asked language.' },
                  solved: { type: 'integer', minimum: 0 },
                  notSolved: { type: 'integer', minimum: 0 },
                  declared: { type: 'number', description: 'The prior written in the knowledge base.' },
                  learned: { type: ['number', 'null'], description: 'The prior learned from the answers; null below learning.minReports answers.' },
                  bounded: { type: 'boolean', description: 'The learned prior reached the bound of learning.maxFactor.' },
                },
                required: ['id', 'title', 'solved', 'notSolved', 'declared', 'learned', 'bounded'],
                additionalProperties: false,
              },
            },
          },
          required: ['id', 'title', 'causes'],
          additionalProperties: false,
        },
      },
    },
    required: ['kb', 'learning', 'settings', 'causes', 'symptoms'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}probe-request.json`,
    title: 'ProbeRequest',
    description: 'What the live test observes: an EWS URL and, to test the sign-in, the credentials. The password is only ever read from this body; it is never stored, logged or sent back.',
    type: 'object',
    properties: {
      url: { type: 'string', minLength: 1, maxLength: 2048, description: 'The Exchange URL as entered in the connection form (http or https).', examples: ['https://mail.example.com/EWS/Exchange.asmx'] },
      email: { type: 'string', maxLength: 320, description: 'The mailbox address; the EWS call opens its inbox.' },
      username: { type: 'string', maxLength: 320, description: 'The sign-in name (DOMAIN\\user, a UPN or a plain name); the e-mail address when absent.' },
      password: { type: 'string', maxLength: 1024, description: 'Only sent to the server over https whose certificate verifies; never stored, logged or echoed.' },
      lang: { ...common('lang'), description: 'Language of the step titles and summaries; without it, Accept-Language decides.' },
    },
    required: ['url'],
    additionalProperties: false,
  },
  {
    $id: `${apiBase}probe-result.json`,
    title: 'ProbeResult',
    description: 'What the live test saw: the facts under the catalogue\'s names (pass them to POST /v1/diagnose as `observed`) and every step with its result.',
    type: 'object',
    properties: {
      url: { type: 'string' },
      startedAt: { type: 'string', description: 'ISO 8601.' },
      ms: { type: 'integer', minimum: 0 },
      facts: { type: 'object', description: 'Observed facts by catalogue name (url, dnsResolves, tcpReachable, httpStatus, authSchemes, serverVersion, certTrusted, ewsSignIn, clientErrorCode, …).' },
      steps: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            step: { type: 'string', enum: ['url', 'dns', 'tcp', 'tls', 'http', 'ews', 'send'] },
            status: { type: 'string', enum: ['ok', 'warning', 'failed', 'skipped'] },
            ms: { type: 'integer', minimum: 0 },
            summary: { type: 'string', description: 'One line for people, in the asked language.' },
            errorCode: { type: 'string' },
            details: { type: 'object' },
          },
          required: ['step', 'status', 'ms', 'summary', 'details'],
          additionalProperties: false,
        },
      },
    },
    required: ['url', 'startedAt', 'ms', 'facts', 'steps'],
    additionalProperties: false,
  },
] as const;

export const api = {
  error: apiRef('api-error'),
  symptomList: apiRef('symptom-list'),
  cause: apiRef('cause'),
  searchResult: apiRef('search-result'),
  health: apiRef('health'),
  readiness: apiRef('readiness'),
  feedbackRequest: apiRef('feedback-request'),
  feedbackCreated: apiRef('feedback-created'),
  feedbackStats: apiRef('feedback-stats'),
  probeRequest: apiRef('probe-request'),
  probeResult: apiRef('probe-result'),
};

/** Every schema the server registers with app.addSchema: the project's files, then the API's own. */
export function allSchemas(): Record<string, unknown>[] {
  return [...(Object.values(loadSchemas()) as Record<string, unknown>[]), ...(apiSchemas as unknown as Record<string, unknown>[])];
}
