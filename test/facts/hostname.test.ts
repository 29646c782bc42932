import { describe, expect, it } from 'vitest';
import { certNameCovers, certificateCoversHost, normalizeHost } from '../../src/facts/hostname.ts';

describe('certificate names against the host (RFC 6125)', () => {
  it.each([
    ['mail.example.com', 'mail.example.com', true],
    ['MAIL.Example.COM', 'mail.example.com', true],
    ['*.example.com', 'mail.example.com', true],
    ['*.example.com', 'mail.eu.example.com', false],
    ['*.example.com', 'example.com', false],
    ['*.com', 'example.com', false],
    ['mail.example.com', 'webmail.example.com', false],
    ['m*.example.com', 'mail.example.com', false],
    ['*.example.com', '10.0.0.1', false],
    ['xn--bcher-kva.example', 'bücher.example', true],
    ['*.xn--bcher-kva.example', 'mail.bücher.example', true],
    ['mail.example.com.', 'mail.example.com', true],
    ['', 'mail.example.com', false],
  ])('%s covers %s: %s', (pattern, host, expected) => {
    expect(certNameCovers(pattern, host)).toBe(expected);
  });

  it('subjectAltNames decide; the CN counts only without them', () => {
    expect(certificateCoversHost(['other.example.com'], 'mail.example.com', 'mail.example.com')).toBe(false);
    expect(certificateCoversHost([], 'mail.example.com', 'mail.example.com')).toBe(true);
    expect(certificateCoversHost([], undefined, 'mail.example.com')).toBe(false);
  });

  it('an IP host matches only an IP subjectAltName, in any spelling, never a DNS name or the CN', () => {
    expect(certificateCoversHost(['localhost', '127.0.0.1'], 'localhost', '127.0.0.1')).toBe(true);
    expect(certificateCoversHost(['localhost'], 'localhost', '127.0.0.1')).toBe(false);
    expect(certificateCoversHost([], '127.0.0.1', '127.0.0.1')).toBe(false);
    expect(certificateCoversHost(['0:0:0:0:0:0:0:1'], undefined, '::1')).toBe(true);
    expect(certificateCoversHost(['2001:DB8::1'], undefined, '[2001:db8:0::1]')).toBe(true);
    expect(certificateCoversHost(['::1'], undefined, '127.0.0.1')).toBe(false);
  });

  it('IP subjectAltNames do not count as DNS names: a certificate with only IP entries falls back to the CN', () => {
    expect(certificateCoversHost(['10.0.0.1'], 'mail.example.com', 'mail.example.com')).toBe(true);
    expect(certificateCoversHost(['10.0.0.1', 'other.example.com'], 'mail.example.com', 'mail.example.com')).toBe(false);
  });

  it('does not choke on hostile names', () => {
    expect(normalizeHost('a'.repeat(300))).toBeNull();
    expect(certNameCovers('*.'.repeat(1000), 'mail.example.com')).toBe(false);
    expect(certNameCovers('\u0000\u202e', 'mail.example.com')).toBe(false);
  });
});
