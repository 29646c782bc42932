import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkRequest } from '../engine/diagnose.ts';
import { KbError, type KbErrorCode } from '../engine/errors.ts';
import { FeedbackError } from '../feedback/errors.ts';

/** Stable codes of the HTTP API's errors: the library's codes plus the ones only HTTP has. */
export type ApiErrorCode =
  | KbErrorCode
  | 'MESSAGE_TOO_LONG'
  | 'BAD_JSON'
  | 'BAD_ENCODING'
  | 'BODY_TOO_DEEP'
  | 'FORBIDDEN_KEY'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'REQUEST_TIMEOUT'
  | 'HEADERS_TOO_LARGE'
  | 'CAUSE_UNKNOWN'
  | 'CAUSE_NOT_OF_SYMPTOM'
  | 'FEEDBACK_DISABLED'
  | 'PROBE_TARGET_REFUSED'
  | 'UNAUTHORIZED'
  | 'INTERNAL';

/** Every code with its HTTP status (the OpenAPI document lists them too). */
export const statusOf: Readonly<Record<ApiErrorCode, number>> = {
  REQUEST_INVALID: 400,
  FACT_INVALID: 400,
  SYMPTOM_UNKNOWN: 400,
  MESSAGE_TOO_LONG: 400,
  BAD_JSON: 400,
  BAD_ENCODING: 400,
  BODY_TOO_DEEP: 400,
  FORBIDDEN_KEY: 400,
  BAD_REQUEST: 400,
  CAUSE_UNKNOWN: 400,
  CAUSE_NOT_OF_SYMPTOM: 400,
  UNAUTHORIZED: 401,
  PROBE_TARGET_REFUSED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  PROBE_FAILED: 502,
  KB_INVALID: 503,
  TIMEOUT: 503,
  FEEDBACK_DISABLED: 503,
};

/** Headers on every answer, error answers written before any route runs included. */
export const securityHeaders: Readonly<Record<string, string>> = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

/** An error the API answers as `{ code, message, field? }` with the code's status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly field: string | undefined;
  /** METHOD_NOT_ALLOWED: the methods the path has (the Allow header). */
  readonly allow: readonly string[] | undefined;

  constructor(code: ApiErrorCode, message: string, field?: string, allow?: readonly string[]) {
    super(message);
    this.code = code;
    this.statusCode = statusOf[code];
    this.field = field;
    this.allow = allow;
  }
}

/** The body of every error answer. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  field?: string;
  requestId: string;
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** The field an ajv error is about, as a dotted path (`facts.httpStatus`). */
function fieldOf(e: AjvLikeError): string {
  const base = pointerToField(e.instancePath ?? '');
  const extra = e.params?.['missingProperty'] ?? e.params?.['additionalProperty'] ?? e.params?.['propertyName'];
  return [base, typeof extra === 'string' ? extra : ''].filter((s) => s !== '').join('.');
}

/** Turns anything thrown while answering into the API's error: the one place that maps errors to statuses. */
export function toApiError(error: unknown, request?: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof KbError) return new ApiError(error.code, error.message, error.field);
  // Bad feedback input is the client's fault; a database that fails (STORE_FAILED) falls through to INTERNAL.
  if (error instanceof FeedbackError && error.code !== 'STORE_FAILED') return new ApiError(error.code, error.message, error.field);
  const e = error as Partial<FastifyError> & { validation?: AjvLikeError[]; validationContext?: string };
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    // The diagnose body: the engine's own wording of the same schema's complaint.
    if (e.validationContext === 'body' && request?.routeOptions.url === '/v1/diagnose') {
      try {
        checkRequest(request.body);
      } catch (kbError) {
        if (kbError instanceof KbError) return new ApiError('REQUEST_INVALID', kbError.message, kbError.field);
      }
    }
    const first = e.validation[0]!;
    const field = fieldOf(first);
    const where = field || (e.validationContext === 'body' ? 'the body' : (e.validationContext ?? 'the request'));
    const allowed = first.keyword === 'enum' && Array.isArray(first.params?.['allowedValues']) ? `: ${(first.params['allowedValues'] as unknown[]).join(', ')}` : '';
    const part = e.validationContext === 'querystring' ? 'query parameter ' : e.validationContext === 'params' ? 'path parameter ' : '';
    const text = first.keyword === 'required' ? `the ${part}"${field}" is missing` : `${part}${where} ${first.message ?? 'is not valid'}${allowed}`;
    return new ApiError('REQUEST_INVALID', `Invalid request: ${text}.`, field || undefined);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('BODY_TOO_LARGE', 'The request body is larger than this server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json (UTF-8).');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('BAD_JSON', 'The body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('BAD_REQUEST', 'The Content-Length header does not match the body.');
    case 'FST_ERR_BAD_URL':
      return new ApiError('BAD_REQUEST', 'The URL is not valid.');
    default:
      break;
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 429) return new ApiError('RATE_LIMITED', 'Too many requests; try again later.');
  if (status === 413) return new ApiError('BODY_TOO_LARGE', 'The request body is larger than this server accepts.');
  if (status === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json (UTF-8).');
  if (status === 404) return new ApiError('ROUTE_NOT_FOUND', 'Not found.');
  if (status >= 400 && status < 500) return new ApiError('BAD_REQUEST', 'The request could not be read.');
  return new ApiError('INTERNAL', 'Internal error; the server log has the details.');
}

/** Sends an error answer; 5xx are logged with the error, 4xx only with their code (never the body). */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const api = toApiError(error, request);
  if (api.statusCode >= 500 && api.code !== 'TIMEOUT') request.log.error({ err: error, code: api.code }, 'request failed');
  const body: ApiErrorBody = { code: api.code, message: api.message, requestId: String(request.id) };
  if (api.field) body.field = api.field;
  if (api.code === 'TIMEOUT') void reply.header('retry-after', '1');
  if (api.allow) void reply.header('allow', api.allow.join(', '));
  // Framework errors (a bad URL) are answered before the onRequest hook that sets these.
  void reply.headers(securityHeaders);
  if (api.code === 'UNAUTHORIZED') void reply.header('www-authenticate', 'Bearer realm="kb feedback"');
  return reply.code(api.statusCode).type('application/json; charset=utf-8').send(body);
}

/**
 * Answers what Node's HTTP parser refuses before fastify sees a request (a malformed request line or
 * header: 400; headers over the size limit: 431; a request not received in time: 408) in the API's
 * error shape, with the security headers, and closes the connection.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [code, message]: [ApiErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['HEADERS_TOO_LARGE', 'The request line and headers are larger than this server accepts.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['REQUEST_TIMEOUT', 'The request was not received in time.']
        : ['BAD_REQUEST', 'The request could not be read: a malformed request line or header.'];
  const status = statusOf[code];
  const body = JSON.stringify({ code, message, requestId: `client-${randomUUID()}` } satisfies ApiErrorBody);
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...securityHeaders, connection: 'close' };
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
}

/**
 * The one place where errors and unknown routes become JSON answers. A path that exists with other
 * methods is 405 with `Allow`; `methodsOf` names them (see trackMethods).
 */
export function installErrorHandling(app: FastifyInstance, methodsOf: (path: string) => readonly string[]): void {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allow = methodsOf(path);
    const shown = `${request.method} ${path.slice(0, 200)}`;
    const error = allow.length > 0 ? new ApiError('METHOD_NOT_ALLOWED', `${shown}: this path takes ${allow.join(', ')}.`, undefined, allow) : new ApiError('ROUTE_NOT_FOUND', `No route ${shown}.`);
    return sendError(error, request, reply);
  });
}

/** Records every route's methods by path pattern, for the 405 answer's Allow header. */
export function trackMethods(app: FastifyInstance): (path: string) => readonly string[] {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return; // the CORS preflight's catch-all answers OPTIONS everywhere itself
    const source = `^${route.url.split(/(:[A-Za-z0-9_]+)/).map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`;
    let entry = routes.find((r) => r.pattern.source === source);
    if (!entry) {
      entry = { pattern: new RegExp(source), methods: new Set() };
      routes.push(entry);
    }
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(m);
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
  });
  const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  return (path) => {
    const found = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) found.add(m);
    return [...found].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  };
}
