/**
 * Calendar dates (`YYYY-MM-DD`), SPEC.md section 2: stored and compared as plain strings, never as
 * instants and never converted through a time zone. Lexicographic order of the strings is date order.
 */

/** A calendar date as `YYYY-MM-DD`. */
export type CalendarDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{6})?$/;

/** True when `y-m-d` names a real day of the proleptic Gregorian calendar. */
function isRealDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Number of days in month `m` (1-12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Reads the literal date part of a source value: `2025-01-15Z`, `2025-01-15-08:00`,
 * `2020-10-07T04:00:00.000+0000`, `2025-02-24 09:55:29-05` and `20140508035959` give the date written
 * there, whatever the offset. Returns null for an empty value and `undefined` for one that is not a date.
 */
export function parseCalendarDate(value: unknown): CalendarDate | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return null;
  const iso = ISO_DATE.exec(text);
  const compact = iso ? null : COMPACT.exec(text);
  const parts = iso ?? compact;
  if (!parts) return undefined;
  if (iso) {
    const rest = text.slice(10);
    // After the date only a time, an offset or `Z` may follow: "2025-01-15abc" is not a date.
    if (rest !== '' && !/^([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/.test(rest)) return undefined;
  }
  const y = Number(parts[1]);
  const m = Number(parts[2]);
  const d = Number(parts[3]);
  if (!isRealDay(y, m, d)) return undefined;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** True when `value` is exactly a valid `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && parseCalendarDate(value) === value;
}

function toUtcMs(date: CalendarDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function fromUtcMs(ms: number): CalendarDate {
  const t = new Date(ms);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** `date` plus `days` calendar days (negative subtracts). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtcMs(toUtcMs(date) + days * 86_400_000);
}

/**
 * `date` plus `months` calendar months, clamped to the last day of the target month
 * (2025-08-31 + 18 months = 2027-02-28).
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  return `${pad(ty, 4)}-${pad(tm)}-${pad(Math.min(d, daysInMonth(ty, tm)))}`;
}

/** The calendar date of `instant` in the IANA time zone `timeZone`. */
export function dateInTimeZone(instant: Date, timeZone: string): CalendarDate {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** True when `timeZone` is an IANA time zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Shows an instant in the institution's time zone as `YYYY-MM-DD HH:MM:SS` (for human output). An
 * unknown zone falls back to UTC, so that showing a job never fails.
 */
export function formatInstant(instant: Date, timeZone: string): string {
  if (!isValidTimeZone(timeZone)) timeZone = 'UTC';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}
