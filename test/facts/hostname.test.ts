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

  it('does not choke on hostile names', () => {
    expect(normalizeHost('a'.repeat(300))).toBeNull();
    expect(certNameCovers('*.'.repeat(1000), 'mail.example.com')).toBe(false);
    expect(certNameCovers('\u0000\u202e', 'mail.example.com')).toBe(false);
  });
});
