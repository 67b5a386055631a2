/**
 * The one catalogue of error codes. Codes are SCREAMING_SNAKE and never change once shipped; the
 * README lists every code (a test checks it). Messages never carry personal data.
 */

export const ERROR_CODES = {
  VALIDATION_FAILED: 'a value is invalid',
  UNKNOWN_FIELD: 'a field or option is not known',
  NOT_FOUND: 'something named does not exist',
  IMPORT_MALFORMED: 'an import input is malformed; nothing was written',
  JOB_NOT_CANCELLABLE: 'the job has already ended',
  CONFIRMATION_REQUIRED: 'the command needs confirmation',
  USER_NOT_DELETABLE: 'the rules keep this user',
  SCHEMA_TOO_NEW: 'the database schema is newer than this program knows',
  FORBIDDEN: 'the caller lacks the role for this action',
  INTERNAL: 'an unexpected error',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure a caller must branch on. */
export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
}

/** A result that is either a value or a Failure. */
export type Result<T> = ({ ok: true } & T) | Failure;

/** Builds a Failure. */
export function fail(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}

/** An error carrying a catalogue code, thrown only to cross layers that cannot return (e.g. importers). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}
