import type { Diagnostic } from '../kb/diagnostics.ts';

/** Stable codes of the failures a caller can act on. */
export type KbErrorCode =
  | 'KB_INVALID'
  | 'REQUEST_INVALID'
  | 'FACT_INVALID'
  | 'SYMPTOM_UNKNOWN'
  | 'NOT_FOUND'
  | 'PROBE_FAILED';

/** The one error class of the library; adapters map `code` to exit codes, HTTP statuses and MCP errors. */
export class KbError extends Error {
  override readonly name = 'KbError';
  readonly code: KbErrorCode;
  /** The request field at fault, as a dotted path (`facts.httpStatus`). */
  readonly field: string | undefined;
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: KbErrorCode, message: string, options: { field?: string; diagnostics?: readonly Diagnostic[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.diagnostics = options.diagnostics ?? [];
  }
}
