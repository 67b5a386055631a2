/** The only reader of process.env: returns one frozen Config. */
import { createOffsetClock, parseInstantWithOffset, systemClock, type Clock } from './domain/clock.ts';
import { AppError } from './domain/errors.ts';

/** Default embedded database (SPEC.md section 8). */
export const DEFAULT_DATABASE = './data/patron-purge.sqlite';

/** Process-wide configuration. */
export interface Config {
  /** `--db` > PATRON_PURGE_DB > DATABASE_URL > the default file. */
  databaseUrl: string;
  clock: Clock;
  /** PATRON_PURGE_OPERATOR: the CLI's operator when `--operator` is not given. */
  operator: string | null;
  /** PATRON_PURGE_LEASE_SECONDS: how long a worker's claim on an initializing job lasts. */
  leaseMs: number;
  /** Who runs the CLI, for the audit log (the OS user name; not a patron). */
  actor: string;
}

/** Builds the Config from the environment and an optional `--db` value. */
export function loadConfig(options: { db?: string } = {}, env: NodeJS.ProcessEnv = process.env): Config {
  let clock = systemClock;
  if (env.PATRON_PURGE_NOW) {
    const start = parseInstantWithOffset(env.PATRON_PURGE_NOW);
    if (!start) {
      throw new AppError('VALIDATION_FAILED', `PATRON_PURGE_NOW "${env.PATRON_PURGE_NOW}" is not an ISO 8601 instant with an offset (e.g. 2026-12-01T12:00:00-05:00)`);
    }
    clock = createOffsetClock(start);
  }
  const leaseSeconds = env.PATRON_PURGE_LEASE_SECONDS ? Number(env.PATRON_PURGE_LEASE_SECONDS) : 30;
  if (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0) {
    throw new AppError('VALIDATION_FAILED', `PATRON_PURGE_LEASE_SECONDS "${env.PATRON_PURGE_LEASE_SECONDS}" is not a positive number`);
  }
  return Object.freeze({
    databaseUrl: options.db || env.PATRON_PURGE_DB || env.DATABASE_URL || DEFAULT_DATABASE,
    clock,
    operator: env.PATRON_PURGE_OPERATOR || null,
    leaseMs: leaseSeconds * 1000,
    actor: `cli:${env.USER || env.LOGNAME || 'unknown'}`,
  });
}
