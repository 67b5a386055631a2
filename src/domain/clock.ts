/**
 * The one source of "now" (SPEC.md section 2). With `PATRON_PURGE_NOW` the clock starts at that instant
 * when the process starts and runs on in real time, so leases and timeouts still work.
 */

/** Gives the current instant. Every piece of code takes time from one Clock. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that reads `start` at the moment it is created and then advances in real time. */
export function createOffsetClock(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** A clock that only moves when told: for tests. */
export function createManualClock(start: Date): Clock & { set(instant: Date): void; advance(ms: number): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (instant) => {
      current = instant.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** Parses an ISO 8601 instant that carries an offset or `Z`; returns undefined otherwise. */
export function parseInstantWithOffset(text: string): Date | undefined {
  const value = text.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  // Date() would roll 2025-02-30 over into March: refuse days that do not exist.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || hour > 23 || minute > 59) return undefined;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}
