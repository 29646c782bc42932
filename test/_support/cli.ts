import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundledKbDir } from '../../src/engine/knowledge-base.ts';

/** The built CLI, run as a user runs it (npm test builds dist/ first). */
export const kbBin = join(bundledKbDir, 'bin', 'kb.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `kb <args>` in a child process with `input` on standard input (none: closed at once), colour
 * off and no feedback database from the environment; killed after 30 s so a hang fails the test.
 */
export function runKb(args: readonly string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [kbBin, ...args], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', KB_DB: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
