import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** The web page's folder: src/server/public when run from the sources, dist/server/public when built. */
export const publicDir = join(import.meta.dirname, 'public');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Only what the page itself loads: no inline script, no other origin (the page works offline). */
export const pageCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** Reads the page's files once and serves them from memory at `/` and `/<file>`. */
export function registerPage(app: FastifyInstance, dir: string = publicDir): void {
  if (!existsSync(dir)) {
    app.log.warn({ dir }, 'the web page folder is missing; only the API is served (copy src/server/public to dist/server/public when building)');
    return;
  }
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = types[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  const serve = (name: string) => {
    const asset = assets.get(name)!;
    // The page's own files are cheap and cached: not counted by the rate limit.
    app.get(name === 'index.html' ? '/' : `/${name}`, { config: { rateLimit: false } }, (request, reply) => {
      void reply.header('cache-control', 'no-cache').header('etag', asset.etag).type(asset.type);
      if (asset.type.startsWith('text/html')) void reply.header('content-security-policy', pageCsp);
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.send(asset.body);
    });
  };
  for (const name of assets.keys()) serve(name);
}
