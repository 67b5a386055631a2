/** The one clock (SPEC.md section 2): `PATRON_PURGE_NOW` starts it at an instant, then it runs on in real time. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManualClock, createOffsetClock, parseInstantWithOffset, systemClock } from '../../src/domain/clock.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('createOffsetClock', () => {
  it('starts at the given instant and advances with real time', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const clock = createOffsetClock(new Date('2013-12-20T14:00:00Z'));
    expect(clock.now().toISOString()).toBe('2013-12-20T14:00:00.000Z');
    vi.advanceTimersByTime(1_500);
    expect(clock.now().toISOString()).toBe('2013-12-20T14:00:01.500Z');
    vi.advanceTimersByTime(60 * 60 * 1000);
    expect(clock.now().toISOString()).toBe('2013-12-20T15:00:01.500Z');
  });

  it('starts at an instant in the future as well as in the past', () => {
    vi.useFakeTimers({ now: new Date('2025-06-01T00:00:00Z') });
    const clock = createOffsetClock(new Date('2099-12-31T23:59:59Z'));
    vi.advanceTimersByTime(1_000);
    expect(clock.now().toISOString()).toBe('2100-01-01T00:00:00.000Z');
  });

  it('runs on the real system clock, so leases and timeouts still work', async () => {
    const start = new Date('2013-12-20T14:00:00Z');
    const clock = createOffsetClock(start);
    const first = clock.now().getTime();
    expect(first - start.getTime()).toBeGreaterThanOrEqual(0);
    expect(first - start.getTime()).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(clock.now().getTime() - first).toBeGreaterThanOrEqual(20);
  });

  it('gives a new Date each time, so a caller cannot move the clock', () => {
    const clock = createOffsetClock(new Date('2013-12-20T14:00:00Z'));
    const seen = clock.now();
    seen.setUTCFullYear(1970);
    expect(clock.now().getUTCFullYear()).toBe(2013);
  });
});

describe('createManualClock and systemClock', () => {
  it('moves the manual clock only when told', () => {
    const clock = createManualClock(new Date('2025-06-01T14:00:00Z'));
    expect(clock.now().toISOString()).toBe('2025-06-01T14:00:00.000Z');
    clock.advance(366 * 86_400_000);
    expect(clock.now().toISOString()).toBe('2026-06-02T14:00:00.000Z');
    clock.set(new Date('2013-12-20T04:59:59Z'));
    expect(clock.now().toISOString()).toBe('2013-12-20T04:59:59.000Z');
  });

  it('reads the system clock', () => {
    vi.useFakeTimers({ now: new Date('2025-06-01T14:00:00Z') });
    expect(systemClock.now().toISOString()).toBe('2025-06-01T14:00:00.000Z');
  });
});

describe('parseInstantWithOffset', () => {
  it.each([
    { text: '2025-06-01T10:00:00-04:00', utc: '2025-06-01T14:00:00.000Z' },
    { text: '2025-06-01T14:00:00Z', utc: '2025-06-01T14:00:00.000Z' },
    { text: '2025-06-01T14:00:00.123Z', utc: '2025-06-01T14:00:00.123Z' },
    { text: '2025-06-01T14:00Z', utc: '2025-06-01T14:00:00.000Z' },
    { text: '2025-06-01T19:30:00+05:30', utc: '2025-06-01T14:00:00.000Z' },
    { text: '2025-06-01T19:30:00+0530', utc: '2025-06-01T14:00:00.000Z' },
    { text: '2013-12-20T23:59:59-05:00', utc: '2013-12-21T04:59:59.000Z' },
    { text: '2013-12-20T00:00:00-05:00', utc: '2013-12-20T05:00:00.000Z' },
    { text: '2024-02-29T12:00:00Z', utc: '2024-02-29T12:00:00.000Z' },
  ])('reads $text as $utc', ({ text, utc }) => {
    expect(parseInstantWithOffset(text)?.toISOString()).toBe(utc);
  });

  it.each([
    { text: '2025-06-01T10:00:00', why: 'a local time without an offset' },
    { text: '2025-06-01T10:00', why: 'a local time without seconds or offset' },
    { text: '2025-06-01', why: 'a date without a time' },
    { text: '', why: 'empty' },
    { text: 'now', why: 'not an instant' },
    { text: '1748786400000', why: 'epoch milliseconds' },
    { text: '2025-13-01T00:00:00Z', why: 'month 13' },
    { text: '2025-06-01T25:00:00Z', why: 'hour 25' },
    { text: '2025-02-30T10:00:00Z', why: 'February 30 does not exist' },
    { text: '2023-02-29T10:00:00Z', why: 'February 29 of a common year does not exist' },
  ])('refuses $text ($why)', ({ text }) => {
    expect(parseInstantWithOffset(text)).toBeUndefined();
  });
});
