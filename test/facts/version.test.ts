import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion } from '../../src/facts/version.ts';
import { deriveFacts } from '../../src/facts/derive.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';

const kb = loadKnowledgeBase();
const supported = (v: string) => deriveFacts(kb.data.facts.values(), { serverVersion: v })['serverVersionSupported'];
const online = (v: string) => deriveFacts(kb.data.facts.values(), { serverVersion: v })['isExchangeOnline'];

describe('parseVersion', () => {
  it.each([
    ['14.2.247.5', [14, 2, 247, 5]],
    ['14.02.0247.005', [14, 2, 247, 5]],
    ['Version 14.3 (Build 123.4)', [14, 3, 123, 4]],
    ['  15.2.1118.7 ', [15, 2, 1118, 7]],
    ['15.2', [15, 2, 0, 0]],
    ['6.5.7638.1', [6, 5, 7638, 1]],
  ])('reads %s', (text, expected) => {
    expect(parseVersion(text)).toEqual(expected);
  });

  it.each(['Exchange2010_SP2', 'V2_68', 'V2017_07_11', '', '15', 'abc.def', '1.2.3.4.5', '15.2.x', `${'9'.repeat(200)}.1`, '-1.2.3.4'])(
    'does not read %j as a build',
    (text) => {
      expect(parseVersion(text)).toBeNull();
    },
  );

  it('rejects non-strings', () => {
    for (const v of [null, undefined, 14.2, {}, ['14.2.247.5']]) expect(parseVersion(v)).toBeNull();
  });
});

describe('Exchange 2010 SP2 threshold (14.2.247.5), all four numbers compared', () => {
  it.each([
    ['6.5.7638.1', false],
    ['8.3.83.6', false],
    ['14.1.218.15', false],
    ['14.2.247.4', false],
    ['14.2.247.5', true],
    ['14.02.0247.005', true],
    ['Version 14.3 (Build 123.4)', true],
    ['15.2.1118.7', true],
    ['15.20.7409.0', true],
  ])('%s supported: %s', (v, expected) => {
    expect(supported(v)).toBe(expected);
  });

  it('15.20 is Exchange Online (minor 20, not 2); 15.2 is not', () => {
    expect(online('15.20.7409.0')).toBe(true);
    expect(online('15.2.1118.7')).toBe(false);
    expect(compareVersions(parseVersion('15.20.0.0')!, parseVersion('15.2.9999.9')!)).toBeGreaterThan(0);
  });

  it('a schema name gives no verdict rather than a wrong one', () => {
    expect(supported('Exchange2010_SP2')).toBeUndefined();
  });
});
