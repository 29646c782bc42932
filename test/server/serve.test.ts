import { describe, expect, test } from 'vitest';
import { buildProgram } from '../../src/cli/index.ts';
import { runServe } from '../../src/cli/serve.ts';
import { KbError } from '../../src/engine/errors.ts';
import { defaultLimits, resolveServeConfig } from '../../src/server/index.ts';
import { defaultFeedbackDb } from '../../src/server/limits.ts';

describe('resolveServeConfig: flags > KB_* variables > defaults', () => {
  test('defaults', () => {
    const c = resolveServeConfig({}, {});
    // kb serve keeps feedback in ./kb-feedback.sqlite; the library's default (buildServer) is off.
    expect(c).toEqual({ port: 3000, host: '127.0.0.1', kbDir: undefined, watch: false, logLevel: 'info', limits: { ...defaultLimits, feedbackDb: defaultFeedbackDb } });
    expect(defaultLimits.feedbackDb).toBeNull();
  });

  test('--db / KB_DB: a file, or off', () => {
    expect(resolveServeConfig({}, { KB_DB: '/var/lib/kb/feedback.sqlite' }).limits.feedbackDb).toBe('/var/lib/kb/feedback.sqlite');
    expect(resolveServeConfig({ db: 'here.sqlite' }, { KB_DB: '/var/lib/kb/feedback.sqlite' }).limits.feedbackDb).toBe('here.sqlite');
    expect(resolveServeConfig({}, { KB_DB: 'off' }).limits.feedbackDb).toBeNull();
    expect(resolveServeConfig({ db: '' }, { KB_DB: 'x.sqlite' }).limits.feedbackDb).toBeNull();
    expect(buildProgram().commands.find((c) => c.name() === 'serve')!.options.map((o) => o.long)).toContain('--db');
  });

  test('environment, then flags', () => {
    const env = {
      KB_PORT: '8080',
      KB_HOST: '0.0.0.0',
      KB_DIR: '/srv/kb',
      KB_WATCH: 'true',
      KB_BODY_LIMIT: '1mb',
      KB_MAX_MESSAGE: '5000',
      KB_TIMEOUT_MS: '2000',
      KB_REQUEST_TIMEOUT_MS: '5000',
      KB_RATE_LIMIT: '10',
      KB_RATE_WINDOW_MS: '1000',
      KB_CORS_ORIGINS: 'https://crm.example.com, https://admin.example.com',
      KB_TRUST_PROXY: '1',
      KB_LOG_LEVEL: 'warn',
    };
    const c = resolveServeConfig({}, env);
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', kbDir: '/srv/kb', watch: true, logLevel: 'warn' });
    expect(c.limits).toMatchObject({
      bodyLimit: 1024 * 1024,
      maxMessageLength: 5000,
      timeoutMs: 2000,
      requestTimeoutMs: 5000,
      rateLimitMax: 10,
      rateLimitWindowMs: 1000,
      corsOrigins: ['https://crm.example.com', 'https://admin.example.com'],
      trustProxy: true,
    });
    const f = resolveServeConfig({ port: '9000', bodyLimit: '64kb', rateLimit: '0', corsOrigin: ['*'], logLevel: 'error' }, env);
    expect(f.port).toBe(9000);
    expect(f.limits.bodyLimit).toBe(64 * 1024);
    expect(f.limits.rateLimitMax).toBe(0);
    expect(f.limits.corsOrigins).toEqual(['*']);
    expect(f.logLevel).toBe('error');
    expect(resolveServeConfig({}, { PORT: '4000' }).port).toBe(4000);
  });

  test('bad values are REQUEST_INVALID with the flag at fault', () => {
    const fails = (flags: object, env: Record<string, string> = {}) => {
      try {
        resolveServeConfig(flags, env);
      } catch (error) {
        expect(error).toBeInstanceOf(KbError);
        return (error as KbError).field;
      }
      return 'no error';
    };
    expect(fails({ port: 'abc' })).toBe('--port');
    expect(fails({ port: '70000' })).toBe('--port');
    expect(fails({}, { KB_TIMEOUT_MS: '-5' })).toBe('--timeout');
    expect(fails({ bodyLimit: '10' })).toBe('--body-limit');
    expect(fails({ maxMessage: '50000' })).toBe('--max-message');
    expect(fails({ corsOrigin: ['crm.example.com/path'] })).toBe('--cors-origin');
    expect(fails({ logLevel: 'loud' })).toBe('--log-level');
  });
});

describe('kb serve', () => {
  test('is a command of the CLI with its options', () => {
    const serve = buildProgram().commands.find((c) => c.name() === 'serve');
    expect(serve).toBeDefined();
    const flags = serve!.options.map((o) => o.long);
    expect(flags).toEqual(expect.arrayContaining(['--port', '--host', '--kb', '--watch', '--body-limit', '--max-message', '--timeout', '--request-timeout', '--rate-limit', '--rate-window', '--cors-origin', '--trust-proxy', '--log-level']));
  });

  test('runServe listens on the bundled knowledge base', async () => {
    const { app, url } = await runServe({ port: '0', host: '127.0.0.1' }, { env: { KB_DB: 'off' }, handleSignals: false, log: false });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
      const res = await fetch(`${url}/v1/diagnose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"Nicht autorisiert"}' });
      expect(res.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
