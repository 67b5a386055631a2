/** Job vocabulary (SPEC.md 3.4 and 8): states, final status, exit codes and counters. */
import { describe, expect, it } from 'vitest';
import {
  ENDED_STATUSES,
  JOB_STATUSES,
  JOB_TYPES,
  PURGE_COUNTERS,
  addCounters,
  completedStatus,
  emptyPurgeCounters,
  exitCodeForStatus,
  isEnded,
  type Counters,
  type JobStatus,
} from '../../src/domain/job.ts';

/** The counters of SPEC.md 3.4, literally, in the order the SPEC names them. */
const SPEC_COUNTERS = [
  'candidates',
  'purged',
  'not_purged',
  'active_loans',
  'fees_over_threshold',
  'credit_owed',
  'active_requests',
  'active_proxy',
  'guarantor',
  'assignments',
  'protected',
  'system_user',
  'no_longer_candidate',
  'failed',
  'not_processed',
  'requests_cancelled',
  'debts_waived',
  'credits_closed',
  'history_records_anonymised',
];

describe('job states', () => {
  it('has the states of SPEC.md 3.4', () => {
    expect([...JOB_STATUSES].sort()).toEqual(
      [
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
      ].sort(),
    );
  });

  it('has the job types of SPEC.md 8', () => {
    expect([...JOB_TYPES].sort()).toEqual(['DELETE_USERS', 'PURGE_USERS', 'UPDATE_USERS']);
  });

  it.each<{ status: JobStatus; ended: boolean }>([
    { status: 'QUEUED', ended: false },
    { status: 'INITIALIZING', ended: false },
    { status: 'RUNNING', ended: false },
    { status: 'FINALIZING', ended: false },
    { status: 'COMPLETED_SUCCESS', ended: true },
    { status: 'COMPLETED_WARNING', ended: true },
    { status: 'COMPLETED_NO_BULKS', ended: true },
    { status: 'FAILED', ended: true },
    { status: 'USER_ABORTED', ended: true },
    { status: 'SYSTEM_ABORTED', ended: true },
  ])('$status has ended: $ended', ({ status, ended }) => {
    expect(isEnded(status)).toBe(ended);
    expect(ENDED_STATUSES.includes(status)).toBe(ended);
  });
});

describe('exitCodeForStatus (SPEC.md 8)', () => {
  it.each<{ status: JobStatus; code: number }>([
    { status: 'COMPLETED_SUCCESS', code: 0 },
    { status: 'COMPLETED_NO_BULKS', code: 0 },
    { status: 'COMPLETED_WARNING', code: 3 },
    { status: 'FAILED', code: 4 },
    { status: 'USER_ABORTED', code: 4 },
    { status: 'SYSTEM_ABORTED', code: 4 },
  ])('a job that ended $status exits $code', ({ status, code }) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it('gives an exit code for every state in which a job can end', () => {
    expect([...ENDED_STATUSES].sort()).toEqual(['COMPLETED_NO_BULKS', 'COMPLETED_SUCCESS', 'COMPLETED_WARNING', 'FAILED', 'SYSTEM_ABORTED', 'USER_ABORTED']);
  });
});

describe('completedStatus', () => {
  const counters = (values: Partial<Record<string, number>>): Counters => ({ ...emptyPurgeCounters(), ...values }) as Counters;

  it.each<{ name: string; values: Partial<Record<string, number>>; maxReached: boolean; expected: JobStatus }>([
    { name: 'no candidates', values: {}, maxReached: false, expected: 'COMPLETED_NO_BULKS' },
    { name: 'every candidate purged', values: { candidates: 5, purged: 5 }, maxReached: false, expected: 'COMPLETED_SUCCESS' },
    { name: 'candidates kept by the criteria (not a warning)', values: { candidates: 5, not_purged: 5, active_loans: 5 }, maxReached: false, expected: 'COMPLETED_SUCCESS' },
    { name: 'candidates no longer candidates (not a warning)', values: { candidates: 2, no_longer_candidate: 2 }, maxReached: false, expected: 'COMPLETED_SUCCESS' },
    { name: 'one user failed unexpectedly', values: { candidates: 5, purged: 4, failed: 1 }, maxReached: false, expected: 'COMPLETED_WARNING' },
    { name: 'every user failed', values: { candidates: 3, failed: 3 }, maxReached: false, expected: 'COMPLETED_WARNING' },
    { name: 'the maximum was reached', values: { candidates: 5, purged: 2, not_processed: 3 }, maxReached: true, expected: 'COMPLETED_WARNING' },
    { name: 'the maximum was reached and a user failed', values: { candidates: 5, purged: 2, failed: 1, not_processed: 2 }, maxReached: true, expected: 'COMPLETED_WARNING' },
  ])('$name gives $expected', ({ values, maxReached, expected }) => {
    expect(completedStatus(counters(values), maxReached)).toBe(expected);
  });

  it('reads missing counters as zero: an empty object has no candidates', () => {
    expect(completedStatus({}, false)).toBe('COMPLETED_NO_BULKS');
  });
});

describe('counters', () => {
  it('names exactly the counters of SPEC.md 3.4, in its order', () => {
    expect([...PURGE_COUNTERS]).toEqual(SPEC_COUNTERS);
  });

  it('starts every counter of SPEC.md 3.4 at zero, and no other', () => {
    expect(emptyPurgeCounters()).toEqual(Object.fromEntries(SPEC_COUNTERS.map((name) => [name, 0])));
  });

  it('gives a fresh object each time', () => {
    const first = emptyPurgeCounters();
    first.purged = 7;
    expect(emptyPurgeCounters().purged).toBe(0);
  });

  it.each<{ name: string; a: Counters; b: Counters; sum: Counters }>([
    { name: 'adds counters present in both', a: { purged: 2, failed: 1 }, b: { purged: 3, failed: 0 }, sum: { purged: 5, failed: 1 } },
    { name: 'keeps counters only in the first', a: { purged: 2, debts_waived: 4 }, b: { purged: 1 }, sum: { purged: 3, debts_waived: 4 } },
    { name: 'takes counters only in the second', a: { purged: 2 }, b: { credits_closed: 1 }, sum: { purged: 2, credits_closed: 1 } },
    { name: 'adding nothing changes nothing', a: { purged: 2 }, b: {}, sum: { purged: 2 } },
    { name: 'adds into nothing', a: {}, b: { purged: 2 }, sum: { purged: 2 } },
  ])('$name', ({ a, b, sum }) => {
    const before = { ...a };
    expect(addCounters(a, b)).toEqual(sum);
    expect(a).toEqual(before);
  });

  it('sums two bulks of a job so that candidates = purged + not_purged + no_longer_candidate + failed + not_processed', () => {
    const bulk1 = { ...emptyPurgeCounters(), candidates: 4, purged: 2, not_purged: 1, active_loans: 1, failed: 1, debts_waived: 1 };
    const bulk2 = { ...emptyPurgeCounters(), candidates: 3, purged: 1, no_longer_candidate: 1, not_processed: 1, requests_cancelled: 2 };
    const total = addCounters(addCounters(emptyPurgeCounters(), bulk1), bulk2);
    expect(total).toEqual({
      ...Object.fromEntries(SPEC_COUNTERS.map((name) => [name, 0])),
      candidates: 7,
      purged: 3,
      not_purged: 1,
      active_loans: 1,
      no_longer_candidate: 1,
      failed: 1,
      not_processed: 1,
      requests_cancelled: 2,
      debts_waived: 1,
    });
    expect(total.candidates).toBe((total.purged ?? 0) + (total.not_purged ?? 0) + (total.no_longer_candidate ?? 0) + (total.failed ?? 0) + (total.not_processed ?? 0));
  });
});
