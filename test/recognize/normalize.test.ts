import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize, withoutAddresses } from '../../src/recognize/normalize.ts';

describe('tokenize', () => {
  it('folds case, umlauts and compatibility characters', () => {
    expect(tokenize('Verknüpfung UNGÜLTIG ﬁle ㌖')).toEqual(['verknuepfung', 'ungueltig', 'file', 'キロメートル']);
  });

  it('cuts the folded text too: compatibility characters cannot expand past the bound', () => {
    // 10 characters of ㌖ fold to 60 letters; with a bound of 10 only 10 of them remain.
    expect(tokenize('㌖'.repeat(10), 10).join('')).toHaveLength(10);
    expect(tokenize('\uFDFA'.repeat(1000), 100).join('').length).toBeLessThanOrEqual(100);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (text, max) => {
        expect(tokenize(text, max).join('').length).toBeLessThanOrEqual(max);
      }),
    );
  });
});

describe('withoutAddresses', () => {
  const words = (text: string) => tokenize(withoutAddresses(text));

  it.each([
    ['The request failed https://mail.example.com/EWS/Exchange.asmx (401)', ['the', 'request', 'failed', '401']],
    ['Login for anna@contoso.de failed', ['login', 'for', 'failed']],
    ['host mail.example.com, not found', ['host', 'not', 'found']],
    ['Version 14.2 (Build 247.5) ok', ['version', '14', '2', 'build', '247', '5', 'ok']],
    ['(see:https://x.y/z) Unauthorized', ['see', 'unauthorized']],
    ['exchange-url.example.com ist ungültig', ['ist', 'ungueltig']],
    ['Exchange-URL ist ungültig', ['exchange', 'url', 'ist', 'ungueltig']],
  ])('%s', (text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it('keeps every word that is no URL, address or dotted name', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-zäöü]{1,12}$/), { maxLength: 20 }), (list) => {
        expect(words(list.join(' '))).toEqual(tokenize(list.join(' ')));
      }),
    );
  });
});
