/**
 * Checks of single source values shared by every importer, and the one place that decides what a
 * refusal may say about the value: a non-personal value (an expiry date, an amount, a status) is quoted,
 * because it helps the user find it; personal data (birth dates, names, emails, phones, addresses,
 * notes) is never repeated in a message (STYLE.md, Errors). The message still names file, record and
 * field, so the value can be found in the source.
 */
import { parseCalendarDate, type CalendarDate } from '../domain/calendar-date.ts';
import { malformed } from './source-files.ts';

/** Where a value was read, for the message that refuses it. */
export interface FieldAt {
  file: string;
  /** The record as the message names it: a primary id, a source id or a line, never a name or email. */
  record: string;
  field: string;
  /** Personal data: the message does not repeat the value. */
  personal?: boolean;
  /** Builds the refusal from the problem text; by default `malformed(file, record, field, problem)`. */
  refuse?: (problem: string) => Error;
}

/**
 * The problem text for an invalid value: `"2025-13-01" is not a date`, or for personal data
 * `is not a date (value not shown: personal data)`. Values that are neither text nor numbers are not
 * shown either (they have no short form).
 */
export function describeInvalid(value: unknown, problem: string, personal = false): string {
  if (personal) return `${problem} (value not shown: personal data)`;
  if (typeof value === 'string') return `"${value}" ${problem}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} ${problem}`;
  return problem;
}

/** The refusal of an invalid value at `at`. */
export function invalidValue(value: unknown, problem: string, at: FieldAt): Error {
  const text = describeInvalid(value, problem, at.personal === true);
  return at.refuse ? at.refuse(text) : malformed(at.file, at.record, at.field, text);
}

/**
 * A calendar date field (see parseCalendarDate: the literal date part counts): null when absent or
 * empty; anything that is not a real day refuses the input.
 */
export function checkDate(value: unknown, at: FieldAt): CalendarDate | null {
  const parsed = parseCalendarDate(value);
  if (parsed === undefined) throw invalidValue(value, 'is not a date', at);
  return parsed;
}
