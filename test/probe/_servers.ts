/**
 * Real servers on 127.0.0.1 for the probe tests: HTTPS and HTTP servers with scripted handlers, raw TCP
 * servers that misbehave below HTTP, and a lookup that maps test host names to 127.0.0.1 so nothing
 * ever leaves the machine.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer, type SecureContextOptions, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll } from 'vitest';
import type { Lookup } from '../../src/probe/index.ts';
import type { ServerCredentials } from './_pki.ts';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly socket: Socket;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** A URL on this server: `https://mail.example.test:<port><path>` by default. */
  url(path?: string, host?: string): string;
  close(): Promise<void>;
}

function track(server: Server | ReturnType<typeof createNetServer> | ReturnType<typeof createTlsServer>, scheme: string, requests: RecordedRequest[], address = '127.0.0.1'): Promise<TestServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, address, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        port,
        requests,
        url: (path = '/EWS/Exchange.asmx', h = 'mail.example.test') => `${scheme}://${h}:${port}${path}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function withBody(handler: Handler, requests: RecordedRequest[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1024 * 1024) chunks.push(c);
    });
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket };
      requests.push(recorded);
      res.on('error', () => {});
      Promise.resolve(handler(recorded, res)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  };
}

/** An HTTPS server on 127.0.0.1 (or `address`, such as ::1) with the given certificate chain. */
export function httpsServer(creds: ServerCredentials, handler: Handler, address = '127.0.0.1', tls: SecureContextOptions = {}): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createHttpsServer({ key: creds.key, cert: creds.cert, keepAlive: true, ...tls }, withBody(handler, requests));
  server.on('tlsClientError', () => {});
  return track(server, 'https', requests, address);
}

/** A plain HTTP server on 127.0.0.1. */
export function httpServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  return track(createHttpServer({ keepAlive: true }, withBody(handler, requests)), 'http', requests);
}

/** A TCP server whose connections the test script handles byte by byte. */
export function tcpServer(onConnection: (socket: Socket) => void): Promise<TestServer> {
  const server = createNetServer((s) => {
    s.on('error', () => {});
    onConnection(s);
  });
  return track(server, 'https', []);
}

/** A TLS server whose decrypted bytes the test script handles (an HTTP layer that lies). */
export function tlsServer(creds: ServerCredentials, onConnection: (socket: TLSSocket) => void): Promise<TestServer> {
  const server = createTlsServer({ key: creds.key, cert: creds.cert }, (s) => {
    s.on('error', () => {});
    onConnection(s);
  });
  server.on('tlsClientError', () => {});
  return track(server, 'https', []);
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const s = await tcpServer(() => {});
  await s.close();
  return s.port;
}

/** Resolves the listed names to 127.0.0.1 and every other name to ENOTFOUND; records what was asked. */
export function loopbackLookup(names: readonly string[] = ['mail.example.test', 'other.example.test']): Lookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    if (names.includes(hostname)) return [{ address: '127.0.0.1', family: 4 as const }];
    const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    e.code = 'ENOTFOUND';
    throw e;
  };
  return Object.assign(lookup, { asked });
}

/**
 * The per-file set-up every probe test shares: a test PKI made once before the file's tests, and
 * servers closed after them. `keep` registers a server for closing and returns it.
 */
export function serverFixture(createPki: () => Promise<import('./_pki.ts').TestPki>) {
  let pki: import('./_pki.ts').TestPki | undefined;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    pki = await createPki();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  return {
    get pki() {
      if (!pki) throw new Error('the test PKI is made in beforeAll');
      return pki;
    },
    async keep<T extends TestServer>(server: T | Promise<T>): Promise<T> {
      const s = await server;
      servers.push(s);
      return s;
    },
  };
}
