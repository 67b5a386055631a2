/**
 * Jobs, bulks, candidates and report rows. The job row says everything about a job; bulks, candidate ids
 * and report rows are child tables. Stores take a database handle (or a transaction) as first argument.
 */
import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import { addCounters, type Counters, type JobStatus, type JobType } from '../domain/job.ts';
import type { Database, JobsTable } from './schema.ts';

/** A job row as stored. */
export type DbJob = Selectable<JobsTable>;

/** A new job to queue. */
export interface NewJob {
  type: JobType;
  parameters: unknown;
  operator: string | null;
  operatorUserId: number | null;
  submittedBy: string;
  submittedAt: string;
}

/** Queues a job; returns its id. */
export async function insertJob(db: Kysely<Database>, job: NewJob): Promise<number> {
  const row = await db
    .insertInto('jobs')
    .values({
      type: job.type,
      status: 'QUEUED',
      parameters: JSON.stringify(job.parameters),
      operator: job.operator,
      operator_user_id: job.operatorUserId,
      submitted_by: job.submittedBy,
      submitted_at: job.submittedAt,
      total_users: 0,
      total_bulks: 0,
      cancel_requested: 0,
      max_reached: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** One job, or undefined. */
export async function findJob(db: Kysely<Database>, id: number): Promise<DbJob | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Filters for listing jobs. */
export interface JobListFilter {
  ended?: boolean;
  type?: JobType;
  limit?: number;
}

/** Jobs, newest first. */
export async function listJobs(db: Kysely<Database>, filter: JobListFilter, endedStatuses: readonly JobStatus[]): Promise<DbJob[]> {
  let query = db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 200);
  if (filter.ended === true) query = query.where('status', 'in', [...endedStatuses]);
  if (filter.ended === false) query = query.where('status', 'not in', [...endedStatuses]);
  if (filter.type) query = query.where('type', '=', filter.type);
  return query.execute();
}

/** The job that is in progress (not queued, not ended), if any: jobs that change users run one at a time. */
export async function findJobInProgress(db: Kysely<Database>): Promise<DbJob | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('status', 'in', ['INITIALIZING', 'RUNNING', 'FINALIZING'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Takes the oldest queued job into INITIALIZING with a lease, if no job is in progress. Compare-and-set:
 * only one worker wins.
 */
export async function claimQueuedJob(db: Kysely<Database>, owner: string, now: string, leaseUntil: string): Promise<DbJob | undefined> {
  const next = await db.selectFrom('jobs').select('id').where('status', '=', 'QUEUED').orderBy('id').limit(1).executeTakeFirst();
  if (!next) return undefined;
  const claimed = await db
    .updateTable('jobs')
    .set({ status: 'INITIALIZING', lease_owner: owner, lease_expires_at: leaseUntil, started_at: now })
    .where('id', '=', next.id)
    .where('status', '=', 'QUEUED')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('jobs as other').select('other.id').where('other.status', 'in', ['INITIALIZING', 'RUNNING', 'FINALIZING']))),
    )
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return undefined;
  return findJob(db, next.id);
}

/** Takes over an INITIALIZING job whose lease expired (its worker died). */
export async function takeOverInitializing(db: Kysely<Database>, jobId: number, owner: string, now: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_owner: owner, lease_expires_at: leaseUntil })
    .where('id', '=', jobId)
    .where('status', '=', 'INITIALIZING')
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Fixes the candidate list of a job set-based: the ids selected by `candidateIds` (a query returning
 * `id`, ordered by id) are numbered into bulks of `bulkSize` by one INSERT ... SELECT, so memory stays flat
 * whatever the number of candidates. Returns the number of candidates.
 */
export async function writeCandidates(
  db: Kysely<Database>,
  jobId: number,
  bulkSize: number,
  candidateIds: SelectQueryBuilder<Database, 'users', { id: number }>,
): Promise<{ users: number; bulks: number }> {
  await db.deleteFrom('job_bulks').where('job_id', '=', jobId).execute();
  await db.deleteFrom('job_candidates').where('job_id', '=', jobId).execute();
  await db
    .insertInto('job_candidates')
    .columns(['job_id', 'bulk_no', 'user_id'])
    .expression(
      db
        .selectFrom(candidateIds.as('c'))
        .select([
          sql<number>`cast(${jobId} as integer)`.as('job_id'),
          // The cast keeps the division integral: a bound JS number may arrive as a float.
          sql<number>`(row_number() over (order by c.id) - 1) / cast(${bulkSize} as integer)`.as('bulk_no'),
          sql<number>`c.id`.as('user_id'),
        ]) as never,
    )
    .execute();
  await db
    .insertInto('job_bulks')
    .columns(['job_id', 'bulk_no', 'state', 'user_count', 'purged', 'attempts'])
    .expression(
      db
        .selectFrom('job_candidates')
        .select([
          'job_id',
          'bulk_no',
          sql<string>`'PENDING'`.as('state'),
          (eb) => eb.fn.countAll<number>().as('user_count'),
          sql<number>`0`.as('purged'),
          sql<number>`0`.as('attempts'),
        ])
        .where('job_id', '=', jobId)
        .groupBy(['job_id', 'bulk_no']) as never,
    )
    .execute();
  const totals = await db
    .selectFrom('job_bulks')
    .select([(eb) => eb.fn.countAll<number>().as('bulks'), (eb) => eb.fn.sum<number>('user_count').as('users')])
    .where('job_id', '=', jobId)
    .executeTakeFirstOrThrow();
  return { users: Number(totals.users ?? 0), bulks: Number(totals.bulks) };
}

/** The next pending bulk of a job (number and failed attempts), locked for this transaction (SKIP LOCKED where the engine has it). */
export async function lockNextPendingBulk(db: Kysely<Database>, jobId: number, skipLocked: boolean): Promise<{ bulkNo: number; attempts: number } | undefined> {
  let query = db
    .selectFrom('job_bulks')
    .select(['bulk_no', 'attempts'])
    .where('job_id', '=', jobId)
    .where('state', '=', 'PENDING')
    .orderBy('bulk_no')
    .limit(1);
  if (skipLocked) query = query.forUpdate().skipLocked();
  const row = await query.executeTakeFirst();
  return row ? { bulkNo: row.bulk_no, attempts: row.attempts } : undefined;
}

/** The user ids of one bulk, in id order. */
export async function readBulkUserIds(db: Kysely<Database>, jobId: number, bulkNo: number): Promise<number[]> {
  const rows = await db
    .selectFrom('job_candidates')
    .select('user_id')
    .where('job_id', '=', jobId)
    .where('bulk_no', '=', bulkNo)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** Users purged so far by a job's finished bulks. */
export async function sumPurged(db: Kysely<Database>, jobId: number): Promise<number> {
  const row = await db.selectFrom('job_bulks').select((eb) => eb.fn.sum<number>('purged').as('n')).where('job_id', '=', jobId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks a bulk done with what it counted; part of the bulk's transaction. */
export async function markBulkDone(db: Kysely<Database>, jobId: number, bulkNo: number, counters: Counters, purged: number, at: string): Promise<void> {
  await db
    .updateTable('job_bulks')
    .set({ state: 'DONE', counters: JSON.stringify(counters), purged, done_at: at })
    .where('job_id', '=', jobId)
    .where('bulk_no', '=', bulkNo)
    .execute();
}

/** Records a failed attempt at a bulk; returns the number of attempts so far. */
export async function recordBulkFailure(db: Kysely<Database>, jobId: number, bulkNo: number, error: string): Promise<number> {
  await db
    .updateTable('job_bulks')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error }))
    .where('job_id', '=', jobId)
    .where('bulk_no', '=', bulkNo)
    .execute();
  const row = await db.selectFrom('job_bulks').select('attempts').where('job_id', '=', jobId).where('bulk_no', '=', bulkNo).executeTakeFirstOrThrow();
  return row.attempts;
}

/** Skips every pending bulk (cancel, maximum reached, abort); their users become not_processed. */
export async function skipPendingBulks(db: Kysely<Database>, jobId: number, at: string): Promise<void> {
  await db
    .updateTable('job_bulks')
    .set((eb) => ({ state: 'SKIPPED', done_at: at, counters: sql<string>`'{"not_processed":' || cast(${eb.ref('user_count')} as text) || '}'` }))
    .where('job_id', '=', jobId)
    .where('state', '=', 'PENDING')
    .execute();
}

/** Progress of a job: bulks and users processed so far. */
export async function readProgress(db: Kysely<Database>, jobId: number): Promise<{ bulksDone: number; usersDone: number; pending: number }> {
  const rows = await db
    .selectFrom('job_bulks')
    .select(['state', (eb) => eb.fn.countAll<number>().as('bulks'), (eb) => eb.fn.sum<number>('user_count').as('users')])
    .where('job_id', '=', jobId)
    .groupBy('state')
    .execute();
  let bulksDone = 0;
  let usersDone = 0;
  let pending = 0;
  for (const r of rows) {
    if (r.state === 'PENDING') pending += Number(r.bulks);
    else {
      bulksDone += Number(r.bulks);
      usersDone += Number(r.users ?? 0);
    }
  }
  return { bulksDone, usersDone, pending };
}

/** The counters summed over a job's finished bulks. */
export async function sumBulkCounters(db: Kysely<Database>, jobId: number): Promise<Counters> {
  const rows = await db.selectFrom('job_bulks').select('counters').where('job_id', '=', jobId).where('counters', 'is not', null).execute();
  return rows.reduce<Counters>((sum, r) => addCounters(sum, JSON.parse(r.counters as string) as Counters), {});
}

/** One row of a job report as stored. */
export interface ReportRowInput {
  outcome: 'NOT_PURGED' | 'FAILED' | 'PURGED';
  userId: number | null;
  primaryId: string;
  userGroup: string | null;
  reasons: readonly string[];
  amount: number;
  activeLoans: number;
  activeRequests: number;
  error?: string | null;
}

/** Writes report rows of a bulk (multi-row inserts). */
export async function insertReportRows(db: Kysely<Database>, jobId: number, bulkNo: number, rows: readonly ReportRowInput[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const slice = rows.slice(i, i + 500);
    await db
      .insertInto('job_report_rows')
      .values(
        slice.map((r) => ({
          job_id: jobId,
          bulk_no: bulkNo,
          outcome: r.outcome,
          user_id: r.userId,
          primary_id: r.primaryId,
          user_group: r.userGroup,
          reasons: r.reasons.join(';'),
          amount: r.amount,
          active_loans: r.activeLoans,
          active_requests: r.activeRequests,
          error: r.error ?? null,
        })),
      )
      .execute();
  }
}

/** A job's report rows of one outcome, in the order they were written. */
export async function readReportRows(db: Kysely<Database>, jobId: number, outcome: ReportRowInput['outcome']) {
  return db
    .selectFrom('job_report_rows')
    .select(['primary_id', 'user_group', 'reasons', 'amount', 'active_loans', 'active_requests', 'error', 'user_id'])
    .where('job_id', '=', jobId)
    .where('outcome', '=', outcome)
    .orderBy('id')
    .execute();
}

/** Deletes ended jobs (and their bulks, candidates and report rows) that ended before `cutoff`. */
export async function deleteJobsEndedBefore(db: Kysely<Database>, cutoff: string, endedStatuses: readonly JobStatus[]): Promise<number[]> {
  const old = await db.selectFrom('jobs').select('id').where('status', 'in', [...endedStatuses]).where('ended_at', '<', cutoff).orderBy('id').limit(1000).execute();
  const ids = old.map((r) => r.id);
  if (ids.length === 0) return [];
  for (const table of ['job_report_rows', 'job_candidates', 'job_bulks'] as const) await db.deleteFrom(table).where('job_id', 'in', ids).execute();
  await db.deleteFrom('jobs').where('id', 'in', ids).execute();
  return ids;
}

/** Locks a job's row for the rest of the transaction (engines with row locks) and returns it. */
export async function lockJob(db: Kysely<Database>, jobId: number): Promise<DbJob | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', jobId).forUpdate().executeTakeFirst();
}

/** Bulks of a job still pending, including any another worker holds right now. */
export async function countPendingBulks(db: Kysely<Database>, jobId: number): Promise<number> {
  const row = await db
    .selectFrom('job_bulks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('job_id', '=', jobId)
    .where('state', '=', 'PENDING')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Changes a job's status if it is still `from` (compare-and-set); true when it changed. */
export async function moveJobStatus(db: Kysely<Database>, jobId: number, from: readonly JobStatus[], to: JobStatus): Promise<boolean> {
  const result = await db.updateTable('jobs').set({ status: to }).where('id', '=', jobId).where('status', 'in', [...from]).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records what initialization fixed and moves the job on (RUNNING, or FINALIZING when there is no candidate). */
export async function markJobInitialized(
  db: Kysely<Database>,
  jobId: number,
  fixed: { today: string | null; cutoff: string | null; settings: unknown; users: number; bulks: number },
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: fixed.users === 0 ? 'FINALIZING' : 'RUNNING',
      today: fixed.today,
      cutoff: fixed.cutoff,
      settings: JSON.stringify(fixed.settings),
      total_users: fixed.users,
      total_bulks: fixed.bulks,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where('id', '=', jobId)
    .execute();
}

/** Ends a job with its status and final counters (only from a state in progress); true when it ended it. */
export async function markJobEnded(
  db: Kysely<Database>,
  jobId: number,
  ended: { status: JobStatus; counters: Counters; at: string; error: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: ended.status, counters: JSON.stringify(ended.counters), ended_at: ended.at, error: ended.error, lease_owner: null, lease_expires_at: null })
    .where('id', '=', jobId)
    .where('status', 'in', ['INITIALIZING', 'RUNNING', 'FINALIZING'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Notes that the job's maximum number of users was reached. */
export async function markMaxReached(db: Kysely<Database>, jobId: number): Promise<void> {
  await db.updateTable('jobs').set({ max_reached: 1 }).where('id', '=', jobId).execute();
}

/** Ends a job that is still queued as USER_ABORTED (compare-and-set); true when it did. */
export async function abortQueuedJob(db: Kysely<Database>, jobId: number, counters: Counters, at: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'USER_ABORTED', cancel_requested: 1, ended_at: at, counters: JSON.stringify(counters) })
    .where('id', '=', jobId)
    .where('status', '=', 'QUEUED')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Asks a job that has not ended to stop at its next bulk boundary; false when it has ended. */
export async function requestJobCancel(db: Kysely<Database>, jobId: number, endedStatuses: readonly JobStatus[]): Promise<boolean> {
  const result = await db.updateTable('jobs').set({ cancel_requested: 1 }).where('id', '=', jobId).where('status', 'not in', [...endedStatuses]).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
