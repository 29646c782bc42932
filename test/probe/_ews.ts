/**
 * A scripted EWS endpoint for the probe tests: it answers like Exchange (401 challenges, NTLM with a real
 * NTLMv2 check, Basic, SOAP responses and faults). The NTLM check here is written independently of
 * src/probe/ntlm.ts and starts from an NT hash computed with OpenSSL's MD4, so it does not share the
 * probe's code.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Handler } from './_servers.ts';

export const user = {
  domain: 'EXAMPLE',
  name: 'jdoe',
  email: 'jdoe@example.test',
  password: 'Tr0ub4dor&3-Pässwort',
  /** MD4(UTF-16LE(password)), from `openssl dgst -md4 -provider legacy`. */
  ntHash: Buffer.from('bbc3ac9e017f08fab97817ed053c8454', 'hex'),
};

export type Version = readonly [number, number, number, number];

export function soapEnvelope(body: string, version: Version | null = [15, 1, 2507, 6], schema = 'V2_68'): string {
  const header = version
    ? `<s:Header><h:ServerVersionInfo MajorVersion="${version[0]}" MinorVersion="${version[1]}" MajorBuildNumber="${version[2]}" MinorBuildNumber="${version[3]}" Version="${schema}" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"/></s:Header>`
    : '';
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">${header}<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${body}</s:Body></s:Envelope>`;
}

/** A GetFolder or CreateItem response message with a ResponseCode. */
export function responseMessage(op: 'GetFolder' | 'CreateItem', code: string, text?: string): string {
  const cls = code === 'NoError' ? 'Success' : 'Error';
  const folders = op === 'GetFolder' && code === 'NoError' ? '<m:Folders><t:Folder><t:FolderId Id="AAMkAD" ChangeKey="AQAAAA"/></t:Folder></m:Folders>' : '';
  const items = op === 'CreateItem' ? '<m:Items/>' : '';
  return (
    `<m:${op}Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">` +
    `<m:ResponseMessages><m:${op}ResponseMessage ResponseClass="${cls}">${text ? `<m:MessageText>${text}</m:MessageText>` : ''}<m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${folders}${items}</m:${op}ResponseMessage></m:ResponseMessages></m:${op}Response>`
  );
}

/** The SOAP fault Exchange sends for schema or version errors (with HTTP 500). */
export function soapFault(code: string, text: string): string {
  return soapEnvelope(
    `<s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:${code}</faultcode><faultstring xml:lang="en-US">${text}</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${text}</e:Message></detail></s:Fault>`,
    null,
  );
}

// --- NTLM, server side ---

const hmac = (key: Buffer, ...data: Buffer[]) => {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
};

function avPair(id: number, value: Buffer): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(id, 0);
  b.writeUInt16LE(value.length, 2);
  return Buffer.concat([b, value]);
}

function fileTimeNow(): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n);
  return b;
}

interface PendingChallenge {
  readonly serverChallenge: Buffer;
  readonly targetInfo: Buffer;
}

function challengeMessage(): { message: Buffer; pending: PendingChallenge } {
  const serverChallenge = randomBytes(8);
  const targetInfo = Buffer.concat([
    avPair(2, Buffer.from(user.domain, 'utf16le')),
    avPair(1, Buffer.from('EXSRV01', 'utf16le')),
    avPair(4, Buffer.from('example.test', 'utf16le')),
    avPair(7, fileTimeNow()),
    avPair(0, Buffer.alloc(0)),
  ]);
  const name = Buffer.from(user.domain, 'utf16le');
  const header = Buffer.alloc(48);
  header.write('NTLMSSP\0', 0, 'latin1');
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(name.length, 12);
  header.writeUInt16LE(name.length, 14);
  header.writeUInt32LE(48, 16);
  header.writeUInt32LE(0x00000001 | 0x00000004 | 0x00000200 | 0x00010000 | 0x00080000 | 0x00800000 | 0x20000000, 20);
  serverChallenge.copy(header, 24);
  header.writeUInt16LE(targetInfo.length, 40);
  header.writeUInt16LE(targetInfo.length, 42);
  header.writeUInt32LE(48 + name.length, 44);
  return { message: Buffer.concat([header, name, targetInfo]), pending: { serverChallenge, targetInfo } };
}

/** Checks an AUTHENTICATE message the way a domain controller would: recompute NTProofStr from the NT hash. */
export function verifyAuthenticate(message: Buffer, pending: PendingChallenge): { ok: boolean; user: string; domain: string } {
  const field = (at: number) => message.subarray(message.readUInt32LE(at + 4), message.readUInt32LE(at + 4) + message.readUInt16LE(at));
  if (message.length < 64 || message.readUInt32LE(8) !== 3) return { ok: false, user: '', domain: '' };
  const nt = field(20);
  const domain = field(28).toString('utf16le');
  const name = field(36).toString('utf16le');
  const key = hmac(user.ntHash, Buffer.from(name.toUpperCase() + domain, 'utf16le'));
  const blob = nt.subarray(16);
  const proof = hmac(key, pending.serverChallenge, blob);
  const known = (name.toLowerCase() === user.name && domain.toUpperCase() === user.domain) || (name.toLowerCase() === user.email && domain === '');
  return { ok: known && nt.length > 16 && proof.equals(nt.subarray(0, 16)) && blob.includes(pending.targetInfo), user: name, domain };
}

// --- the endpoint ---

export type Operation = 'GetFolder' | 'CreateItem';

export interface EwsScript {
  /** Challenges of the 401, one header each (`Negotiate`, `NTLM`, `Basic realm="…"`, `Bearer …`). */
  readonly challenges: readonly string[];
  /** Extra headers on every answer (`X-FEServer`, `X-OWA-Version`, …). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Answers every NTLM AUTHENTICATE with 401, as Extended Protection does for a client without channel binding. */
  readonly rejectNtlm?: boolean;
  /** The SOAP answer to a signed-in request. */
  readonly answer?: (op: Operation, body: string) => { readonly status: number; readonly xml: string };
}

const defaultAnswer = (op: Operation) => ({ status: 200, xml: soapEnvelope(responseMessage(op, 'NoError')) });

/** What the endpoint saw: which schemes signed in, and the NTLM identities. */
export interface EwsLog {
  readonly signedIn: string[];
  readonly ntlmUsers: string[];
  readonly authorization: string[];
}

export function ewsEndpoint(script: EwsScript): { handler: Handler; log: EwsLog } {
  const pending = new WeakMap<Socket, PendingChallenge>();
  const log: EwsLog = { signedIn: [], ntlmUsers: [], authorization: [] };
  const offers = (scheme: string) => script.challenges.some((c) => c.toLowerCase().startsWith(scheme.toLowerCase()));
  const handler: Handler = (req, res) => {
    for (const [k, v] of Object.entries(script.headers ?? {})) res.setHeader(k, v);
    res.setHeader('X-Powered-By', 'ASP.NET');
    const deny = (challenges: readonly string[] = script.challenges) => {
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', [...challenges]);
      res.setHeader('Content-Type', 'text/html');
      res.end('<html><body>401 - Unauthorized</body></html>');
    };
    const answer = (scheme: string) => {
      log.signedIn.push(scheme);
      const op: Operation = /CreateItem/.test(req.body) ? 'CreateItem' : 'GetFolder';
      const { status, xml } = (script.answer ?? defaultAnswer)(op, req.body);
      res.statusCode = status;
      res.setHeader('Content-Type', 'text/xml; charset=utf-8');
      res.end(xml);
    };
    const auth = req.headers.authorization;
    if (!auth) return deny();
    log.authorization.push(auth);
    const [scheme = '', token = ''] = auth.split(' ');
    if (/^(ntlm|negotiate)$/i.test(scheme) && (offers('NTLM') || offers('Negotiate'))) {
      const message = Buffer.from(token, 'base64');
      const type = message.length >= 12 ? message.readUInt32LE(8) : 0;
      if (type === 1) {
        const { message: challenge, pending: p } = challengeMessage();
        pending.set(req.socket, p);
        return deny([`${scheme} ${challenge.toString('base64')}`]);
      }
      const p = pending.get(req.socket);
      pending.delete(req.socket);
      if (type !== 3 || !p) return deny();
      const verdict = verifyAuthenticate(message, p);
      log.ntlmUsers.push(`${verdict.domain}\\${verdict.user}`);
      if (!verdict.ok || script.rejectNtlm) return deny();
      return answer('NTLM');
    }
    if (/^basic$/i.test(scheme) && offers('Basic')) {
      const [name, ...rest] = Buffer.from(token, 'base64').toString('utf8').split(':');
      const password = rest.join(':');
      const known = [user.email, `${user.domain}\\${user.name}`].includes(name ?? '');
      if (known && password === user.password) return answer('Basic');
    }
    return deny();
  };
  return { handler, log };
}

/** Headers of an on-premises Exchange 2016 answer. */
export const exchangeHeaders = { Server: 'Microsoft-IIS/10.0', 'X-FEServer': 'EXSRV01', 'request-id': '5f0c7c1e-0000-4000-8000-000000000000' };
