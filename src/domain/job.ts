/** Job vocabulary (SPEC.md 3.4): types, states, parameters and counters. */
import { REASON_CODES, type ReasonCode } from './purge-criteria.ts';
import type { RecordType } from './user.ts';

/** Kinds of job. */
export const JOB_TYPES = ['PURGE_USERS', 'UPDATE_USERS', 'DELETE_USERS'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** Job states; the codes are Alma's. */
export const JOB_STATUSES = [
  'QUEUED',
  'INITIALIZING',
  'RUNNING',
  'FINALIZING',
  'COMPLETED_SUCCESS',
  'COMPLETED_WARNING',
  'COMPLETED_NO_BULKS',
  'FAILED',
  'USER_ABORTED',
  'SYSTEM_ABORTED',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** States in which a job has ended. */
export const ENDED_STATUSES: readonly JobStatus[] = [
  'COMPLETED_SUCCESS',
  'COMPLETED_WARNING',
  'COMPLETED_NO_BULKS',
  'FAILED',
  'USER_ABORTED',
  'SYSTEM_ABORTED',
];

/** True when a job in `status` has ended. */
export function isEnded(status: JobStatus): boolean {
  return ENDED_STATUSES.includes(status);
}

/** The exit code of a command that ran a job to its end (SPEC.md section 8). */
export function exitCodeForStatus(status: JobStatus): number {
  switch (status) {
    case 'COMPLETED_SUCCESS':
    case 'COMPLETED_NO_BULKS':
      return 0;
    case 'COMPLETED_WARNING':
      return 3;
    default:
      return 4;
  }
}

/** Parameters of a Purge User Records job, validated (section 3.1 plus the three options). */
export interface PurgeParameters {
  daysAfterPurgeDate: number;
  /** null = All. */
  recordType: RecordType | null;
  /** The group code as configured (source spelling), or null = All. */
  userGroup: string | null;
  /** Minor units. */
  waiveThreshold: number;
  simulate: boolean;
  /** Library codes as configured; empty = all. */
  libraries: string[];
  maxUsers: number | null;
}

/** Counter names of a purge job, all present on every job. */
export const PURGE_COUNTERS = [
  'candidates',
  'purged',
  'not_purged',
  ...REASON_CODES.map((code) => code.toLowerCase() as Lowercase<ReasonCode>),
  'no_longer_candidate',
  'failed',
  'not_processed',
  'requests_cancelled',
  'debts_waived',
  'credits_closed',
  'history_records_anonymised',
] as const;
export type PurgeCounter = (typeof PURGE_COUNTERS)[number];
export type Counters = Record<string, number>;

/** A counters object with every purge counter at zero. */
export function emptyPurgeCounters(): Counters {
  return Object.fromEntries(PURGE_COUNTERS.map((name) => [name, 0]));
}

/** Adds `b` into a copy of `a`. */
export function addCounters(a: Counters, b: Counters): Counters {
  const sum: Counters = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}

/** The final status of a job whose bulks all finished. */
export function completedStatus(counters: Counters, maxReached: boolean): JobStatus {
  if ((counters.candidates ?? 0) === 0) return 'COMPLETED_NO_BULKS';
  // Users left unprocessed without a cancel are as much a warning as users that failed.
  if ((counters.failed ?? 0) > 0 || (counters.not_processed ?? 0) > 0 || maxReached) return 'COMPLETED_WARNING';
  return 'COMPLETED_SUCCESS';
}
