import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { Lang } from '../i18n/index.ts';
import * as generated from '../generated/validators.cjs';
import { humanize, type SchemaProblem } from './schema-messages.ts';

export type { SchemaProblem };

/** The file kinds of a knowledge base, each with its JSON Schema in schemas/. */
export type SchemaName =
  | 'kb'
  | 'facts'
  | 'symptoms'
  | 'signals'
  | 'causes'
  | 'tests'
  | 'glossary'
  | 'front-matter'
  | 'diagnose-request'
  | 'diagnose-result'
  | 'reports'
  | 'journeys';


/** The project's schemas folder (beside src/ and dist/). */
export const schemasDir = join(import.meta.dirname, '..', '..', 'schemas');

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

/** All schemas of schemas/, loaded once; the HTTP layer reuses them for request validation. */
export function loadSchemas(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const file of readdirSync(schemasDir)) {
    if (file.endsWith('.schema.json')) out[file] = JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as object;
  }
  return out;
}

// Precompiled at build time (scripts/gen-validators.js) for the file kinds read on every load.
const precompiled: Partial<Record<SchemaName, ValidateFunction>> = {
  kb: generated.validateKb,
  facts: generated.validateFacts,
  symptoms: generated.validateSymptoms,
  signals: generated.validateSignals,
  causes: generated.validateCauses,
  tests: generated.validateTests,
  'front-matter': generated.validateFrontMatter,
  'diagnose-request': generated.validateDiagnoseRequest,
};

function validatorFor(name: SchemaName): ValidateFunction {
  let v = compiled.get(name) ?? precompiled[name];
  if (v) return v;
  if (!ajv) {
    // Loaded on first use: diagnosing uses the precompiled request validator instead.
    const { Ajv2020: Ajv } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    for (const schema of Object.values(loadSchemas())) ajv.addSchema(schema);
  }
  v = ajv.getSchema(`https://exchange-kb.local/schemas/${name}.schema.json`);
  if (!v) throw new Error(`schema ${name} not found in ${schemasDir}`);
  compiled.set(name, v);
  return v;
}

/** Validates `data` against a schema; problems are worded for content writers, one per place. */
export function validateAgainst(name: SchemaName, data: unknown, lang: Lang = 'en'): SchemaProblem[] {
  const validate = validatorFor(name);
  if (validate(data)) return [];
  return humanize(validate.errors ?? [], data, lang);
}

