/** The one catalogue of error codes (STYLE.md "Errors"). */
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, fail } from '../../src/domain/errors.ts';

describe('error catalogue', () => {
  it.each(Object.entries(ERROR_CODES))('%s is SCREAMING_SNAKE with a message', (code, message) => {
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(message.length).toBeGreaterThan(0);
  });

  it('builds a failure a caller can branch on', () => {
    expect(fail('NOT_FOUND', 'job 7 does not exist')).toEqual({ ok: false, code: 'NOT_FOUND', message: 'job 7 does not exist' });
  });

  it('carries a code and chains the cause in an AppError', () => {
    const cause = new Error('disk full');
    const error = new AppError('IMPORT_MALFORMED', 'users.csv line 17: purge_date is not a date', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppError');
    expect(error.code).toBe('IMPORT_MALFORMED');
    expect(error.message).toBe('users.csv line 17: purge_date is not a date');
    expect(error.cause).toBe(cause);
  });
});
