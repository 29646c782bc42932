import type { FastifyInstance } from 'fastify';
import { resolveServeConfig, type ServeFlags, startServer } from '../server/index.ts';

export interface ServeRuntime {
  /** Environment to read the KB_* variables from (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Close the server gracefully on SIGINT/SIGTERM (default: true). */
  readonly handleSignals?: boolean;
  /** false: no log lines (tests). */
  readonly log?: boolean;
}

/**
 * `kb serve`: loads the knowledge base (exit 3 when it has errors), starts the HTTP API and the page,
 * and keeps running until SIGINT/SIGTERM. Flags win over KB_* variables, those over the defaults.
 */
export async function runServe(flags: ServeFlags, runtime: ServeRuntime = {}): Promise<{ app: FastifyInstance; url: string }> {
  const config = resolveServeConfig(flags, runtime.env ?? process.env);
  const { app, url } = await startServer({
    port: config.port,
    host: config.host,
    watch: config.watch,
    limits: config.limits,
    logger: runtime.log === false ? false : { level: config.logLevel },
    ...(config.kbDir ? { kbDir: config.kbDir } : {}),
  });
  const { limits } = config;
  app.log.info(
    {
      url,
      kb: app.kbHolder.current.data.settings.version,
      watch: config.watch,
      learn: limits.learn,
      probe: limits.allowProbe,
      feedbackToken: limits.feedbackToken !== null,
      limits: { bodyLimit: limits.bodyLimit, maxMessageLength: limits.maxMessageLength, timeoutMs: limits.timeoutMs, rateLimit: `${limits.rateLimitMax}/${limits.rateLimitWindowMs}ms`, cors: limits.corsOrigins },
    },
    `serving the knowledge base on ${url}`,
  );
  if (runtime.handleSignals !== false) {
    const stop = (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return { app, url };
}
