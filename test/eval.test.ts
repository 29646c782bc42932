import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../src/engine/diagnose.ts';
import { loadKnowledgeBase } from '../src/engine/knowledge-base.ts';
import { CorpusError, type Evaluation, evaluateCorpus, rates, readJourneys, readReports, reportRequest, splitOf } from '../src/testing/index.ts';

/**
 * Accuracy on the real corpus, kept from falling: the same evaluation as `npm run eval`, checked against
 * floors a little below the recorded figures (test/corpus/eval-floors.json).
 */
const root = join(import.meta.dirname, '..');
const floors = JSON.parse(readFileSync(join(root, 'test/corpus/eval-floors.json'), 'utf8')) as {
  reportsOnly: { top1: number; top3: number; confirmedPrecision: number; unknownConfirmedAtMost: number };
  all: { top1: number; top3: number; confirmedPrecision: number; unknownConfirmedAtMost: number };
  journeys: { solvedAtLeast: number; meanQuestionsAtMost: number };
};
const kb = loadKnowledgeBase(undefined, { cacheSize: 0 });
const corpora = readReports(join(root, 'test/corpus/real'), 'test/corpus/real');
let evaluation: Evaluation;

beforeAll(async () => {
  evaluation = await evaluateCorpus(kb, corpora, readJourneys(join(root, 'test/corpus/journeys/journeys.yaml')), splitOf);
}, 120_000);

describe('the real corpus', () => {
  const reports = [...corpora.values()].flat();

  it('holds at least 150 real reports (30 of them German) besides message-table entries, each with its source', () => {
    const people = reports.filter((r) => r.kind === 'report');
    expect(people.length).toBeGreaterThanOrEqual(150);
    expect(reports.filter((r) => r.lang === 'de').length).toBeGreaterThanOrEqual(30);
    for (const r of reports) expect(r.source, r.id).toMatch(/^https:\/\/\S+$/);
  });

  it('names only causes the knowledge base has, and facts of its catalogue', async () => {
    for (const r of reports) {
      if (r.cause) expect(kb.causes.has(r.cause), `${r.id}: ${r.cause}`).toBe(true);
      const result = await diagnose(kb, reportRequest(r));
      expect(result.warnings.filter((w) => w.code === 'FACT_UNKNOWN' || w.code === 'FACT_DERIVED').map((w) => w.field), r.id).toEqual([]);
    }
  });

  it('keeps a quarter of the reports out of tuning, the same quarter every run', () => {
    const held = reports.filter((r) => splitOf(r) === 'holdout');
    expect(held.length / reports.length).toBeGreaterThan(0.15);
    expect(reports.filter((r) => splitOf(r) === 'holdout').map((r) => r.id)).toEqual(held.map((r) => r.id));
  });
});

describe('accuracy does not fall below the recorded floors', () => {
  it('real reports: top-1, top-3, precision of "confirmed", unknown-cause reports confirmed', () => {
    const r = rates(evaluation.reportsOnly);
    expect(r.top1).toBeGreaterThanOrEqual(floors.reportsOnly.top1);
    expect(r.top3).toBeGreaterThanOrEqual(floors.reportsOnly.top3);
    expect(r.confirmedPrecision).toBeGreaterThanOrEqual(floors.reportsOnly.confirmedPrecision);
    expect(r.unknownConfirmed).toBeLessThanOrEqual(floors.reportsOnly.unknownConfirmedAtMost);
  });

  it('the whole corpus, message tables included', () => {
    const r = rates(evaluation.overall);
    expect(r.top1).toBeGreaterThanOrEqual(floors.all.top1);
    expect(r.top3).toBeGreaterThanOrEqual(floors.all.top3);
    expect(r.confirmedPrecision).toBeGreaterThanOrEqual(floors.all.confirmedPrecision);
    expect(r.unknownConfirmed).toBeLessThanOrEqual(floors.all.unknownConfirmedAtMost);
    expect(evaluation.overall.errors).toBe(0);
  });

  it('support cases from the bare message end confirmed and right, with few questions to a person', () => {
    const j = evaluation.journeys;
    expect(j.solved).toBeGreaterThanOrEqual(floors.journeys.solvedAtLeast);
    expect(j.meanQuestions).toBeLessThanOrEqual(floors.journeys.meanQuestionsAtMost);
    expect(j.stoppedEarly).toBe(0);
  });
});

describe('reading a corpus file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-corpus-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['broken YAML', 'reports:\n  - id: a\n   source: x\n', /bad\.yaml:\d+:\d+/],
    ['a report without a source', 'reports:\n  - { id: a, kind: report, lang: en, client: x, message: m, evidence: e, cause: url-malformed }\n', /bad\.yaml:2:\d+ .*source/],
    ['a report with both a cause and an unknown cause', 'reports:\n  - { id: a, source: "https://x.example/1", kind: report, lang: en, client: x, message: m, evidence: e, cause: url-malformed, unknownCause: other }\n', /bad\.yaml:2:\d+/],
    ['an http source', 'reports:\n  - { id: a, source: "http://x.example/1", kind: report, lang: en, client: x, message: m, evidence: e, cause: url-malformed }\n', /bad\.yaml:2:\d+ .*source/],
  ])('%s is refused with the file, line and column', (_what, text, where) => {
    writeFileSync(join(dir, 'bad.yaml'), text);
    expect(() => readReports(dir, 'corpus')).toThrow(CorpusError);
    expect(() => readReports(dir, 'corpus')).toThrow(where);
  });

  it('an id used in two files is refused', () => {
    const one = 'reports:\n  - { id: same, source: "https://x.example/1", kind: report, lang: en, client: x, message: m, evidence: e, cause: url-malformed }\n';
    writeFileSync(join(dir, 'bad.yaml'), one);
    writeFileSync(join(dir, 'other.yaml'), one);
    expect(() => readReports(dir, 'corpus')).toThrow(/same is used twice/);
  });
});
