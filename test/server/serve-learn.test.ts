import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../../src/cli/index.ts';
import { runServe } from '../../src/cli/serve.ts';
import { KbError } from '../../src/engine/errors.ts';
import { defaultLimits, envVars, resolveServeConfig } from '../../src/server/index.ts';

const token = 'a-token-of-32-characters-0123456';

function fieldOf(flags: object, env: Record<string, string> = {}): string | undefined {
  try {
    resolveServeConfig(flags, env);
  } catch (error) {
    expect(error).toBeInstanceOf(KbError);
    return (error as KbError).field;
  }
  return 'no error';
}

describe('kb serve: --learn, --learn-interval, --feedback-token, --feedback-rate-limit', () => {
  test('are flags, each with a KB_* variable; off by default', () => {
    const serve = buildProgram().commands.find((c) => c.name() === 'serve')!;
    expect(serve.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--learn', '--learn-interval', '--feedback-token', '--feedback-rate-limit', '--db']));
    expect(envVars).toMatchObject({ KB_LEARN: '--learn', KB_LEARN_INTERVAL_MS: '--learn-interval', KB_FEEDBACK_TOKEN: '--feedback-token', KB_FEEDBACK_RATE_LIMIT: '--feedback-rate-limit' });
    expect(resolveServeConfig({}, {}).limits).toMatchObject({ learn: false, feedbackToken: null, learnIntervalMs: defaultLimits.learnIntervalMs, feedbackRateLimitMax: defaultLimits.feedbackRateLimitMax });
  });

  test('environment, then flags', () => {
    const env = { KB_LEARN: 'true', KB_LEARN_INTERVAL_MS: '5000', KB_FEEDBACK_TOKEN: token, KB_FEEDBACK_RATE_LIMIT: '7', KB_DB: 'postgres://kb@db.example.com:5432/kb' };
    expect(resolveServeConfig({}, env).limits).toMatchObject({ learn: true, learnIntervalMs: 5000, feedbackToken: token, feedbackRateLimitMax: 7, feedbackDb: 'postgres://kb@db.example.com:5432/kb' });
    const other = `${token}-flag`;
    expect(resolveServeConfig({ feedbackToken: other, learnInterval: '60000', feedbackRateLimit: '0' }, env).limits).toMatchObject({ feedbackToken: other, learnIntervalMs: 60_000, feedbackRateLimitMax: 0 });
    expect(resolveServeConfig({}, { KB_LEARN: 'no' }).limits.learn).toBe(false);
    expect(resolveServeConfig({ feedbackToken: '' }, { KB_FEEDBACK_TOKEN: token }).limits.feedbackToken).toBeNull();
  });

  test.each([
    [{ feedbackToken: 'short' }, '--feedback-token'],
    [{ feedbackToken: 'has spaces in the middle of it' }, '--feedback-token'],
    [{ feedbackToken: 'ünïcödé-token-0123456789' }, '--feedback-token'],
    [{ feedbackToken: `tab\tin-the-token-0123456789` }, '--feedback-token'],
    [{ feedbackToken: 'x'.repeat(513) }, '--feedback-token'],
    [{ learnInterval: '10' }, '--learn-interval'],
    [{ learnInterval: 'often' }, '--learn-interval'],
    [{ feedbackRateLimit: '-1' }, '--feedback-rate-limit'],
  ])('%j is REQUEST_INVALID at the flag', (flags, field) => {
    expect(fieldOf(flags)).toBe(field);
  });

  test('a bad token from the environment names the flag too, never the value', () => {
    try {
      resolveServeConfig({}, { KB_FEEDBACK_TOKEN: 'secret' });
      throw new Error('no error');
    } catch (error) {
      expect((error as KbError).field).toBe('--feedback-token');
      expect((error as KbError).message).not.toContain('secret');
    }
  });
});

describe('runServe with KB_LEARN', () => {
  test('refuses to learn without a token; with one it serves and /readyz shows the learning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-serve-learn-'));
    try {
      const env = { KB_LEARN: '1', KB_DB: join(dir, 'feedback.sqlite') };
      const refused = await runServe({ port: '0' }, { env, handleSignals: false, log: false }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'REQUEST_INVALID', field: '--feedback-token' });
      const { app, url } = await runServe({ port: '0' }, { env: { ...env, KB_FEEDBACK_TOKEN: token }, handleSignals: false, log: false });
      try {
        const ready = (await (await fetch(`${url}/readyz`)).json()) as { feedback: boolean; learning: { reports: number; error: string | null } };
        expect(ready).toMatchObject({ feedback: true, learning: { reports: 0, error: null } });
        expect((await fetch(`${url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"cause":"credentials-wrong","solved":true}' })).status).toBe(401);
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
