import type {
  CausesFile,
  FactDeclaration,
  KbSettingsFile,
  RuleTest,
  SignalsFile,
  SymptomsFile,
} from '../generated/schema-types.ts';
import type { Page } from './page.ts';
import type { Position } from './yaml-source.ts';

export type SymptomDeclaration = SymptomsFile['symptoms'][number];
export type SignalDeclaration = SignalsFile['signals'][number];
export type CauseDeclaration = CausesFile['causes'][number];
export type { FactDeclaration, KbSettingsFile, RuleTest };

/** Where a declaration or a piece of it stands in the knowledge base's files. */
export interface SourceLocation extends Position {
  readonly file: string;
}

export interface RuleTestFile {
  readonly file: string;
  readonly tests: readonly (RuleTest & { readonly location: SourceLocation })[];
}

/** The knowledge base as read from its files, checked, before the engine compiles it. */
export interface KnowledgeBaseData {
  readonly dir: string;
  readonly settings: KbSettingsFile;
  readonly facts: ReadonlyMap<string, FactDeclaration>;
  readonly symptoms: readonly SymptomDeclaration[];
  readonly signals: readonly SignalDeclaration[];
  readonly causes: readonly CauseDeclaration[];
  /** Key: `${lang}/${kind}/${id}` (kind: symptoms | causes). */
  readonly pages: ReadonlyMap<string, Page>;
  readonly tests: readonly RuleTestFile[];
  /** Where each symptom, signal, cause and condition was declared. Key: `cause:<id>`, `cause:<id>/conditions/any/0`, `signal:<id>`, `symptom:<id>`. */
  readonly locations: ReadonlyMap<string, SourceLocation>;
}

export const pageKey = (lang: string, kind: 'symptoms' | 'causes', id: string): string => `${lang}/${kind}/${id}`;
