/** Rule tests for content writers: run cases, compare with expectations, measure coverage. */
export { checkExpectations, type Mismatch } from './expectations.ts';
export { runTests, requestOf, type CaseResult, type LocatedTest } from './runner.ts';
export { measureCoverage, type CoverageReport, type CoverageItem } from './coverage.ts';
export { renderResults, renderFailure, renderCoverage, belowMinimum } from './report.ts';
export { evaluateCorpus, figures, playJourney, questionCost, rates, reportRequest, scoreReport, type EvaluatedReport, type Evaluation, type Figures, type Journey, type JourneyOutcome, type RealReport, type ReportOutcome } from './eval.ts';
export { CorpusError, readJourneys, readReports, splitOf } from './corpus.ts';
