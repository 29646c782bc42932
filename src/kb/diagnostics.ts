/** Problems found in the knowledge base's files: data, never thrown (like yaml's doc.errors). */
export type DiagnosticCode =
  | 'KB_READ'
  | 'KB_UNKNOWN_FILE'
  | 'KB_MISSING_FILE'
  | 'KB_NOT_A_KB'
  | 'KB_YAML_SYNTAX'
  | 'KB_SCHEMA'
  | 'KB_DUPLICATE_ID'
  | 'KB_UNKNOWN_FACT'
  | 'KB_UNKNOWN_OPERATOR'
  | 'KB_OPERATOR_TYPE'
  | 'KB_VALUE_TYPE'
  | 'KB_CONDITION_SHAPE'
  | 'KB_DERIVATION'
  | 'KB_UNKNOWN_SYMPTOM'
  | 'KB_UNKNOWN_CAUSE'
  | 'KB_UNUSED_SYMPTOM'
  | 'KB_MISSING_PAGE'
  | 'KB_ORPHAN_PAGE'
  | 'KB_FRONT_MATTER'
  | 'KB_MISSING_SECTION'
  | 'KB_EMPTY_SECTION'
  | 'KB_UNKNOWN_PLACEHOLDER'
  | 'KB_BAD_REGEX'
  | 'KB_UNSAFE_REGEX'
  | 'KB_UNKNOWN_GROUP'
  | 'KB_SIGNAL_EXAMPLE'
  | 'KB_TEST'
  | 'KB_GLOSSARY'
  | 'KB_LINK';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** Path relative to the knowledge base folder, with forward slashes. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
  readonly message: string;
}

/** One funnel for every problem; drops exact repeats (same place, code and message). */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];
  readonly #seen = new Set<string>();

  report(d: Diagnostic): void {
    const key = `${d.file}:${d.line}:${d.col}:${d.code}:${d.message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.items.push(d);
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  sorted(): Diagnostic[] {
    return [...this.items].sort(
      (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code),
    );
  }
}

/** `rules/facts.yaml:12:5 error KB_SCHEMA message` */
export function formatDiagnostic(d: Diagnostic, severityLabel: string = d.severity): string {
  return `${d.file}:${d.line}:${d.col} ${severityLabel} ${d.code} ${d.message}`;
}
