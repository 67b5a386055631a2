/**
 * The job runner: claims queued jobs one at a time, initializes them, processes their bulks (each bulk one
 * transaction that evaluates, deletes, writes report rows and counters and marks the bulk done), honours
 * cancel at bulk boundaries and finalizes. Everything lives in the database, so a worker killed at any
 * point loses at most its uncommitted bulk and any worker can carry on.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { addCounters, completedStatus, isEnded, type Counters, type JobStatus, type JobType } from '../domain/job.ts';
import { flushDeletedData, inSavepoint, inWriteTransaction } from '../db/connection.ts';
import { appendAudit } from '../db/audit-store.ts';
import {
  claimQueuedJob,
  countPendingBulks,
  findJob,
  findJobInProgress,
  insertReportRows,
  lockJob,
  lockNextPendingBulk,
  markBulkDone,
  markJobEnded,
  markJobInitialized,
  markMaxReached,
  moveJobStatus,
  readBulkUserIds,
  recordBulkFailure,
  skipPendingBulks,
  sumBulkCounters,
  takeOverInitializing,
  type DbJob,
} from '../db/job-store.ts';
import { readPrimaryIds } from '../db/purge-store.ts';
import type { Database } from '../db/schema.ts';
import type { BulkResult, JobContext, JobKind } from './job-kind.ts';

/** Attempts at one bulk before the job is SYSTEM_ABORTED; the last one isolates each user. */
export const MAX_BULK_ATTEMPTS = 3;

/** Options of a worker. */
export interface WorkerOptions {
  kinds: Partial<Record<JobType, JobKind>>;
  workerId?: string;
  /** How long a claim on an initializing job lasts without renewal. */
  leaseMs?: number;
  /** Idle wait between looks at the queue. */
  pollMs?: number;
  /** Called after every step that changed a job (progress bars, logs). */
  onStep?: (job: DbJob) => void;
  /** Called when a step fails unexpectedly (a lost connection...); the loop waits and goes on. */
  onError?: (error: unknown) => void;
}

/** A worker: `step` does one unit of work; `run` loops until stopped, idle, or a job has ended. */
export interface Worker {
  readonly id: string;
  step(): Promise<'worked' | 'idle'>;
  run(options?: { untilIdle?: boolean; untilJobEnded?: number }): Promise<void>;
  /** Asks the loop to stop after the current bulk. */
  stop(): void;
}

function iso(date: Date): string {
  return date.toISOString();
}

/** A message fit for a report or a job row: one line, bounded, from the error itself (never the data). */
function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

/** Creates a worker over `context`. */
export function createWorker(context: JobContext, options: WorkerOptions): Worker {
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1000;
  const { db, clock } = context;
  const rowLocks = db.capabilities.rowLocks;
  let stopping = false;
  let wake: (() => void) | undefined;

  const kindOf = (job: DbJob): JobKind => {
    const kind = options.kinds[job.type as JobType];
    if (!kind) throw new Error(`no runner for jobs of type ${job.type}`);
    return kind;
  };
  const readJob = (trx: Kysely<Database>, jobId: number) => (rowLocks ? lockJob(trx, jobId) : findJob(trx, jobId));
  const notify = async (jobId: number) => {
    if (!options.onStep) return;
    const job = await findJob(db.kysely, jobId);
    if (job) options.onStep(job);
  };

  async function initialize(job: DbJob): Promise<void> {
    const kind = kindOf(job);
    const now = iso(clock.now());
    await inWriteTransaction(db, async (trx) => {
      const current = await readJob(trx, job.id);
      if (!current || current.status !== 'INITIALIZING' || current.lease_owner !== id) return;
      // A failing initialization must leave the transaction usable (PostgreSQL aborts it otherwise) so
      // that the job can be marked FAILED instead of staying stuck and blocking the queue.
      const attempt = await inSavepoint(trx, 'initialize_job', () => kind.initialize(trx, context, current));
      const result = attempt.ok ? attempt.value : { ok: false as const, error: describeError(attempt.error) };
      if (!result.ok) {
        if (await markJobEnded(trx, job.id, { status: 'FAILED', counters: kind.emptyCounters(), at: now, error: result.error })) {
          await appendAudit(trx, [{ at: now, actor: 'system', action: 'JOB_FAILED', jobId: job.id, details: { error: result.error } }]);
        }
        return;
      }
      await markJobInitialized(trx, job.id, { ...result, users: result.candidates.users, bulks: result.candidates.bulks });
    });
  }

  /**
   * The last attempt at a bulk that failed twice: each user in a savepoint of its own, so that one user
   * whose deletion fails is counted and reported as failed and the others go on (COMPLETED_WARNING).
   */
  async function processIsolated(trx: Kysely<Database>, kind: JobKind, job: DbJob, bulkNo: number, userIds: number[]): Promise<BulkResult> {
    let counters: Counters = {};
    let purged = 0;
    let maxReached = false;
    const failed: Array<{ userId: number; error: string }> = [];
    for (const userId of userIds) {
      const attempt = await inSavepoint(trx, 'isolate_user', () => kind.processBulk(trx, context, job, bulkNo, [userId], { purgedEarlierInBulk: purged }));
      if (attempt.ok) {
        counters = addCounters(counters, attempt.value.counters);
        purged += attempt.value.purged;
        maxReached ||= attempt.value.maxReached;
      } else failed.push({ userId, error: describeError(attempt.error) });
    }
    if (failed.length > 0) {
      const known = await readPrimaryIds(trx, failed.map((f) => f.userId));
      await insertReportRows(
        trx,
        job.id,
        bulkNo,
        failed.map((f) => ({
          outcome: 'FAILED' as const,
          userId: f.userId,
          primaryId: known.get(f.userId)?.primaryId ?? `#${f.userId}`,
          userGroup: known.get(f.userId)?.userGroup ?? null,
          reasons: [],
          amount: 0,
          activeLoans: 0,
          activeRequests: 0,
          error: f.error,
        })),
      );
      counters = addCounters(counters, { failed: failed.length });
    }
    return { counters, purged, maxReached };
  }

  /** Processes the next pending bulk; false when none is free. */
  async function processNextBulk(job: DbJob): Promise<boolean> {
    const kind = kindOf(job);
    let claimed: number | undefined;
    try {
      return await inWriteTransaction(db, async (trx) => {
        const current = await findJob(trx, job.id);
        if (!current || current.status !== 'RUNNING') return false;
        const bulk = await lockNextPendingBulk(trx, job.id, db.capabilities.skipLocked);
        if (bulk === undefined) return false;
        claimed = bulk.bulkNo;
        const userIds = await readBulkUserIds(trx, job.id, bulk.bulkNo);
        const result =
          bulk.attempts >= MAX_BULK_ATTEMPTS - 1
            ? await processIsolated(trx, kind, current, bulk.bulkNo, userIds)
            : await kind.processBulk(trx, context, current, bulk.bulkNo, userIds, { purgedEarlierInBulk: 0 });
        await markBulkDone(trx, job.id, bulk.bulkNo, result.counters, result.purged, iso(clock.now()));
        if (result.maxReached) {
          await markMaxReached(trx, job.id);
          await skipPendingBulks(trx, job.id, iso(clock.now()));
        }
        return true;
      });
    } catch (error) {
      if (claimed === undefined) throw error;
      // The bulk's transaction rolled back: nothing of it was committed. Retry a bounded number of times.
      const message = describeError(error);
      const attempts = await inWriteTransaction(db, (trx) => recordBulkFailure(trx, job.id, claimed as number, message));
      if (attempts >= MAX_BULK_ATTEMPTS) await endJob(job, 'SYSTEM_ABORTED', `bulk ${claimed} failed ${attempts} times: ${message}`);
      return true;
    }
  }

  /**
   * Ends a job: remaining bulks become not_processed; counters are summed from the bulks. A normal end
   * waits while any bulk is still pending (another worker may hold it).
   */
  async function endJob(job: DbJob, forced: JobStatus | null, error: string | null = null): Promise<void> {
    const kind = kindOf(job);
    const now = iso(clock.now());
    await inWriteTransaction(db, async (trx) => {
      const current = await readJob(trx, job.id);
      if (!current || !['RUNNING', 'FINALIZING'].includes(current.status)) return;
      if (forced === null && (await countPendingBulks(trx, job.id)) > 0) {
        await moveJobStatus(trx, job.id, ['FINALIZING'], 'RUNNING');
        return;
      }
      await skipPendingBulks(trx, job.id, now);
      const summed = await sumBulkCounters(trx, job.id);
      const counters: Counters = { ...kind.emptyCounters(), ...summed, candidates: current.total_users };
      const status = forced ?? completedStatus(counters, current.max_reached === 1);
      if (await markJobEnded(trx, job.id, { status, counters, at: now, error })) {
        await appendAudit(trx, [{ at: now, actor: 'system', action: 'JOB_ENDED', jobId: job.id, details: { status, counters } }]);
      }
    });
  }

  async function step(): Promise<'worked' | 'idle'> {
    const now = clock.now();
    const leaseUntil = iso(new Date(now.getTime() + leaseMs));
    let job = await findJobInProgress(db.kysely);
    if (!job) {
      job = await inWriteTransaction(db, (trx) => claimQueuedJob(trx, id, iso(now), leaseUntil));
      if (!job) return 'idle';
    }
    switch (job.status) {
      case 'INITIALIZING': {
        const mine = await inWriteTransaction(db, (trx) => takeOverInitializing(trx, job.id, id, iso(now), leaseUntil));
        if (!mine) return 'idle';
        await initialize(job);
        break;
      }
      case 'RUNNING': {
        if (job.cancel_requested === 1) {
          await endJob(job, 'USER_ABORTED');
          break;
        }
        if (!(await processNextBulk(job))) {
          // Nothing free: either every bulk is done, or other workers hold the last ones.
          if ((await countPendingBulks(db.kysely, job.id)) > 0) return 'idle';
          await inWriteTransaction(db, (trx) => moveJobStatus(trx, job.id, ['RUNNING'], 'FINALIZING'));
          await endJob(job, null);
        }
        break;
      }
      case 'FINALIZING':
        await endJob(job, job.cancel_requested === 1 ? 'USER_ABORTED' : null);
        break;
    }
    const after = await findJob(db.kysely, job.id);
    if (after && after.status !== job.status && isEnded(after.status as JobStatus)) await flushDeletedData(db);
    await notify(job.id);
    return 'worked';
  }

  async function pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }

  async function run(runOptions: { untilIdle?: boolean; untilJobEnded?: number } = {}): Promise<void> {
    while (!stopping) {
      if (runOptions.untilJobEnded !== undefined) {
        const target = await findJob(db.kysely, runOptions.untilJobEnded);
        if (!target || isEnded(target.status as JobStatus)) return;
      }
      let outcome: 'worked' | 'idle';
      try {
        outcome = await step();
      } catch (error) {
        if (runOptions.untilIdle) throw error;
        options.onError?.(error);
        await pause(pollMs);
        continue;
      }
      // better-sqlite3 is synchronous: yield to the event loop between steps so that signals (SIGTERM,
      // Ctrl-C), timers and progress output are handled while a job runs.
      await new Promise((resolve) => setImmediate(resolve));
      if (outcome === 'idle') {
        if (runOptions.untilIdle) return;
        await pause(pollMs);
      }
    }
  }

  return {
    id,
    step,
    run,
    stop() {
      stopping = true;
      wake?.();
    },
  };
}
