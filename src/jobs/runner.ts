/**
 * The job runner: claims queued jobs one at a time, initializes them, processes their bulks (each bulk one
 * transaction that evaluates, deletes, writes report rows and counters and marks the bulk done), honours
 * cancel at bulk boundaries and finalizes. Everything lives in the database, so a worker killed at any
 * point loses at most its uncommitted bulk and any worker can carry on.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { completedStatus, isEnded, type Counters, type JobStatus, type JobType } from '../domain/job.ts';
import { inWriteTransaction } from '../db/connection.ts';
import { appendAudit } from '../db/audit-store.ts';
import {
  claimQueuedJob,
  findJob,
  findJobInProgress,
  lockNextPendingBulk,
  markBulkDone,
  readBulkUserIds,
  recordBulkFailure,
  skipPendingBulks,
  sumBulkCounters,
  takeOverInitializing,
  type DbJob,
} from '../db/job-store.ts';
import type { JobContext, JobKind } from './job-kind.ts';

/** Attempts at one bulk before the job is SYSTEM_ABORTED. */
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
}

/** A worker: `step` does one unit of work; `run` loops until stopped or (with `untilIdle`) until idle. */
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

/** Creates a worker over `context`. */
export function createWorker(context: JobContext, options: WorkerOptions): Worker {
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1000;
  const { db, clock } = context;
  let stopping = false;
  let wake: (() => void) | undefined;

  const kindOf = (job: DbJob): JobKind => {
    const kind = options.kinds[job.type as JobType];
    if (!kind) throw new Error(`no runner for jobs of type ${job.type}`);
    return kind;
  };
  const notify = async (jobId: number) => {
    if (!options.onStep) return;
    const job = await findJob(db.kysely, jobId);
    if (job) options.onStep(job);
  };

  async function initialize(job: DbJob): Promise<void> {
    const kind = kindOf(job);
    const now = iso(clock.now());
    await inWriteTransaction(db, async (trx) => {
      const current = await findJob(trx, job.id);
      if (!current || current.status !== 'INITIALIZING' || current.lease_owner !== id) return;
      let result;
      try {
        result = await kind.initialize(trx, context, current);
      } catch (error) {
        result = { ok: false as const, error: error instanceof Error ? error.message : String(error) };
      }
      if (!result.ok) {
        await trx
          .updateTable('jobs')
          .set({ status: 'FAILED', error: result.error, ended_at: now, counters: JSON.stringify(kind.emptyCounters()), lease_owner: null, lease_expires_at: null })
          .where('id', '=', job.id)
          .execute();
        await appendAudit(trx, [{ at: now, actor: 'system', action: 'JOB_FAILED', jobId: job.id, details: { error: result.error } }]);
        return;
      }
      await trx
        .updateTable('jobs')
        .set({
          status: result.candidates.users === 0 ? 'FINALIZING' : 'RUNNING',
          today: result.today,
          cutoff: result.cutoff,
          settings: JSON.stringify(result.settings),
          total_users: result.candidates.users,
          total_bulks: result.candidates.bulks,
          lease_owner: null,
          lease_expires_at: null,
        })
        .where('id', '=', job.id)
        .execute();
    });
  }

  /** Processes the next pending bulk; false when none is left. */
  async function processNextBulk(job: DbJob): Promise<boolean> {
    const kind = kindOf(job);
    let claimed: number | undefined;
    try {
      const done = await inWriteTransaction(db, async (trx) => {
        const current = await findJob(trx, job.id);
        if (!current || current.status !== 'RUNNING') return false;
        const bulkNo = await lockNextPendingBulk(trx, job.id, db.capabilities.skipLocked);
        if (bulkNo === undefined) return false;
        claimed = bulkNo;
        const userIds = await readBulkUserIds(trx, job.id, bulkNo);
        const result = await kind.processBulk(trx, context, current, bulkNo, userIds);
        await markBulkDone(trx, job.id, bulkNo, result.counters, result.purged, iso(clock.now()));
        if (result.maxReached) {
          await trx.updateTable('jobs').set({ max_reached: 1 }).where('id', '=', job.id).execute();
          await skipPendingBulks(trx, job.id, iso(clock.now()));
        }
        return true;
      });
      return done;
    } catch (error) {
      if (claimed === undefined) throw error;
      // The bulk's transaction rolled back: nothing of it was committed. Retry a bounded number of times.
      const message = error instanceof Error ? error.message : String(error);
      const attempts = await recordBulkFailure(db.kysely, job.id, claimed, message);
      if (attempts >= MAX_BULK_ATTEMPTS) await endJob(job, 'SYSTEM_ABORTED', `bulk ${claimed} failed ${attempts} times: ${message}`);
      return true;
    }
  }

  /** Ends a job: remaining bulks become not_processed; counters are summed from the bulks. */
  async function endJob(job: DbJob, forced: JobStatus | null, error: string | null = null): Promise<void> {
    const kind = kindOf(job);
    const now = iso(clock.now());
    await inWriteTransaction(db, async (trx) => {
      const current = await findJob(trx, job.id);
      if (!current || !['RUNNING', 'FINALIZING'].includes(current.status)) return;
      await skipPendingBulks(trx, job.id, now);
      const summed = await sumBulkCounters(trx, job.id);
      const counters: Counters = { ...kind.emptyCounters(), ...summed, candidates: current.total_users };
      const status = forced ?? completedStatus(counters, current.max_reached === 1);
      await trx
        .updateTable('jobs')
        .set({ status, counters: JSON.stringify(counters), ended_at: now, error, lease_owner: null, lease_expires_at: null })
        .where('id', '=', job.id)
        .execute();
      await appendAudit(trx, [{ at: now, actor: 'system', action: 'JOB_ENDED', jobId: job.id, details: { status, counters } }]);
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
        const mine = await takeOverInitializing(db.kysely, job.id, id, iso(now), leaseUntil);
        if (!mine) return 'idle';
        await initialize(job);
        break;
      }
      case 'RUNNING': {
        if (job.cancel_requested === 1) {
          await endJob(job, 'USER_ABORTED');
          break;
        }
        const more = await processNextBulk(job);
        if (!more) {
          await db.kysely.updateTable('jobs').set({ status: 'FINALIZING' }).where('id', '=', job.id).where('status', '=', 'RUNNING').execute();
          await endJob(job, null);
        }
        break;
      }
      case 'FINALIZING':
        await endJob(job, job.cancel_requested === 1 ? 'USER_ABORTED' : null);
        break;
    }
    await notify(job.id);
    return 'worked';
  }

  async function run(runOptions: { untilIdle?: boolean; untilJobEnded?: number } = {}): Promise<void> {
    while (!stopping) {
      if (runOptions.untilJobEnded !== undefined) {
        const target = await findJob(db.kysely, runOptions.untilJobEnded);
        if (!target || isEnded(target.status as JobStatus)) return;
      }
      const outcome = await step();
      if (outcome === 'idle') {
        if (runOptions.untilIdle) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
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
