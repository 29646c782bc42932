import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAgainst } from '../kb/schema-validator.ts';
import { parseYaml, positionOf } from '../kb/yaml-source.ts';
import type { Journey, RealReport } from './eval.ts';

/** A corpus file that cannot be used: where and why (file:line:col). */
export class CorpusError extends Error {
  override readonly name = 'CorpusError';
}

function readYamlFile(path: string, label: string, schema: 'reports' | 'journeys'): unknown {
  const { source, problems } = parseYaml(label, readFileSync(path, 'utf8'));
  if (!source) throw new CorpusError(`${label}:${problems[0]?.line ?? 1}:${problems[0]?.col ?? 1} ${problems[0]?.message ?? 'unreadable YAML'}`);
  const schemaProblems = validateAgainst(schema, source.data);
  if (schemaProblems.length > 0) {
    const p = schemaProblems[0]!;
    const pos = positionOf(source, p.path, p.key);
    throw new CorpusError(`${label}:${pos.line}:${pos.col} ${p.message}`);
  }
  return source.data;
}

/** A stable pseudo-random quarter of the reports, by id, held out from tuning unless a report says otherwise. */
export function splitOf(report: Pick<RealReport, 'id' | 'split'>): 'dev' | 'holdout' {
  if (report.split) return report.split;
  let h = 2166136261;
  for (const ch of report.id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h % 4 === 0 ? 'holdout' : 'dev';
}

/** The real reports of a folder (`*.yaml`), by corpus name (the file name); ids must be unique across files. */
export function readReports(dir: string, relative = dir): Map<string, RealReport[]> {
  const out = new Map<string, RealReport[]>();
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const label = `${relative}/${file}`;
    const data = readYamlFile(join(dir, file), label, 'reports') as { reports: RealReport[] };
    for (const r of data.reports) {
      if (ids.has(r.id)) throw new CorpusError(`${label}: the id ${r.id} is used twice`);
      ids.add(r.id);
    }
    out.set(file.replace(/\.yaml$/, ''), data.reports);
  }
  return out;
}

export function readJourneys(path: string, label = path): Journey[] {
  return (readYamlFile(path, label, 'journeys') as { journeys: Journey[] }).journeys;
}
