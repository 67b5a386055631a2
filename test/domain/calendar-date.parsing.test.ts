/**
 * Calendar dates (SPEC.md section 2): the literal date part of a value, plain `YYYY-MM-DD` arithmetic and
 * "today" in the institution's time zone. Expected values come from the SPEC and the Gregorian calendar.
 */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dateInTimeZone,
  daysInMonth,
  formatInstant,
  isCalendarDate,
  isValidTimeZone,
  parseCalendarDate,
} from '../../src/domain/calendar-date.ts';

describe('parseCalendarDate', () => {
  it.each([
    // The five examples of SPEC.md section 2: the literal date, whatever the offset.
    { input: '2025-01-15Z', expected: '2025-01-15' },
    { input: '2025-01-15-08:00', expected: '2025-01-15' },
    { input: '2020-10-07T04:00:00.000+0000', expected: '2020-10-07' },
    { input: '2025-02-24 09:55:29-05', expected: '2025-02-24' },
    { input: '20140508035959', expected: '2014-05-08' },
    // The literal date is taken, never converted through an offset.
    { input: '2025-01-15', expected: '2025-01-15' },
    { input: '2025-01-15T00:00:00Z', expected: '2025-01-15' },
    { input: '2025-01-15T23:30:00-05:00', expected: '2025-01-15' },
    { input: '2025-01-15T01:00:00+14:00', expected: '2025-01-15' },
    { input: '2025-01-15T23:59:59.999-12:00', expected: '2025-01-15' },
    { input: '2024-02-29', expected: '2024-02-29' },
    { input: '2000-02-29', expected: '2000-02-29' },
    { input: '2025-12-31', expected: '2025-12-31' },
  ])('reads $input as $expected', ({ input, expected }) => {
    expect(parseCalendarDate(input)).toBe(expected);
  });

  it.each([{ input: '' }, { input: '   ' }, { input: null }, { input: undefined }])('reads the empty value $input as null', ({ input }) => {
    expect(parseCalendarDate(input)).toBeNull();
  });

  it.each([
    { input: '2025-13-01', why: 'month 13' },
    { input: '2025-00-10', why: 'month 0' },
    { input: '2025-01-00', why: 'day 0' },
    { input: '2025-01-32', why: 'day 32' },
    { input: '2025-02-30', why: 'February 30' },
    { input: '2025-04-31', why: 'April 31' },
    { input: '2023-02-29', why: 'February 29 of a common year' },
    { input: '1900-02-29', why: 'February 29 of a century that is not a leap year' },
    { input: 'abc', why: 'not a date at all' },
    { input: '2025-01-15abc', why: 'trailing garbage after the date' },
    { input: '2025-1-15', why: 'a one-digit month' },
    { input: '15/01/2025', why: 'a day-first date' },
    { input: '20250230', why: 'February 30 in the compact form' },
    { input: '20251301120000', why: 'month 13 in the compact form' },
  ])('refuses $input ($why) with undefined', ({ input }) => {
    expect(parseCalendarDate(input)).toBeUndefined();
  });
});

describe('isCalendarDate', () => {
  it.each([
    { input: '2025-01-15', expected: true },
    { input: '2024-02-29', expected: true },
    { input: '2023-02-29', expected: false },
    { input: '2025-01-15Z', expected: false },
    { input: '2025-01-15T00:00:00Z', expected: false },
    { input: '20250115', expected: false },
    { input: '', expected: false },
  ])('$input is a plain calendar date: $expected', ({ input, expected }) => {
    expect(isCalendarDate(input)).toBe(expected);
  });
});

describe('daysInMonth', () => {
  it.each([
    { y: 2025, m: 1, days: 31 },
    { y: 2025, m: 2, days: 28 },
    { y: 2024, m: 2, days: 29 },
    { y: 2000, m: 2, days: 29 },
    { y: 1900, m: 2, days: 28 },
    { y: 2025, m: 4, days: 30 },
    { y: 2025, m: 12, days: 31 },
  ])('month $m of $y has $days days', ({ y, m, days }) => {
    expect(daysInMonth(y, m)).toBe(days);
  });
});

describe('addDays', () => {
  it.each([
    { date: '2025-01-15', days: 0, expected: '2025-01-15' },
    { date: '2013-12-20', days: -10, expected: '2013-12-10' },
    { date: '2025-01-31', days: 1, expected: '2025-02-01' },
    { date: '2025-03-01', days: -1, expected: '2025-02-28' },
    { date: '2024-12-31', days: 1, expected: '2025-01-01' },
    { date: '2025-01-01', days: -1, expected: '2024-12-31' },
    { date: '2024-02-28', days: 1, expected: '2024-02-29' },
    { date: '2024-03-01', days: -1, expected: '2024-02-29' },
    { date: '2023-02-28', days: 1, expected: '2023-03-01' },
    { date: '2000-02-28', days: 1, expected: '2000-02-29' },
    { date: '1900-02-28', days: 1, expected: '1900-03-01' },
    { date: '2024-01-01', days: 366, expected: '2025-01-01' },
    { date: '2023-01-01', days: 365, expected: '2024-01-01' },
    // The days of a DST change in New York are still whole calendar days.
    { date: '2025-03-08', days: 1, expected: '2025-03-09' },
    { date: '2025-03-09', days: 1, expected: '2025-03-10' },
    { date: '2025-11-02', days: 1, expected: '2025-11-03' },
    // The largest grace period of SPEC.md 3.1.
    { date: '2025-06-01', days: -36_500, expected: '1925-06-26' },
  ])('$date plus $days days is $expected', ({ date, days, expected }) => {
    expect(addDays(date, days)).toBe(expected);
  });
});

describe('addMonths', () => {
  it.each([
    { date: '2025-01-15', months: 0, expected: '2025-01-15' },
    // C10 relative dates.
    { date: '2025-01-31', months: 12, expected: '2026-01-31' },
    { date: '2025-01-31', months: 18, expected: '2026-07-31' },
    { date: '2025-08-31', months: 12, expected: '2026-08-31' },
    { date: '2025-08-31', months: 18, expected: '2027-02-28' },
    // Clamped to the end of the target month.
    { date: '2024-01-31', months: 1, expected: '2024-02-29' },
    { date: '2025-01-31', months: 1, expected: '2025-02-28' },
    { date: '2025-05-31', months: 1, expected: '2025-06-30' },
    { date: '2024-02-29', months: 12, expected: '2025-02-28' },
    { date: '2024-02-29', months: 48, expected: '2028-02-29' },
    { date: '2025-12-15', months: 1, expected: '2026-01-15' },
    { date: '2025-01-30', months: 1, expected: '2025-02-28' },
    // Negative months.
    { date: '2025-03-31', months: -1, expected: '2025-02-28' },
    { date: '2024-03-31', months: -1, expected: '2024-02-29' },
    { date: '2025-01-15', months: -1, expected: '2024-12-15' },
    { date: '2025-01-31', months: -13, expected: '2023-12-31' },
    { date: '2025-07-31', months: -18, expected: '2024-01-31' },
    { date: '2026-02-28', months: -24, expected: '2024-02-28' },
  ])('$date plus $months months is $expected', ({ date, months, expected }) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});

describe('dateInTimeZone', () => {
  it.each([
    // The C01 run: 23:59:59 and 00:00:00 local are the same day in New York.
    { instant: '2013-12-20T23:59:59-05:00', zone: 'America/New_York', expected: '2013-12-20' },
    { instant: '2013-12-20T23:59:59-05:00', zone: 'UTC', expected: '2013-12-21' },
    { instant: '2013-12-20T00:00:00-05:00', zone: 'America/New_York', expected: '2013-12-20' },
    { instant: '2013-12-20T00:00:00-05:00', zone: 'UTC', expected: '2013-12-20' },
    { instant: '2013-12-19T23:59:59-05:00', zone: 'America/New_York', expected: '2013-12-19' },
    // Both sides of midnight, winter (EST, UTC-5).
    { instant: '2025-01-15T04:59:59Z', zone: 'America/New_York', expected: '2025-01-14' },
    { instant: '2025-01-15T05:00:00Z', zone: 'America/New_York', expected: '2025-01-15' },
    // Both sides of midnight, summer (EDT, UTC-4).
    { instant: '2025-06-01T03:59:59Z', zone: 'America/New_York', expected: '2025-05-31' },
    { instant: '2025-06-01T04:00:00Z', zone: 'America/New_York', expected: '2025-06-01' },
    // Spring forward, 2025-03-09: midnight before is EST, midnight after is EDT.
    { instant: '2025-03-09T04:59:59Z', zone: 'America/New_York', expected: '2025-03-08' },
    { instant: '2025-03-09T05:00:00Z', zone: 'America/New_York', expected: '2025-03-09' },
    { instant: '2025-03-09T07:00:00Z', zone: 'America/New_York', expected: '2025-03-09' },
    { instant: '2025-03-10T03:59:59Z', zone: 'America/New_York', expected: '2025-03-09' },
    { instant: '2025-03-10T04:00:00Z', zone: 'America/New_York', expected: '2025-03-10' },
    // Fall back, 2025-11-02: midnight before is EDT, midnight after is EST.
    { instant: '2025-11-02T03:59:59Z', zone: 'America/New_York', expected: '2025-11-01' },
    { instant: '2025-11-02T04:00:00Z', zone: 'America/New_York', expected: '2025-11-02' },
    { instant: '2025-11-02T06:30:00Z', zone: 'America/New_York', expected: '2025-11-02' },
    { instant: '2025-11-03T04:59:59Z', zone: 'America/New_York', expected: '2025-11-02' },
    { instant: '2025-11-03T05:00:00Z', zone: 'America/New_York', expected: '2025-11-03' },
    // The extremes of the offsets.
    { instant: '2025-01-01T10:00:00Z', zone: 'Pacific/Kiritimati', expected: '2025-01-02' },
    { instant: '2025-01-01T10:00:00Z', zone: 'Pacific/Pago_Pago', expected: '2024-12-31' },
    { instant: '2025-01-01T00:00:00Z', zone: 'UTC', expected: '2025-01-01' },
    { instant: '2024-12-31T23:59:59.999Z', zone: 'UTC', expected: '2024-12-31' },
  ])('$instant is $expected in $zone', ({ instant, zone, expected }) => {
    expect(dateInTimeZone(new Date(instant), zone)).toBe(expected);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    { zone: 'UTC', expected: true },
    { zone: 'America/New_York', expected: true },
    { zone: 'Europe/Paris', expected: true },
    { zone: 'Pacific/Kiritimati', expected: true },
    { zone: 'Mars/Olympus_Mons', expected: false },
    { zone: 'Not a zone', expected: false },
    { zone: '', expected: false },
    { zone: '   ', expected: false },
  ])('"$zone" is a known time zone: $expected', ({ zone, expected }) => {
    expect(isValidTimeZone(zone)).toBe(expected);
  });
});

describe('formatInstant', () => {
  it.each([
    { instant: '2013-12-21T04:59:59Z', zone: 'America/New_York', expected: '2013-12-20 23:59:59' },
    { instant: '2025-01-15T05:00:00Z', zone: 'America/New_York', expected: '2025-01-15 00:00:00' },
    { instant: '2025-06-01T14:00:00Z', zone: 'America/New_York', expected: '2025-06-01 10:00:00' },
    { instant: '2025-01-01T00:00:00Z', zone: 'UTC', expected: '2025-01-01 00:00:00' },
  ])('shows $instant in $zone as $expected', ({ instant, zone, expected }) => {
    expect(formatInstant(new Date(instant), zone)).toBe(expected);
  });
});
