import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from '../../src/server/index.ts';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
  /** fetch against the server; `path` starts with a slash. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** POST raw bytes or text, with the content type given (none when undefined). */
  postRaw(path: string, body: string | Uint8Array<ArrayBuffer>, contentType: string | undefined): Promise<Response>;
}

/** A really listening server on 127.0.0.1, a free port, no log. */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const app = await buildServer({ logger: false, ...options, limits: { rateLimitMax: 0, ...options.limits } });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    close: () => app.close(),
    get: (path, headers = {}) => fetch(url + path, { headers }),
    post: (path, body, headers = {}) =>
      fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
    postRaw: (path, body, contentType) =>
      fetch(url + path, { method: 'POST', headers: contentType === undefined ? {} : { 'content-type': contentType }, body }),
  };
}

/** The JSON body of an error answer, checked for the API's error shape. */
export async function errorOf(res: Response): Promise<{ code: string; message: string; field?: string; requestId: string }> {
  const body = (await res.json()) as { code: string; message: string; field?: string; requestId: string };
  if (typeof body.code !== 'string' || typeof body.message !== 'string') throw new Error(`not an API error: ${JSON.stringify(body)}`);
  return body;
}
