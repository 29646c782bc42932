import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresBinDir, postgresUser } from './services.ts';

const run = promisify(execFile);

/** A PostgreSQL server of the test's own, on 127.0.0.1 and a free port, in a temporary folder. */
export interface TestPostgres {
  /** postgres://kb@127.0.0.1:<port>/<database> for a fresh database of that name (created on first call). */
  url(database?: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * initdb and pg_ctl start a throw-away cluster (trust authentication, loopback only, fsync off). As
 * root they run as the `postgres` account, which then owns the temporary folder.
 */
export async function startPostgres(): Promise<TestPostgres> {
  if (!postgresBinDir) throw new Error('PostgreSQL not found (requireService should have skipped this)');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'kb-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', postgresUser]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', postgresUser]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const pg = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', postgresUser, '--', join(postgresBinDir!, program), ...args], { timeout: 60_000 }) : run(join(postgresBinDir!, program), args, { timeout: 60_000 });
  const data = join(dir, 'data');
  await pg('initdb', ['-D', data, '-U', 'kb', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  try {
    await pg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  } catch (error) {
    let log = '';
    try {
      log = readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${log}`);
  }
  const created = new Set<string>(['postgres']);
  const psql = (sql: string) => pg('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'kb', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  return {
    async url(database = 'postgres') {
      if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name ${database}`);
      if (!created.has(database)) {
        await psql(`CREATE DATABASE ${database}`);
        created.add(database);
      }
      return `postgres://kb@127.0.0.1:${port}/${database}`;
    },
    async stop() {
      try {
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
