import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { KbError } from '../engine/errors.ts';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import { closest } from '../kb/_closest.ts';
import { inlineProjectSchema, inlineWithProjectRefs, type JsonSchema } from './schema-inline.ts';

/** The tools the MCP server offers. */
export type ToolName = 'diagnose' | 'case_summary' | 'search_errors' | 'get_guidance' | 'list_facts';

/** What a tool looks like to a client: the `tools/list` entry. */
export interface ToolDefinition {
  readonly name: ToolName;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema: JsonSchema;
}

const lang = { $ref: 'common.schema.json#/$defs/lang' };
const warnings = {
  type: 'array',
  items: {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
    required: ['code', 'message'],
    additionalProperties: false,
  },
};

const descriptions: Record<ToolName, string> = {
  diagnose: [
    'Diagnose a Microsoft Exchange (EWS) connection error shown by the CRM. Call this first whenever a user cannot connect a mailbox,',
    'gets "Unauthorized"/"Nicht autorisiert", "Exchange URL is invalid", a TLS or 401 error, or a failed test e-mail.',
    "Pass the customer's exact error text in `message` (German or English; typos and surrounding log lines are fine; do not translate or paraphrase it).",
    'Add the facts you already know in `facts` by their catalogue names (call list_facts first for names and allowed values),',
    'e.g. {"url": "https://mail.example.com/owa", "twoFactorEnabled": true}; never guess facts. Leave out `lang` to answer in the language of the message (langSource in the result says why), or set it (de or en) to choose.',
    'Pass `symptom` only with an id from search_errors or an earlier diagnose result.',
    'Returns the recognised symptom, the causes best first (status confirmed | likely | possible | ruled-out, score, reason, Markdown guidance)',
    'and up to three `questions`. Loop: ask the customer the first question, then call diagnose again with the same message and everything known so far',
    'plus the answer as facts.<fact>. When the first question is for the IT department, `itQuestions` lists every IT question worth asking now: send them together and pass all answers at once.',
    'Stop when a cause is confirmed (or one clearly leads) and walk the customer through its guidance.',
  ].join(' '),
  case_summary: [
    'Write the case up for a support ticket: the same arguments as diagnose (the exact message, every fact known, `unknown` for what the customer does not know).',
    'Returns Markdown in the asked language with the message as pasted, the facts as question → answer, the most likely cause with its status and why,',
    'the causes ruled out and why, the next step (the fix and what IT is asked to do, the next question, or what to collect when the case is unclear) and the knowledge base\'s version.',
    'Use it when the conversation ends or the case goes to a human; POST /v1/summary and kb diagnose --format summary give the same text.',
  ].join(' '),
  search_errors: [
    'Find the known CRM error messages closest to a text: typos, partial text and German or English are fine.',
    'Use it when the user remembers only part of the error, or when diagnose recognised no symptom.',
    'Returns hits best first with the symptom id, the known message, its title and a relevance score;',
    'then call diagnose with the full message, or with `symptom` set to the best hit\'s id.',
  ].join(' '),
  get_guidance: [
    'Get the full help page of one cause or symptom as Markdown in German or English: what it means, how to check it, how to fix it.',
    'Use it to give step-by-step instructions for a cause id returned by diagnose, or to explain a symptom id.',
    'Pass the facts you know (same names as for diagnose, e.g. url, email, username) so that placeholders such as the suggested EWS URL',
    "show the customer's own values. An unknown id fails with NOT_FOUND and lists the known ids.",
  ].join(' '),
  list_facts: [
    'List the facts the knowledge base understands: name, type, allowed values (options), the question to ask the customer in the chosen language,',
    'and cost (probe = can be measured automatically, user = the customer knows, it = needs their IT department).',
    'Call it before passing `facts` to diagnose or get_guidance, so that you use exact names and allowed values. Boolean facts take true or false.',
    'Derived facts are computed by the engine and must never be passed as input; they are listed only with includeDerived: true.',
  ].join(' '),
};

function inputSchemaSources(): Record<Exclude<ToolName, 'diagnose' | 'case_summary'>, JsonSchema> {
  return {
    search_errors: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, maxLength: 20000, description: 'The text to look for: an error message or part of it, in German or English.' },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 10, description: 'How many hits at most (default 10).' },
        lang: { ...lang, description: 'Language of the symptom titles (default: the knowledge base\'s default language).' },
      },
      required: ['query'],
      additionalProperties: false,
    },
    get_guidance: {
      type: 'object',
      properties: {
        id: { $ref: 'common.schema.json#/$defs/id', description: 'A cause id (e.g. cert-name-mismatch, from diagnose) or a symptom id (e.g. unauthorized).' },
        lang: { ...lang, description: 'Language of the page: de or en.' },
        facts: { $ref: 'common.schema.json#/$defs/facts', description: 'Known facts by catalogue name, used to fill the page\'s placeholders (e.g. {"url": "https://mail.example.com/owa"}).' },
      },
      required: ['id', 'lang'],
      additionalProperties: false,
    },
    list_facts: {
      type: 'object',
      properties: {
        lang: { ...lang, description: 'Language of the questions and labels (default: the knowledge base\'s default language).' },
        includeDerived: { type: 'boolean', default: false, description: 'Also list the facts the engine derives (read-only; never pass them as input).' },
      },
      additionalProperties: false,
    },
  };
}

function outputSchemaSources(): Record<Exclude<ToolName, 'diagnose' | 'list_facts'>, JsonSchema> {
  return {
    case_summary: {
      type: 'object',
      properties: {
        lang,
        markdown: { type: 'string', description: 'The case summary as Markdown; the same text as the tool\'s text content.' },
      },
      required: ['lang', 'markdown'],
      additionalProperties: false,
    },
    search_errors: {
      type: 'object',
      properties: {
        query: { type: 'string' },
        hits: {
          type: 'array',
          description: 'Best first.',
          items: {
            type: 'object',
            properties: {
              symptom: { type: 'string', description: 'The symptom id; pass it to diagnose as `symptom`.' },
              title: { type: 'string' },
              text: { type: 'string', description: 'The known message (or a common variant of it).' },
              score: { type: 'number' },
            },
            required: ['symptom', 'title', 'text', 'score'],
            additionalProperties: false,
          },
        },
      },
      required: ['query', 'hits'],
      additionalProperties: false,
    },
    get_guidance: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        kind: { type: 'string', enum: ['cause', 'symptom'] },
        lang,
        title: { type: 'string' },
        summary: { type: 'string' },
        markdown: { type: 'string', description: 'The whole page: title, summary and body, placeholders filled from the facts.' },
        related: {
          type: 'array',
          description: 'For a symptom: its causes; for a cause: the symptoms it shows as.',
          items: {
            type: 'object',
            properties: { id: { type: 'string' }, kind: { type: 'string', enum: ['cause', 'symptom'] }, title: { type: 'string' } },
            required: ['id', 'kind', 'title'],
            additionalProperties: false,
          },
        },
        warnings,
      },
      required: ['id', 'kind', 'lang', 'title', 'summary', 'markdown', 'related', 'warnings'],
      additionalProperties: false,
    },
  };
}

const titles: Record<ToolName, string> = {
  diagnose: 'Diagnose an Exchange connection error',
  case_summary: 'Summarise the case for a ticket',
  search_errors: 'Search known error messages',
  get_guidance: 'Get the help page of a cause or symptom',
  list_facts: 'List the fact catalogue',
};

/** The five tool definitions with self-contained JSON Schemas built from schemas/. */
export function toolDefinitions(schemas?: Record<string, object>): ToolDefinition[] {
  const inputs = inputSchemaSources();
  const outputs = outputSchemaSources();
  const input = (name: Exclude<ToolName, 'diagnose' | 'case_summary'>) => inlineWithProjectRefs(inputs[name], schemas);
  const output = (name: Exclude<ToolName, 'diagnose' | 'list_facts'>) => inlineWithProjectRefs(outputs[name], schemas);
  const make = (name: ToolName, inputSchema: JsonSchema, outputSchema: JsonSchema): ToolDefinition => ({
    name,
    title: titles[name],
    description: descriptions[name],
    inputSchema,
    outputSchema,
  });
  return [
    make('diagnose', inlineProjectSchema('diagnose-request', schemas), inlineProjectSchema('diagnose-result', schemas)),
    make('case_summary', inlineProjectSchema('diagnose-request', schemas), output('case_summary')),
    make('search_errors', input('search_errors'), output('search_errors')),
    make('get_guidance', input('get_guidance'), output('get_guidance')),
    make('list_facts', input('list_facts'), inlineProjectSchema('fact-list', schemas)),
  ];
}

/**
 * The definitions made concrete for one knowledge base: the diagnose tool's `symptom` lists the known
 * symptom ids and its `facts` names the catalogue's input facts, so a model rarely needs a round trip.
 * (Validation stays the request schema's: an unknown symptom is reported as SYMPTOM_UNKNOWN.)
 */
export function forKnowledgeBase(definitions: readonly ToolDefinition[], kb: CompiledKnowledgeBase): ToolDefinition[] {
  return definitions.map((def) => {
    if (def.name !== 'diagnose' && def.name !== 'case_summary') return def;
    const properties = { ...(def.inputSchema['properties'] as Record<string, JsonSchema>) };
    const symptomIds = kb.data.symptoms.map((s) => s.id);
    const inputFacts = [...kb.data.facts.values()].filter((f) => f.source !== 'derived').map((f) => f.id);
    if (properties['symptom']) {
      const { examples: _unused, ...rest } = properties['symptom'];
      properties['symptom'] = { ...rest, enum: symptomIds };
    }
    if (properties['facts']) {
      const description = String(properties['facts']['description'] ?? '');
      properties['facts'] = { ...properties['facts'], description: `${description} Known names: ${inputFacts.join(', ')}. Call list_facts for types and allowed values.`.trim() };
    }
    return { ...def, inputSchema: { ...def.inputSchema, properties } };
  });
}

/** Compiles a validator for tool arguments; a failure throws KbError REQUEST_INVALID naming the field. */
export function argumentChecker(schema: JsonSchema): (args: unknown) => void {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  const validate: ValidateFunction = ajv.compile(schema);
  return (args) => {
    if (validate(args)) return;
    const e = validate.errors?.[0];
    if (!e) throw new KbError('REQUEST_INVALID', 'Invalid arguments.');
    const { field, message } = describeError(e, schema);
    throw new KbError('REQUEST_INVALID', `Invalid arguments: ${message}`, field ? { field } : {});
  };
}

function describeError(e: ErrorObject, root: JsonSchema): { field: string; message: string } {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = e.params as Record<string, unknown>;
  const at = (extra?: string) => [...path, ...(extra === undefined ? [] : [extra])].join('.');
  switch (e.keyword) {
    case 'required': {
      const field = at(String(p['missingProperty']));
      return { field, message: `"${field}" is required.` };
    }
    case 'additionalProperties': {
      const prop = String(p['additionalProperty']);
      const allowed = path.length === 0 ? Object.keys((root['properties'] as object | undefined) ?? {}) : [];
      const hint = closest(prop, allowed);
      const field = at(prop);
      const list = allowed.length > 0 ? ` Allowed: ${allowed.join(', ')}.` : '';
      return { field, message: `unknown argument "${field}".${hint ? ` Did you mean "${hint}"?` : ''}${list}` };
    }
    case 'type':
      return { field: at(), message: `"${at() || '(arguments)'}" must be ${String(p['type']).replace(',', ' or ')}.` };
    case 'enum':
      return { field: at(), message: `"${at()}" must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.` };
    default:
      return { field: at(), message: `"${at() || '(arguments)'}" ${e.message ?? `fails ${e.keyword}`}.` };
  }
}
