import { KbError } from '../engine/errors.ts';

/**
 * The limits and switches a deployment can change: each has a default, an environment variable and a
 * `kb serve` flag (the flag wins over the variable, the variable over the default).
 */
export interface ServerLimits {
  /** Largest request body in bytes (413 BODY_TOO_LARGE above it). */
  readonly bodyLimit: number;
  /** Longest `message` in characters (400 MESSAGE_TOO_LONG above it; the schema's own maximum still applies). */
  readonly maxMessageLength: number;
  /** Deepest JSON nesting a body may have (400 BODY_TOO_DEEP). */
  readonly maxDepth: number;
  /** Time a diagnosis may take before the answer is 503 TIMEOUT, in ms. */
  readonly timeoutMs: number;
  /** Time a client has to send the whole request, in ms (Node answers 408 and closes the socket). */
  readonly requestTimeoutMs: number;
  /** Requests per client and window; 0 turns the rate limit off. */
  readonly rateLimitMax: number;
  /** The rate limit's window in ms. */
  readonly rateLimitWindowMs: number;
  /** Origins allowed to call the API from a browser; empty = CORS off. `*` allows any origin. */
  readonly corsOrigins: readonly string[];
  /** Trust X-Forwarded-For from a reverse proxy (for the client address the rate limit counts by). */
  readonly trustProxy: boolean;
  /** Diagnoses kept per knowledge base for repeated identical requests; 0 turns the cache off. */
  readonly cacheSize: number;
  /** Feedback database: an SQLite file (created when missing) or a postgres:// URL; null = feedback off (the routes answer 503 FEEDBACK_DISABLED). */
  readonly feedbackDb: string | null;
  /** Rank with priors learned from the feedback (needs feedbackDb and feedbackToken). */
  readonly learn: boolean;
  /** How often learned priors are read again from the database, in ms (other instances write to it too). */
  readonly learnIntervalMs: number;
  /** Token POST /v1/feedback requires as `Authorization: Bearer …`; null = no token needed. */
  readonly feedbackToken: string | null;
  /** Feedback answers per client and rate window (--rate-window); 0 = only the general rate limit. */
  readonly feedbackRateLimitMax: number;
  /** Offer the live test, POST /v1/probe (kb serve --allow-probe); off by default, the route does not exist then. */
  readonly allowProbe: boolean;
  /** Live tests per client and rate window; always limited (at least 1), stricter than the general limit. */
  readonly probeRateLimitMax: number;
}

export const defaultLimits: ServerLimits = {
  bodyLimit: 100 * 1024,
  maxMessageLength: 20_000,
  maxDepth: 16,
  timeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  rateLimitMax: 300,
  rateLimitWindowMs: 60_000,
  corsOrigins: [],
  trustProxy: false,
  cacheSize: 1000,
  // Off for the library and tests; `kb serve` defaults to defaultFeedbackDb.
  feedbackDb: null,
  learn: false,
  learnIntervalMs: 30_000,
  feedbackToken: null,
  feedbackRateLimitMax: 20,
  allowProbe: false,
  probeRateLimitMax: 5,
};

/** The feedback database `kb serve` uses without --db / KB_DB, relative to the current directory. */
export const defaultFeedbackDb = 'kb-feedback.sqlite';

/** Options of `kb serve` as commander gives them (all strings, all optional). */
export interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  readonly kb?: string;
  readonly watch?: boolean;
  readonly bodyLimit?: string;
  readonly maxMessage?: string;
  readonly timeout?: string;
  readonly requestTimeout?: string;
  readonly rateLimit?: string;
  readonly rateWindow?: string;
  readonly corsOrigin?: readonly string[];
  readonly trustProxy?: boolean;
  readonly logLevel?: string;
  readonly cacheSize?: string;
  readonly db?: string;
  readonly learn?: boolean;
  readonly learnInterval?: string;
  readonly feedbackToken?: string;
  readonly feedbackRateLimit?: string;
  readonly allowProbe?: boolean;
  readonly probeRateLimit?: string;
}

export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly kbDir: string | undefined;
  readonly watch: boolean;
  readonly logLevel: string;
  readonly limits: ServerLimits;
}

/** The environment variables `kb serve` reads, with the flag each one stands for. */
export const envVars = {
  KB_PORT: '--port',
  KB_HOST: '--host',
  KB_DIR: '--kb',
  KB_WATCH: '--watch',
  KB_BODY_LIMIT: '--body-limit',
  KB_MAX_MESSAGE: '--max-message',
  KB_TIMEOUT_MS: '--timeout',
  KB_REQUEST_TIMEOUT_MS: '--request-timeout',
  KB_RATE_LIMIT: '--rate-limit',
  KB_RATE_WINDOW_MS: '--rate-window',
  KB_CORS_ORIGINS: '--cors-origin',
  KB_TRUST_PROXY: '--trust-proxy',
  KB_LOG_LEVEL: '--log-level',
  KB_CACHE_SIZE: '--cache-size',
  KB_DB: '--db',
  KB_LEARN: '--learn',
  KB_LEARN_INTERVAL_MS: '--learn-interval',
  KB_FEEDBACK_TOKEN: '--feedback-token',
  KB_FEEDBACK_RATE_LIMIT: '--feedback-rate-limit',
  KB_ALLOW_PROBE: '--allow-probe',
  KB_PROBE_RATE_LIMIT: '--probe-rate-limit',
} as const;

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(value: string | undefined, name: string, min: number, max: number, sizes = false): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const s = value.trim();
  // Sizes may carry a unit: 100kb, 1mb.
  const m = (sizes ? /^(\d{1,12})\s*(kb|k|mb|m)?$/i : /^(\d{1,12})()$/).exec(s);
  if (!m) throw new KbError('REQUEST_INVALID', `${name} must be a whole number, not "${s}".`, { field: name });
  const unit = (m[2] ?? '').toLowerCase();
  const n = Number(m[1]) * (unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1);
  if (n < min || n > max) throw new KbError('REQUEST_INVALID', `${name} must be between ${min} and ${max}, not ${n}.`, { field: name });
  return n;
}

function bool(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return /^(1|true|yes|on)$/i.test(value.trim());
}

/** --db / KB_DB: an SQLite file path or a postgres:// URL; '' or off/none/false/0 turns feedback off; unset = defaultFeedbackDb. */
function feedbackDb(value: string | undefined): string | null {
  if (value === undefined) return defaultFeedbackDb;
  const s = value.trim();
  if (s === '' || /^(off|none|false|0|no)$/i.test(s)) return null;
  return s;
}

/**
 * --feedback-token / KB_FEEDBACK_TOKEN: 16 to 512 visible ASCII characters (what fits a Bearer header
 * unchanged); '' = none. A short token could be guessed within the feedback rate limit.
 */
export function checkFeedbackToken(value: string | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (!/^[\x21-\x7e]{16,512}$/.test(value)) {
    throw new KbError('REQUEST_INVALID', `--feedback-token must be 16 to 512 visible ASCII characters (no spaces), e.g. from \`openssl rand -hex 32\`; got ${value.length} character(s).`, { field: '--feedback-token' });
  }
  return value;
}

/** Merges flags, environment and defaults into one checked configuration; throws KbError REQUEST_INVALID on a bad value. */
export function resolveServeConfig(flags: ServeFlags, env: Readonly<Record<string, string | undefined>> = process.env): ServeConfig {
  const pick = (flag: string | undefined, envName: keyof typeof envVars) => flag ?? env[envName];
  const port = integer(pick(flags.port, 'KB_PORT') ?? env['PORT'], '--port', 0, 65_535) ?? 3000;
  const host = (pick(flags.host, 'KB_HOST') ?? '127.0.0.1').trim();
  const logLevel = (pick(flags.logLevel, 'KB_LOG_LEVEL') ?? 'info').trim().toLowerCase();
  if (!logLevels.includes(logLevel)) throw new KbError('REQUEST_INVALID', `--log-level must be one of ${logLevels.join(', ')}.`, { field: '--log-level' });
  const cors = flags.corsOrigin && flags.corsOrigin.length > 0 ? [...flags.corsOrigin] : (env['KB_CORS_ORIGINS'] ?? '').split(',');
  const corsOrigins = cors.map((o) => o.trim()).filter((o) => o !== '');
  for (const o of corsOrigins) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/i.test(o)) {
      throw new KbError('REQUEST_INVALID', `--cors-origin must be * or an origin such as https://crm.example.com (no path), not "${o}".`, { field: '--cors-origin' });
    }
  }
  const d = defaultLimits;
  const limits: ServerLimits = {
    bodyLimit: integer(pick(flags.bodyLimit, 'KB_BODY_LIMIT'), '--body-limit', 1024, 64 * 1024 * 1024, true) ?? d.bodyLimit,
    maxMessageLength: integer(pick(flags.maxMessage, 'KB_MAX_MESSAGE'), '--max-message', 1, 20_000) ?? d.maxMessageLength,
    maxDepth: d.maxDepth,
    timeoutMs: integer(pick(flags.timeout, 'KB_TIMEOUT_MS'), '--timeout', 1, 600_000) ?? d.timeoutMs,
    requestTimeoutMs: integer(pick(flags.requestTimeout, 'KB_REQUEST_TIMEOUT_MS'), '--request-timeout', 1000, 600_000) ?? d.requestTimeoutMs,
    rateLimitMax: integer(pick(flags.rateLimit, 'KB_RATE_LIMIT'), '--rate-limit', 0, 1_000_000) ?? d.rateLimitMax,
    rateLimitWindowMs: integer(pick(flags.rateWindow, 'KB_RATE_WINDOW_MS'), '--rate-window', 1, 86_400_000) ?? d.rateLimitWindowMs,
    corsOrigins,
    trustProxy: flags.trustProxy ?? bool(env['KB_TRUST_PROXY']) ?? d.trustProxy,
    cacheSize: integer(pick(flags.cacheSize, 'KB_CACHE_SIZE'), '--cache-size', 0, 100_000) ?? d.cacheSize,
    feedbackDb: feedbackDb(pick(flags.db, 'KB_DB')),
    learn: flags.learn ?? bool(env['KB_LEARN']) ?? d.learn,
    learnIntervalMs: integer(pick(flags.learnInterval, 'KB_LEARN_INTERVAL_MS'), '--learn-interval', 1000, 86_400_000) ?? d.learnIntervalMs,
    feedbackToken: checkFeedbackToken(pick(flags.feedbackToken, 'KB_FEEDBACK_TOKEN')),
    feedbackRateLimitMax: integer(pick(flags.feedbackRateLimit, 'KB_FEEDBACK_RATE_LIMIT'), '--feedback-rate-limit', 0, 1_000_000) ?? d.feedbackRateLimitMax,
    allowProbe: flags.allowProbe ?? bool(env['KB_ALLOW_PROBE']) ?? d.allowProbe,
    // A probe makes outgoing connections for the caller: never unlimited.
    probeRateLimitMax: integer(pick(flags.probeRateLimit, 'KB_PROBE_RATE_LIMIT'), '--probe-rate-limit', 1, 1000) ?? d.probeRateLimitMax,
  };
  return {
    port,
    host,
    kbDir: pick(flags.kb, 'KB_DIR') || undefined,
    watch: flags.watch ?? bool(env['KB_WATCH']) ?? false,
    logLevel,
    limits,
  };
}
