import { describe, expect, it } from 'vitest';
import { deriveFacts, usernameFormat } from '../../src/facts/derive.ts';
import { fillUrlTemplate, hostOf, parseFormUrl } from '../../src/facts/url.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';

const kb = loadKnowledgeBase();
const derived = (facts: Record<string, string | boolean | number | string[]>) => deriveFacts(kb.data.facts.values(), facts);

describe('URL facts derived from what was typed', () => {
  it.each([
    ['https://mail.example.com/EWS/Exchange.asmx', { urlValid: true, urlIsHttps: true, urlIsEwsEndpoint: true, urlIsOwa: false, urlHost: 'mail.example.com' }],
    ['https://mail.example.com/ews/exchange.asmx', { urlIsEwsEndpoint: true }],
    ['HTTPS://MAIL.EXAMPLE.COM/EWS/EXCHANGE.ASMX', { urlIsEwsEndpoint: true, urlHost: 'mail.example.com' }],
    ['https://mail.example.com:8443/EWS/Exchange.asmx', { urlIsEwsEndpoint: true, suggestedEwsUrl: 'https://mail.example.com/EWS/Exchange.asmx' }],
    ['https://mail.example.com/owa/', { urlIsEwsEndpoint: false, urlIsOwa: true, suggestedEwsUrl: 'https://mail.example.com/EWS/Exchange.asmx' }],
    ['https://mail.example.com/home', { urlIsOwa: true }],
    ['http://mail.example.com/EWS/Exchange.asmx', { urlValid: true, urlIsHttps: false }],
    ['mail.example.com/owa', { urlValid: false, urlIsHttps: false, urlHost: 'mail.example.com', suggestedEwsUrl: 'https://mail.example.com/EWS/Exchange.asmx' }],
    ['https://bücher.example/EWS/Exchange.asmx', { urlValid: true, urlHost: 'xn--bcher-kva.example' }],
    ['  "https://mail.example.com/EWS/Exchange.asmx"  ', { urlValid: true }],
    ['https://mail example.com/EWS', { urlValid: false }],
    ['ftp://mail.example.com/EWS/Exchange.asmx', { urlValid: false }],
    ['javascript:alert(1)', { urlValid: false }],
    ['https://', { urlValid: false }],
    ['garbage', { urlValid: false }],
    ['https://[::1]:8443/EWS/Exchange.asmx', { urlValid: true, urlIsEwsEndpoint: true, urlHost: '::1' }],
    ['https://[2001:DB8::1]/owa/', { urlValid: true, urlIsOwa: true, urlHost: '2001:db8::1', suggestedEwsUrl: 'https://[2001:db8::1]/EWS/Exchange.asmx' }],
    ['https://[::ffff:127.0.0.1]/EWS/Exchange.asmx', { urlValid: true, urlHost: '::ffff:7f00:1' }],
    ['https://[::1/EWS/Exchange.asmx', { urlValid: false, urlIsHttps: true }],
    // An internal host with an underscore (seen in a real report) is a usable address, not a typo.
    ['https://my_proxy:1234/EWS/Exchange.asmx', { urlValid: true, urlIsHttps: true, urlHost: 'my_proxy', urlIsEwsEndpoint: true }],
    ['https://mail example.com/EWS', { urlValid: false, urlIsHttps: true }],
  ])('%j', (url, expected) => {
    expect(derived({ url })).toMatchObject(expected);
  });

  it('survives hostile input', () => {
    expect(parseFormUrl('https://' + 'a'.repeat(5000) + '.com/')).toBeNull();
    expect(parseFormUrl('\u0000https://x.com')).toBeNull();
    expect(hostOf('%%%')).toBeNull();
    expect(fillUrlTemplate('https://{host}/EWS/Exchange.asmx', 'not a url')).toBeNull();
  });
});

describe('the form of the user name', () => {
  it.each([
    ['EXAMPLE\\jdoe', 'domain-backslash'],
    ['jdoe@example.com', 'upn'],
    ['jdoe', 'plain'],
    ['', 'none'],
    ['   ', 'none'],
    ['EXAMPLE\\\\jdoe', 'plain'],
    ['a\\b\\c', 'plain'],
    ['jdoe@', 'plain'],
  ])('%j is %s', (username, form) => {
    expect(usernameFormat(username)).toBe(form);
  });
});

describe('Exchange Online from platform, build or host', () => {
  it.each([
    [{ platform: 'exchange-online' }, true],
    // The Microsoft 365 host outweighs the user's answer; a measured build outweighs both.
    [{ platform: 'on-premises', url: 'https://outlook.office365.com/EWS/Exchange.asmx' }, true],
    [{ platform: 'exchange-online', url: 'https://mail.example.com/EWS/Exchange.asmx' }, true],
    [{ url: 'https://outlook.office365.com/EWS/Exchange.asmx', serverVersion: '15.2.1118.7' }, false],
    [{ url: 'https://outlook.office365.com/EWS/Exchange.asmx' }, true],
    [{ url: 'https://mail.example.com/EWS/Exchange.asmx' }, false],
    [{ serverVersion: '15.20.8699.20' }, true],
    [{ url: 'https://evil-outlook.office365.com.example.net/EWS/Exchange.asmx' }, false],
  ])('%j → %s', (facts, expected) => {
    expect(derived(facts)['isExchangeOnline']).toBe(expected);
  });
  it('stays unknown with nothing to go on', () => {
    expect(derived({})['isExchangeOnline']).toBeUndefined();
  });
});

describe('certificate match derived from observed names', () => {
  it('uses subjectAltNames, then CN, and stays unknown without a certificate', () => {
    expect(derived({ url: 'https://mail.example.com/EWS/Exchange.asmx', certNames: ['*.example.com'] })['certMatchesHost']).toBe(true);
    expect(derived({ url: 'https://mail.example.com/EWS/Exchange.asmx', certNames: ['autodiscover.example.com'], certSubjectCN: 'mail.example.com' })['certMatchesHost']).toBe(false);
    expect(derived({ url: 'https://mail.example.com/EWS/Exchange.asmx' })['certMatchesHost']).toBeUndefined();
  });
});
