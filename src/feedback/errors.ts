/** Stable codes of the feedback store's failures; the HTTP API maps all but STORE_FAILED to 400 answers. */
export type FeedbackErrorCode = 'CAUSE_UNKNOWN' | 'SYMPTOM_UNKNOWN' | 'CAUSE_NOT_OF_SYMPTOM' | 'REQUEST_INVALID' | 'STORE_FAILED';

/** A failure of the feedback store: bad input (with the field at fault) or a database that cannot be used. */
export class FeedbackError extends Error {
  override readonly name = 'FeedbackError';
  readonly code: FeedbackErrorCode;
  readonly field: string | undefined;

  constructor(code: FeedbackErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}
