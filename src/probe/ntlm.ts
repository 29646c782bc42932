import { createHmac } from 'node:crypto';
import { md4 } from './_md4.ts';

/**
 * NTLMv2 over HTTP (MS-NLMP): NEGOTIATE → CHALLENGE → AUTHENTICATE, the messages only; the HTTP
 * exchange lives in the EWS step. No signing, sealing or channel binding: a CRM's EWS client sends
 * none either, so a server with Extended Protection answers the probe with 401 just as it answers the CRM.
 */

const signature = Buffer.from('NTLMSSP\0', 'latin1');

// Negotiate flags (MS-NLMP 2.2.2.5).
const UNICODE = 0x00000001;
const OEM = 0x00000002;
const REQUEST_TARGET = 0x00000004;
const NTLM = 0x00000200;
const ALWAYS_SIGN = 0x00008000;
const EXTENDED_SESSIONSECURITY = 0x00080000;
const TARGET_INFO = 0x00800000;
const NEGOTIATE_128 = 0x20000000;
const NEGOTIATE_56 = 0x80000000;

const negotiateFlags = (UNICODE | OEM | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | TARGET_INFO | NEGOTIATE_128 | NEGOTIATE_56) >>> 0;

/** The NEGOTIATE message (type 1): flags only, no domain or workstation. */
export function negotiateMessage(): Buffer {
  const m = Buffer.alloc(32);
  signature.copy(m, 0);
  m.writeUInt32LE(1, 8);
  m.writeUInt32LE(negotiateFlags, 12);
  return m; // domain and workstation fields stay zero (empty, offset 0)
}

export interface ChallengeMessage {
  readonly flags: number;
  readonly serverChallenge: Buffer;
  readonly targetInfo: Buffer;
  /** AV pairs worth reporting: the server's NetBIOS and DNS names. */
  readonly netbiosDomain?: string;
  readonly netbiosComputer?: string;
  readonly dnsDomain?: string;
  /** MsvAvTimestamp (FILETIME, 8 bytes), used in the response when present. */
  readonly timestamp?: Buffer;
}

/** Reads a security buffer (length, max length, offset) and checks that it lies inside the message. */
function field(m: Buffer, at: number): Buffer | null {
  if (at + 8 > m.length) return null;
  const length = m.readUInt16LE(at);
  const offset = m.readUInt32LE(at + 4);
  if (length === 0) return Buffer.alloc(0);
  if (offset + length > m.length) return null;
  return m.subarray(offset, offset + length);
}

/** Parses a CHALLENGE message (type 2); null when it is not one or its fields point outside it. */
export function parseChallengeMessage(m: Buffer): ChallengeMessage | null {
  if (m.length < 32 || !m.subarray(0, 8).equals(signature) || m.readUInt32LE(8) !== 2) return null;
  const flags = m.readUInt32LE(20);
  const serverChallenge = Buffer.from(m.subarray(24, 32));
  const targetInfo = m.length >= 48 ? field(m, 40) : Buffer.alloc(0);
  if (targetInfo === null) return null;
  const out: { -readonly [K in keyof ChallengeMessage]: ChallengeMessage[K] } = { flags, serverChallenge, targetInfo: Buffer.from(targetInfo) };
  for (let i = 0; i + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(i);
    const len = targetInfo.readUInt16LE(i + 2);
    const value = targetInfo.subarray(i + 4, i + 4 + len);
    if (id === 0 || value.length < len) break;
    const text = () => value.toString('utf16le').slice(0, 100);
    if (id === 1) out.netbiosComputer = text();
    else if (id === 2) out.netbiosDomain = text();
    else if (id === 4) out.dnsDomain = text();
    else if (id === 7 && len === 8) out.timestamp = Buffer.from(value);
    i += 4 + len;
  }
  return out;
}

/** `DOMAIN\user` → domain and user; a UPN or plain name goes whole into the user field with no domain. */
export function splitUsername(name: string): { readonly user: string; readonly domain: string } {
  const slash = name.indexOf('\\');
  return slash > 0 ? { user: name.slice(slash + 1), domain: name.slice(0, slash) } : { user: name, domain: '' };
}

const hmacMd5 = (key: Buffer, ...data: Buffer[]) => {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
};

/** NTOWFv2 = HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) + domain)). */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(md4(Buffer.from(password, 'utf16le')), Buffer.from(user.toUpperCase() + domain, 'utf16le'));
}

/** A FILETIME (100 ns since 1601) for a JavaScript time. */
export function fileTime(ms: number): Buffer {
  const t = (BigInt(Math.floor(ms)) + 11_644_473_600_000n) * 10_000n;
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(t);
  return b;
}

export interface NtlmResponses {
  readonly lm: Buffer;
  readonly nt: Buffer;
}

/** The LMv2 and NTLMv2 responses (MS-NLMP 3.3.2) to a server challenge. */
export function ntlmv2Responses(challenge: ChallengeMessage, credentials: { readonly user: string; readonly domain: string; readonly password: string }, clientChallenge: Buffer, time: Buffer): NtlmResponses {
  const key = ntowfv2(credentials.password, credentials.user, credentials.domain);
  const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), time, clientChallenge, Buffer.alloc(4), challenge.targetInfo, Buffer.alloc(4)]);
  const proof = hmacMd5(key, challenge.serverChallenge, temp);
  // With a server timestamp the LM response must be zeros (MS-NLMP 3.1.5.1.2).
  const lm = challenge.timestamp ? Buffer.alloc(24) : Buffer.concat([hmacMd5(key, challenge.serverChallenge, clientChallenge), clientChallenge]);
  return { lm, nt: Buffer.concat([proof, temp]) };
}

/** The AUTHENTICATE message (type 3), with the names in UTF-16LE and no session key. */
export function authenticateMessage(challenge: ChallengeMessage, credentials: { readonly user: string; readonly domain: string; readonly password: string; readonly workstation?: string }, clientChallenge: Buffer, now: number): Buffer {
  const { lm, nt } = ntlmv2Responses(challenge, credentials, clientChallenge, challenge.timestamp ?? fileTime(now));
  const fields = [lm, nt, Buffer.from(credentials.domain, 'utf16le'), Buffer.from(credentials.user, 'utf16le'), Buffer.from(credentials.workstation ?? '', 'utf16le'), Buffer.alloc(0)];
  const header = Buffer.alloc(64);
  signature.copy(header, 0);
  header.writeUInt32LE(3, 8);
  let offset = header.length;
  fields.forEach((f, i) => {
    const at = 12 + i * 8;
    header.writeUInt16LE(f.length, at);
    header.writeUInt16LE(f.length, at + 2);
    header.writeUInt32LE(offset, at + 4);
    offset += f.length;
  });
  header.writeUInt32LE(((negotiateFlags & challenge.flags) | UNICODE | NTLM) >>> 0, 60);
  return Buffer.concat([header, ...fields]);
}

/** The token of an `NTLM <base64>` or `Negotiate <base64>` challenge, if it decodes to a CHALLENGE message. */
export function challengeFromTokens(tokens: readonly (string | undefined)[]): ChallengeMessage | null {
  for (const token of tokens) {
    if (!token) continue;
    const parsed = parseChallengeMessage(Buffer.from(token, 'base64'));
    if (parsed) return parsed;
  }
  return null;
}
