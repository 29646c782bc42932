/**
 * MD4 (RFC 1320). NTLM's NT hash is MD4 of the UTF-16LE password, and Node 20's OpenSSL 3 has MD4 only
 * in its legacy provider (off by default), so the probe carries this small implementation. It is used
 * for NTLM interoperability only, never as a security primitive; tests check it against the RFC's
 * vectors and, where available, OpenSSL's legacy MD4.
 */
export function md4(input: Uint8Array): Buffer {
  const length = input.length;
  const blocks = Math.floor((length + 8) / 64) + 1;
  const x = new Uint32Array(blocks * 16);
  for (let i = 0; i < length; i++) x[i >> 2]! |= input[i]! << ((i % 4) * 8);
  x[length >> 2]! |= 0x80 << ((length % 4) * 8);
  const bits = length * 8;
  x[blocks * 16 - 2] = bits >>> 0;
  x[blocks * 16 - 1] = Math.floor(bits / 0x1_0000_0000) >>> 0;

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const rotl = (v: number, s: number) => (v << s) | (v >>> (32 - s));
  const w = (i: number) => x[i]!;
  for (let o = 0; o < x.length; o += 16) {
    const [aa, bb, cc, dd] = [a, b, c, d];
    for (const k of [0, 4, 8, 12]) {
      a = rotl((a + ((b & c) | (~b & d)) + w(o + k)) | 0, 3);
      d = rotl((d + ((a & b) | (~a & c)) + w(o + k + 1)) | 0, 7);
      c = rotl((c + ((d & a) | (~d & b)) + w(o + k + 2)) | 0, 11);
      b = rotl((b + ((c & d) | (~c & a)) + w(o + k + 3)) | 0, 19);
    }
    for (const k of [0, 1, 2, 3]) {
      a = rotl((a + ((b & c) | (b & d) | (c & d)) + w(o + k) + 0x5a827999) | 0, 3);
      d = rotl((d + ((a & b) | (a & c) | (b & c)) + w(o + k + 4) + 0x5a827999) | 0, 5);
      c = rotl((c + ((d & a) | (d & b) | (a & b)) + w(o + k + 8) + 0x5a827999) | 0, 9);
      b = rotl((b + ((c & d) | (c & a) | (d & a)) + w(o + k + 12) + 0x5a827999) | 0, 13);
    }
    for (const k of [0, 2, 1, 3]) {
      a = rotl((a + (b ^ c ^ d) + w(o + k) + 0x6ed9eba1) | 0, 3);
      d = rotl((d + (a ^ b ^ c) + w(o + k + 8) + 0x6ed9eba1) | 0, 9);
      c = rotl((c + (d ^ a ^ b) + w(o + k + 4) + 0x6ed9eba1) | 0, 11);
      b = rotl((b + (c ^ d ^ a) + w(o + k + 12) + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  out.writeInt32LE(a, 0);
  out.writeInt32LE(b, 4);
  out.writeInt32LE(c, 8);
  out.writeInt32LE(d, 12);
  return out;
}
