import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * Finds a system program: an explicit path from the environment first, then each name on the PATH.
 * Returns null when none is there.
 */
export function findProgram(names: readonly string[], envVar?: string): string | null {
  const explicit = envVar ? process.env[envVar] : undefined;
  if (explicit) return isExecutable(explicit) ? explicit : null;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether tests run in CI, where a missing system service is a failure rather than a skip. */
export const inCi = Boolean(process.env['CI']) && process.env['CI'] !== 'false' && process.env['CI'] !== '0';

/**
 * Decides whether tests that need a system service run. In CI a missing service throws (the suite
 * fails); elsewhere it prints one line saying how to install it and the tests are skipped.
 */
export function requireService(what: string, found: string | null, install: string): boolean {
  if (found) return true;
  const line = `${what} not found: ${install}`;
  if (inCi) throw new Error(`${line} (CI is set, so this is a failure)`);
  console.warn(`skipped: ${line}`);
  return false;
}

/** Chromium for the browser tests: CHROMIUM_PATH, else chromium, chromium-browser or google-chrome on the PATH. */
export const chromiumPath = findProgram(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'], 'CHROMIUM_PATH');
export const chromiumInstall = 'install it with `apt-get install chromium` (or set CHROMIUM_PATH)';

/** The account PostgreSQL runs as when the tests run as root (initdb and postgres refuse root). */
export const postgresUser = 'postgres';

function newestDebianPostgres(): string | null {
  const base = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = readdirSync(base).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(base, v, 'bin');
    if (isExecutable(join(bin, 'initdb')) && isExecutable(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

/**
 * The folder with PostgreSQL's initdb and pg_ctl: PG_BIN, else the newest Debian install under
 * /usr/lib/postgresql/<version>/bin, else the PATH. As root it also needs `runuser` and the
 * `postgres` account to run them as; null when anything is missing.
 */
function findPostgresBin(): string | null {
  const explicit = process.env['PG_BIN'];
  let bin: string | null;
  if (explicit) bin = isExecutable(join(explicit, 'initdb')) && isExecutable(join(explicit, 'pg_ctl')) ? explicit : null;
  else bin = newestDebianPostgres() ?? (findProgram(['initdb']) ? dirname(findProgram(['initdb'])!) : null);
  if (!bin || !isExecutable(join(bin, 'pg_ctl'))) return null;
  if (process.getuid?.() === 0) {
    if (!findProgram(['runuser'])) return null;
    try {
      execFileSync('id', ['-u', postgresUser], { stdio: 'ignore' });
    } catch {
      return null;
    }
  }
  return bin;
}

/** PostgreSQL's server programs for the tests that start a real server. */
export const postgresBinDir = findPostgresBin();
export const postgresInstall = 'install it with `apt-get install postgresql` (or set PG_BIN to the folder with initdb and pg_ctl)';

/**
 * Headless Chromium as the browser tests run it: sandbox and GPU off (containers, root), no network of
 * its own (updates, sync, QUIC), so every request the page makes is one the test sees.
 */
export async function launchChromium(): Promise<import('playwright-core').Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath ?? '',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
