import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

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
