import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md4 } from '../../src/probe/_md4.ts';
import { authenticateMessage, negotiateMessage, ntlmv2Responses, ntowfv2, parseChallengeMessage, splitUsername } from '../../src/probe/ntlm.ts';
import { user, verifyAuthenticate } from './_ews.ts';

const hex = (b: Buffer) => b.toString('hex');

describe('MD4 (RFC 1320)', () => {
  it.each([
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['1234567890'.repeat(8), 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ])('MD4(%j)', (input, digest) => {
    expect(hex(md4(Buffer.from(input)))).toBe(digest);
  });

  it('the NT hash of the test password matches OpenSSL (the test server starts from it)', () => {
    expect(md4(Buffer.from(user.password, 'utf16le')).equals(user.ntHash)).toBe(true);
  });

  // Lengths around the 55/56/64-byte padding edges, compared with OpenSSL's legacy MD4 where it is installed.
  const openssl = (() => {
    try {
      execFileSync('openssl', ['dgst', '-md4', '-provider', 'legacy', '-provider', 'default'], { input: 'x', stdio: ['pipe', 'pipe', 'ignore'] });
      return true;
    } catch {
      return false;
    }
  })();
  it.runIf(openssl)('agrees with OpenSSL on lengths 0–130 (the padding edges at 55, 56 and 64 bytes)', () => {
    for (let n = 0; n <= 130; n += n < 50 || n > 70 ? 7 : 1) {
      const input = randomBytes(n);
      const theirs = execFileSync('openssl', ['dgst', '-md4', '-provider', 'legacy', '-provider', 'default', '-r'], { input, encoding: 'utf8' }).split(' ')[0];
      expect(hex(md4(input)), `length ${n}`).toBe(theirs);
    }
  });
});

describe('NTLMv2 (MS-NLMP 4.2.4 test vectors)', () => {
  const serverChallenge = Buffer.from('0123456789abcdef', 'hex');
  const clientChallenge = Buffer.from('aaaaaaaaaaaaaaaa', 'hex');
  const time = Buffer.alloc(8);
  const av = (id: number, text: string) => {
    const v = Buffer.from(text, 'utf16le');
    const h = Buffer.alloc(4);
    h.writeUInt16LE(id, 0);
    h.writeUInt16LE(v.length, 2);
    return Buffer.concat([h, v]);
  };
  const targetInfo = Buffer.concat([av(2, 'Domain'), av(1, 'Server'), Buffer.alloc(4)]);

  it('NTOWFv2("Password", "User", "Domain")', () => {
    expect(hex(ntowfv2('Password', 'User', 'Domain'))).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });

  it('LMv2 response and NTProofStr', () => {
    const r = ntlmv2Responses({ flags: 0, serverChallenge, targetInfo }, { user: 'User', domain: 'Domain', password: 'Password' }, clientChallenge, time);
    expect(hex(r.lm)).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    expect(hex(r.nt.subarray(0, 16))).toBe('68cd0ab851e51c96aabc927bebef6a1c');
  });
});

describe('NTLM messages', () => {
  it('NEGOTIATE is a 32-byte type 1 message asking for NTLM and Unicode', () => {
    const m = negotiateMessage();
    expect(m.subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
    expect(m.readUInt32LE(8)).toBe(1);
    expect(m.readUInt32LE(12) & 0x201).toBe(0x201);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['short', Buffer.from('NTLMSSP\0')],
    ['type 1 instead of 2', negotiateMessage()],
    ['target info pointing outside', (() => {
      const b = Buffer.alloc(48);
      b.write('NTLMSSP\0', 0, 'latin1');
      b.writeUInt32LE(2, 8);
      b.writeUInt16LE(100, 40);
      b.writeUInt32LE(40, 44);
      return b;
    })()],
    ['random bytes', randomBytes(200)],
  ])('a CHALLENGE parser that refuses %s', (_label, buf) => {
    expect(parseChallengeMessage(buf)).toBeNull();
  });

  it('AUTHENTICATE passes an independent NTLMv2 check (the test server) for DOMAIN\\user and UPN', () => {
    const targetInfo = Buffer.concat([Buffer.from([2, 0, 14, 0]), Buffer.from('EXAMPLE', 'utf16le'), Buffer.alloc(4)]);
    const challenge = { flags: 0xa2898205, serverChallenge: randomBytes(8), targetInfo };
    for (const name of [`${user.domain}\\${user.name}`, user.email]) {
      const { user: u, domain } = splitUsername(name);
      const m = authenticateMessage(challenge, { user: u, domain, password: user.password }, randomBytes(8), Date.now());
      expect(verifyAuthenticate(m, challenge).ok).toBe(true);
      const wrong = authenticateMessage(challenge, { user: u, domain, password: `${user.password}x` }, randomBytes(8), Date.now());
      expect(verifyAuthenticate(wrong, challenge).ok).toBe(false);
    }
  });

  it.each([
    ['EXAMPLE\\jdoe', { user: 'jdoe', domain: 'EXAMPLE' }],
    ['jdoe@example.test', { user: 'jdoe@example.test', domain: '' }],
    ['jdoe', { user: 'jdoe', domain: '' }],
  ])('splitUsername(%j)', (name, parts) => {
    expect(splitUsername(name)).toEqual(parts);
  });
});
