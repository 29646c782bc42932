import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { diagnose } from '../../src/engine/diagnose.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import type { FeedbackCount } from '../../src/feedback/index.ts';
import { validateAgainst } from '../../src/kb/schema-validator.ts';
import { readKnowledgeBase } from '../../src/kb/load.ts';
import { defaultLearning, learnPrior, learnPriors, priorPatch } from '../../src/learn/index.ts';
import { describePrior } from '../../src/render/prior.ts';
import { resultToMarkdown } from '../../src/render/result.ts';
import { copyKb } from '../kb/_fixture.ts';

const kb = loadKnowledgeBase();
const settings = defaultLearning;
const solvedTimes = (n: number, cause = 'needs-app-password', symptom: string | null = 'unauthorized'): FeedbackCount => ({ symptom, cause, solved: n, notSolved: 0 });
const top = async (priors?: ReturnType<typeof learnPriors>) => (await diagnose(kb, { message: 'Unauthorized', lang: 'en' }, priors ? { priors } : {})).causes[0]!.id;

describe('learnPrior: the written prior as Beta pseudo-counts', () => {
  it.each([
    // declared, solved, not solved → learned, bounded
    [0.15, 4, 0, null, false], // fewer reports than minReports: the written prior ranks
    [0.15, 25, 0, 0.45, true], // (3 + 25) / 45 = 0.62, held at 3 × 0.15
    [0.4, 10, 10, 0.45, false], // (8 + 10) / 40
    [0.4, 0, 30, 0.16, false], // (8 + 0) / 50, still above 0.4 / 3
    [0.15, 5, 0, 0.32, false], // exactly minReports: (3 + 5) / 25
  ])('%s with %i solved and %i not solved → %s', (declared, solved, notSolved, learned, bounded) => {
    expect(learnPrior(declared, solved, notSolved, settings)).toEqual({ learned, bounded });
  });

  it('falls to the lower bound under many failures, and reaches at most 1', () => {
    expect(learnPrior(0.3, 0, 500, settings)).toEqual({ learned: 0.1, bounded: true });
    expect(learnPrior(0.9, 500, 0, settings)).toEqual({ learned: 0.9962, bounded: false });
    expect(learnPrior(0.5, 500, 0, { ...settings, maxFactor: 1.5 })).toEqual({ learned: 0.75, bounded: true });
  });

  test.prop([fc.double({ min: 0.01, max: 1, noNaN: true }), fc.nat(10_000), fc.nat(10_000), fc.double({ min: 0.5, max: 1000, noNaN: true }), fc.integer({ min: 1, max: 50 }), fc.double({ min: 1, max: 10, noNaN: true })])(
    'a learned prior stays within maxFactor of the written one and grows with solved reports',
    (declared, solved, notSolved, strength, minReports, maxFactor) => {
      const s = { strength, minReports, maxFactor };
      const r = learnPrior(declared, solved, notSolved, s);
      if (solved + notSolved < minReports) {
        expect(r.learned).toBeNull();
        return;
      }
      expect(r.learned!).toBeGreaterThanOrEqual(Math.round((declared / maxFactor) * 10_000) / 10_000 - 1e-4);
      expect(r.learned!).toBeLessThanOrEqual(Math.min(1, declared * maxFactor) + 1e-4);
      expect(learnPrior(declared, solved + 1, notSolved, s).learned!).toBeGreaterThanOrEqual(r.learned!);
    },
  );
});

describe('learnPriors and diagnose(kb, request, { priors })', () => {
  it('25 "solved" reports move a cause to the top of its symptom; without priors nothing changes', async () => {
    const before = await diagnose(kb, { message: 'Unauthorized', lang: 'en' });
    expect(before.causes[0]!.id).not.toBe('needs-app-password');
    expect(before.causes.every((c) => c.prior === undefined)).toBe(true);

    const priors = learnPriors(kb, [solvedTimes(25)]);
    const after = await diagnose(kb, { message: 'Unauthorized', lang: 'en' }, { priors });
    expect(validateAgainst('diagnose-result', after)).toEqual([]);
    expect(after.causes[0]!.id).toBe('needs-app-password');
    expect(after.causes[0]!.prior).toEqual({ declared: 0.15, learned: 0.45, solved: 25, notSolved: 0, bounded: true });
    // Every other cause carries its prior as data too, unlearned.
    const other = after.causes.find((c) => c.id === 'credentials-wrong')!;
    expect(other.prior).toEqual({ declared: 0.4, learned: null, solved: 0, notSolved: 0, bounded: false });
    // The same request without priors still gives the written ranking (the cache keeps them apart).
    expect(await diagnose(kb, { message: 'Unauthorized', lang: 'en' })).toEqual(before);
  });

  it('counts under one symptom do not steer another; counts without a symptom steer the written prior', async () => {
    const priors = learnPriors(kb, [solvedTimes(25, 'cert-name-mismatch', 'url-invalid'), { symptom: null, cause: 'cert-name-mismatch', solved: 0, notSolved: 60 }]);
    expect(priors.get('url-invalid', 'cert-name-mismatch')).toMatchObject({ declared: 0.25, learned: 0.6667, solved: 25 });
    expect(priors.get('connect-failed', 'cert-name-mismatch')).toMatchObject({ declared: 0.25, learned: null, solved: 0 });
    expect(priors.get(null, 'cert-name-mismatch')).toMatchObject({ declared: 0.25, learned: 0.0833, notSolved: 60, bounded: true });
    expect(priors.reports).toBe(85);
  });

  it('ignores feedback on ids the knowledge base no longer has, and changes its version only with the counts', () => {
    const a = learnPriors(kb, [solvedTimes(25)]);
    const b = learnPriors(kb, [solvedTimes(25), solvedTimes(9, 'a-removed-cause'), solvedTimes(9, 'needs-app-password', 'a-removed-symptom')]);
    expect(b.version).toBe(a.version);
    expect(b.reports).toBe(25);
    expect(b.get('a-removed-symptom', 'needs-app-password')).toBeUndefined();
    expect(b.get('unauthorized', 'a-removed-cause')).toBeUndefined();
    expect(learnPriors(kb, [solvedTimes(26)]).version).not.toBe(a.version);
    // Each symptom lists its own causes; a cause reported for a symptom it does not list comes after them.
    const c = learnPriors(kb, [solvedTimes(6, 'send-as-permission-missing', 'unauthorized')]);
    const unauthorized = c.entries.filter((e) => e.symptom === 'unauthorized').map((e) => e.cause);
    expect(unauthorized).toEqual([...kb.bySymptom.get('unauthorized')!.map((x) => x.decl.id), 'send-as-permission-missing']);
  });

  it('the renderer words a learned prior in both languages', async () => {
    const priors = learnPriors(kb, [{ symptom: 'unauthorized', cause: 'needs-app-password', solved: 25, notSolved: 6 }, { symptom: 'unauthorized', cause: 'credentials-wrong', solved: 1, notSolved: 1 }]);
    expect(describePrior(priors.get('unauthorized', 'needs-app-password'), 'en')).toBe(
      'Learned from feedback: this cause solved 25 of 31 reported cases (prior 0.15 as written, now 0.45, as far as it may move).',
    );
    expect(describePrior(priors.get('unauthorized', 'needs-app-password'), 'de')).toContain('hat 25 von 31 gemeldeten Fällen gelöst (Ausgangswert 0,15');
    expect(describePrior(priors.get('unauthorized', 'credentials-wrong'), 'en')).toMatch(/only 2 reported case\(s\) so far/);
    expect(describePrior(priors.get('unauthorized', 'ews-access-blocked'), 'en')).toBeNull();
    const md = resultToMarkdown(await diagnose(kb, { message: 'Nicht autorisiert', lang: 'de' }, { priors }));
    expect(md).toContain('Diese Ursache hat 25 von 31 gemeldeten Fällen gelöst');
  });
});

describe('priorPatch: YAML a writer can adopt', () => {
  it('names the file and fields of each moved cause; adopted in a copy, lint passes and the written ranking follows', async () => {
    const priors = learnPriors(kb, [solvedTimes(25), { symptom: null, cause: 'cert-name-mismatch', solved: 2, notSolved: 30 }, solvedTimes(3, 'credentials-wrong')]);
    const patch = parse(priorPatch(kb, priors)) as Record<string, { id: string; prior?: number; priorBySymptom?: Record<string, number> }[]>;
    expect(patch['rules/causes/auth.yaml']).toEqual([{ id: 'needs-app-password', priorBySymptom: { unauthorized: 0.45 } }]);
    expect(patch['rules/causes/network.yaml']).toEqual([{ id: 'cert-name-mismatch', prior: 0.13 }]);
    expect(priorPatch(kb, priors)).toContain('# was 0.15; solved 25 of 25 reported cases; held at the bound');
    expect(priorPatch(kb, priors, 'de')).toContain('# bisher 0.15; hat 25 von 25 gemeldeten Fällen gelöst');

    const copy = copyKb();
    try {
      // Adopt the patch the way a writer would: the fields it names, in the files it names.
      for (const [file, causes] of Object.entries(patch)) {
        const path = join(copy.dir, file);
        const doc = parseDocument(readFileSync(path, 'utf8'));
        const ids = (doc.toJS() as { causes: { id: string }[] }).causes.map((c) => c.id);
        for (const { id, ...fields } of causes) {
          for (const [field, value] of Object.entries(fields)) doc.setIn(['causes', ids.indexOf(id), field], value);
        }
        writeFileSync(path, doc.toString());
      }
      const { data, diagnostics } = readKnowledgeBase(copy.dir);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const adopted = loadKnowledgeBase(copy.dir);
      expect((await diagnose(adopted, { message: 'Unauthorized' })).causes[0]!.id).toBe('needs-app-password');
      expect(data!.causes.find((c) => c.id === 'cert-name-mismatch')!.prior).toBe(0.13);
    } finally {
      copy.cleanup();
    }
  });

  it('is an empty mapping when nothing moved, and leaves out what cannot be written', () => {
    expect(parse(priorPatch(kb, learnPriors(kb, [])))).toEqual({});
    // send-as-permission-missing does not list "unauthorized": its priorBySymptom may not name it.
    expect(parse(priorPatch(kb, learnPriors(kb, [solvedTimes(30, 'send-as-permission-missing')])))).toEqual({});
  });
});

describe('rules/kb.yaml learning settings', () => {
  it('are read from the knowledge base, with defaults', async () => {
    expect(learnPriors(kb, []).settings).toEqual(kb.data.settings.learning ?? defaultLearning);
    expect(await top()).not.toBe('needs-app-password');
  });
});
