/** What the runner needs of each kind of job; the runner owns claiming, bulks, cancel and finalizing. */
import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.ts';
import type { Counters } from '../domain/job.ts';
import type { Db } from '../db/connection.ts';
import type { DbJob } from '../db/job-store.ts';
import type { Database } from '../db/schema.ts';

/** Shared by every job kind. */
export interface JobContext {
  db: Db;
  clock: Clock;
}

/** What initialization decided: the job's `today`, its snapshot of settings, and how to pick candidates. */
export type InitializeResult =
  | { ok: true; today: string | null; cutoff: string | null; settings: unknown; candidates: { users: number; bulks: number } }
  | { ok: false; error: string };

/** What one bulk did. */
export interface BulkResult {
  counters: Counters;
  /** Users deleted (or that would be, when simulating): the job's maximum counts these. */
  purged: number;
  /** The job's maximum was reached in this bulk. */
  maxReached: boolean;
}

/** How the runner calls processBulk. */
export interface BulkOptions {
  /**
   * Users already purged by earlier parts of this same bulk when the runner processes it user by user
   * (isolating a failure); 0 otherwise.
   */
  purgedEarlierInBulk: number;
}

/** One kind of job. */
export interface JobKind {
  /** Every counter of this kind, all at zero. */
  emptyCounters(): Counters;
  /**
   * Runs in the initialization transaction: fixes the candidate list into bulks (job-store
   * writeCandidates) and returns what to record on the job, or why the job cannot run (FAILED).
   */
  initialize(trx: Kysely<Database>, context: JobContext, job: DbJob): Promise<InitializeResult>;
  /** Runs in the bulk's transaction: evaluates and applies the bulk, writes its report rows. */
  processBulk(trx: Kysely<Database>, context: JobContext, job: DbJob, bulkNo: number, userIds: number[], options: BulkOptions): Promise<BulkResult>;
}
