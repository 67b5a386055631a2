/**
 * Use cases of the Purge User Records job shared by the CLI and the HTTP API: validate and queue a job,
 * cancel it, show it, read its report.
 */
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { fail, type Result } from '../domain/errors.ts';
import { candidateFilterOf } from '../domain/purge-criteria.ts';
import { addDays, dateInTimeZone } from '../domain/calendar-date.ts';
import { emptyPurgeCounters, ENDED_STATUSES, isEnded, type Counters, type JobStatus, type JobType, type PurgeParameters } from '../domain/job.ts';
import { currencyDigits, formatMoney, parseMoney } from '../domain/money.ts';
import type { Settings } from '../domain/settings.ts';
import { RECORD_TYPES, type RecordType } from '../domain/user.ts';
import { appendAudit } from '../db/audit-store.ts';
import { inWriteTransaction } from '../db/connection.ts';
import { abortQueuedJob, findJob, insertJob, listJobs, requestJobCancel, readProgress, readReportRows, sumBulkCounters, type DbJob } from '../db/job-store.ts';
import { countCandidates } from '../db/purge-store.ts';
import { findGroupCode, findLibraryCode, findLiveUser } from '../db/reference-store.ts';
import { readSettings } from '../db/settings-store.ts';
import type { PurgeSnapshot } from '../jobs/purge/purge-job-kind.ts';
import type { AppContext } from './context.ts';
import { readValidSettings } from './settings.ts';

/**
 * A purge job request as it arrives from the CLI, the API or a file: the four parameters of the Add Job
 * dialog, the three options and the operator. Anything else is refused (strict), never ignored.
 */
export const purgeRequestSchema = z.strictObject({
  daysAfterPurgeDate: z.union([z.number(), z.string()]).optional(),
  recordType: z.string().optional(),
  userGroup: z.string().optional(),
  waiveThreshold: z.union([z.string(), z.number()]).optional(),
  simulate: z.boolean().optional(),
  libraries: z.array(z.string()).optional(),
  maxUsers: z.union([z.number(), z.string()]).nullable().optional(),
  operator: z.string().nullable().optional(),
});
export type PurgeRequest = z.infer<typeof purgeRequestSchema>;

/** A validated request: the parameters and the operator resolved to a user. */
export interface ValidatedPurge {
  parameters: PurgeParameters;
  operator: string | null;
  operatorUserId: number | null;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): Result<{ value: number }> {
  const text = typeof value === 'number' ? String(value) : String(value ?? '').trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    return fail('VALIDATION_FAILED', `${field} must be a whole number from ${min} to ${max}, not "${String(value)}"`);
  }
  return { ok: true, value: Number(text) };
}

/**
 * Validates a request against the rules of SPEC.md 3.1 and 3.2 and the reference data: unknown group or
 * library, Contact with a group, an operator that is not a user are refused. Reads, never writes.
 */
export async function validatePurgeRequest(context: AppContext, raw: unknown): Promise<Result<ValidatedPurge>> {
  const parsed = purgeRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') return fail('UNKNOWN_FIELD', `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
    return fail('VALIDATION_FAILED', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
  }
  const request = parsed.data;
  const db = context.db.kysely;
  const settings = await readSettings(db);

  const daysRaw = request.daysAfterPurgeDate;
  const days = daysRaw === undefined || (typeof daysRaw === 'string' && daysRaw.trim() === '') ? { ok: true as const, value: 0 } : wholeNumber(daysRaw, 'daysAfterPurgeDate', 0, 36_500);
  if (!days.ok) return days;

  let recordType: RecordType | null = null;
  const recordTypeText = (request.recordType ?? 'ALL').trim().toUpperCase();
  if (recordTypeText !== 'ALL') {
    if (!(RECORD_TYPES as readonly string[]).includes(recordTypeText)) {
      return fail('VALIDATION_FAILED', `recordType must be one of All, Public, Staff, Contact, not "${request.recordType}"`);
    }
    recordType = recordTypeText as RecordType;
  }

  let userGroup: string | null = null;
  const groupText = (request.userGroup ?? 'ALL').trim();
  if (groupText.toUpperCase() !== 'ALL') {
    const group = await findGroupCode(db, groupText);
    if (!group) return fail('NOT_FOUND', `userGroup "${groupText}" is not a configured user group`);
    if (recordType === 'CONTACT') return fail('VALIDATION_FAILED', 'userGroup must be All when recordType is Contact (contacts have no group)');
    userGroup = group;
  }

  const threshold = parseMoney(request.waiveThreshold ?? '0', currencyDigits(settings.currency));
  if (!threshold.ok) return fail('VALIDATION_FAILED', `waiveThreshold ${threshold.message} (amounts are in ${settings.currency})`);

  const libraries: string[] = [];
  for (const code of request.libraries ?? []) {
    const library = await findLibraryCode(db, code);
    if (!library) return fail('NOT_FOUND', `library "${code}" is not a configured library`);
    if (!libraries.includes(library)) libraries.push(library);
  }

  let maxUsers: number | null = null;
  if (request.maxUsers !== undefined && request.maxUsers !== null && String(request.maxUsers).trim() !== '') {
    const max = wholeNumber(request.maxUsers, 'maxUsers', 1, 1_000_000_000);
    if (!max.ok) return max;
    maxUsers = max.value;
  }

  let operator: string | null = null;
  let operatorUserId: number | null = null;
  if (request.operator) {
    const user = await findLiveUser(db, request.operator);
    if (!user) return fail('NOT_FOUND', `operator "${request.operator}" is not a user`);
    operator = user.primaryId;
    operatorUserId = user.id;
  }

  return {
    ok: true,
    parameters: {
      daysAfterPurgeDate: days.value,
      recordType,
      userGroup,
      waiveThreshold: threshold.minor,
      simulate: request.simulate ?? false,
      libraries,
      maxUsers,
    },
    operator,
    operatorUserId,
  };
}

/** Validates and queues a purge job; writes the audit entry in the same transaction. */
export async function createPurgeJob(context: AppContext, raw: unknown, actor: string): Promise<Result<{ jobId: number }>> {
  const validated = await validatePurgeRequest(context, raw);
  if (!validated.ok) return validated;
  const now = context.clock.now().toISOString();
  const jobId = await inWriteTransaction(context.db, async (trx) => {
    const id = await insertJob(trx, {
      type: 'PURGE_USERS',
      parameters: validated.parameters,
      operator: validated.operator,
      operatorUserId: validated.operatorUserId,
      submittedBy: actor,
      submittedAt: now,
    });
    await appendAudit(trx, [
      { at: now, actor, action: 'JOB_CREATED', jobId: id, details: { type: 'PURGE_USERS', confirmed: true, parameters: validated.parameters, operator: validated.operator } },
    ]);
    return id;
  });
  return { ok: true, jobId };
}

/**
 * Cancels a job: a queued job ends at once as USER_ABORTED; a running one stops at its next bulk
 * boundary. An ended job cannot be cancelled.
 */
export async function cancelJob(context: AppContext, jobId: number, actor: string): Promise<Result<{ status: JobStatus }>> {
  const now = context.clock.now().toISOString();
  return inWriteTransaction(context.db, async (trx) => {
    const job = await findJob(trx, jobId);
    if (!job) return fail('NOT_FOUND', `job ${jobId} does not exist`);
    if (isEnded(job.status as JobStatus)) return fail('JOB_NOT_CANCELLABLE', `job ${jobId} has already ended (${job.status})`);
    let status = job.status as JobStatus;
    // A queued job ends at once (compare-and-set: a worker may claim it meanwhile on PostgreSQL); a job in
    // progress, or claimed meanwhile, stops at its worker's next bulk boundary.
    if (status === 'QUEUED' && (await abortQueuedJob(trx, jobId, emptyPurgeCounters(), now))) status = 'USER_ABORTED';
    if (status !== 'USER_ABORTED') {
      const requested = await requestJobCancel(trx, jobId, ENDED_STATUSES);
      status = ((await findJob(trx, jobId))?.status ?? status) as JobStatus;
      if (!requested) return fail('JOB_NOT_CANCELLABLE', `job ${jobId} has already ended (${status})`);
    }
    await appendAudit(trx, [{ at: now, actor, action: 'JOB_CANCELLED', jobId, details: { statusWhenCancelled: status === 'USER_ABORTED' ? 'QUEUED' : status } }]);
    return { ok: true as const, status };
  });
}

/** The job as the CLI's `--json` and the API show it (SPEC.md section 8). */
export interface JobView {
  id: number;
  type: string;
  status: JobStatus;
  today: string | null;
  operator: string | null;
  parameters: {
    daysAfterPurgeDate: number;
    recordType: string;
    userGroup: string;
    waiveThreshold: string;
    simulate: boolean;
    libraries: string[];
    maxUsers: number | null;
  };
  counters: Counters;
  submittedAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/** The counters of a job: final once ended, otherwise summed from the bulks done so far. */
export async function readJobCounters(context: AppContext, job: DbJob): Promise<Counters> {
  if (job.counters) return { ...emptyPurgeCounters(), ...(JSON.parse(job.counters) as Counters) };
  const summed = await sumBulkCounters(context.db.kysely, job.id);
  return { ...emptyPurgeCounters(), ...summed, candidates: job.total_users };
}

/**
 * The settings a job runs with, fixed at its initialization (jobs.settings), or null for a job that has
 * not started. A job's amounts and report read with these, not with today's settings.
 */
function snapshotSettingsOf(job: DbJob): Settings | null {
  if (job.settings === null) return null;
  return (JSON.parse(job.settings) as Partial<PurgeSnapshot>).settings ?? null;
}

/**
 * Builds the view of a job. Amounts are formatted in the currency of the job's settings snapshot;
 * `currentCurrency` serves only a job that has not started.
 */
export async function toJobView(context: AppContext, job: DbJob, currentCurrency: string): Promise<JobView> {
  const parameters = JSON.parse(job.parameters) as PurgeParameters;
  const digits = currencyDigits(snapshotSettingsOf(job)?.currency ?? currentCurrency);
  return {
    id: job.id,
    type: job.type,
    status: job.status as JobStatus,
    today: job.today,
    operator: job.operator,
    parameters: {
      daysAfterPurgeDate: parameters.daysAfterPurgeDate,
      recordType: parameters.recordType ?? 'ALL',
      userGroup: parameters.userGroup ?? 'ALL',
      waiveThreshold: formatMoney(parameters.waiveThreshold, digits),
      simulate: parameters.simulate,
      libraries: parameters.libraries,
      maxUsers: parameters.maxUsers,
    },
    counters: await readJobCounters(context, job),
    submittedAt: job.submitted_at,
    startedAt: job.started_at,
    endedAt: job.ended_at,
  };
}

/** A job's view by id. */
export async function showJob(context: AppContext, jobId: number): Promise<Result<{ job: JobView }>> {
  const job = await findJob(context.db.kysely, jobId);
  if (!job) return fail('NOT_FOUND', `job ${jobId} does not exist`);
  const settings = await readSettings(context.db.kysely);
  return { ok: true, job: await toJobView(context, job, settings.currency) };
}

/** One kept user in a report. */
export interface NotPurgedRow {
  primary_id: string;
  user_group: string | null;
  reasons: string[];
  amount: string;
  active_loans: number;
  active_requests: number;
}

/** A job report (SPEC.md 3.4). `purged` is present only when `report_purged_users` is on. */
export interface JobReport {
  job: JobView;
  not_purged: NotPurgedRow[];
  failed: Array<{ primary_id: string; error: string }>;
  purged?: string[];
}

/** Reads a job's report. */
export async function readJobReport(context: AppContext, jobId: number): Promise<Result<{ report: JobReport }>> {
  const db = context.db.kysely;
  const job = await findJob(db, jobId);
  if (!job) return fail('NOT_FOUND', `job ${jobId} does not exist`);
  // The report reads as the job wrote it: its currency, and its choice of listing purged users (a job
  // run with report_purged_users off wrote no list, which must not show as an empty one).
  const settings = snapshotSettingsOf(job) ?? (await readSettings(db));
  const digits = currencyDigits(settings.currency);
  const notPurged = await readReportRows(db, jobId, 'NOT_PURGED');
  const failed = await readReportRows(db, jobId, 'FAILED');
  const report: JobReport = {
    job: await toJobView(context, job, settings.currency),
    not_purged: notPurged.map((r) => ({
      primary_id: r.primary_id,
      user_group: r.user_group,
      reasons: r.reasons === '' ? [] : r.reasons.split(';'),
      amount: formatMoney(Number(r.amount), digits),
      active_loans: r.active_loans,
      active_requests: r.active_requests,
    })),
    failed: failed.map((r) => ({ primary_id: r.primary_id, error: r.error ?? '' })),
  };
  if (settings.reportPurgedUsers) report.purged = (await readReportRows(db, jobId, 'PURGED')).map((r) => r.primary_id);
  return { ok: true, report };
}

/**
 * A text cell made safe for spreadsheets: one that begins with `=`, `+`, `-`, `@`, a tab or a carriage
 * return would be read as a formula (CSV injection, OWASP), so it is prefixed with a single quote.
 */
function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * The CSV form of a report: the kept users, one row each. The text cells (primary id, user group) are
 * made spreadsheet-safe; reasons are codes and the other cells numbers (a credit's amount is negative).
 */
export function reportToCsv(report: JobReport): string {
  return stringify(
    report.not_purged.map((r) => [spreadsheetSafe(r.primary_id), spreadsheetSafe(r.user_group ?? ''), r.reasons.join(';'), r.amount, r.active_loans, r.active_requests]),
    { header: true, columns: ['primary_id', 'user_group', 'reasons', 'amount', 'active_loans', 'active_requests'] },
  );
}

/** Jobs with their views and submitters, newest first; `ended` filters running or completed jobs. */
export async function listJobViews(context: AppContext, filter: { ended?: boolean; type?: JobType } = {}): Promise<Array<{ view: JobView; submittedBy: string }>> {
  const settings = await readSettings(context.db.kysely);
  const rows = await listJobs(context.db.kysely, filter, ENDED_STATUSES);
  return Promise.all(rows.map(async (row) => ({ view: await toJobView(context, row, settings.currency), submittedBy: row.submitted_by })));
}

/** Users processed so far by a job, and its candidates. */
export async function readJobProgress(context: AppContext, jobId: number): Promise<{ done: number; total: number }> {
  const job = await findJob(context.db.kysely, jobId);
  const progress = await readProgress(context.db.kysely, jobId);
  return { done: progress.usersDone, total: job?.total_users ?? 0 };
}

/** How many users are candidates of these parameters right now (the job's criteria then decide). */
export async function countCandidatesNow(context: AppContext, parameters: PurgeParameters): Promise<Result<{ today: string; candidates: number }>> {
  const db = context.db.kysely;
  const valid = await readValidSettings(context);
  if (!valid.ok) return valid;
  const today = dateInTimeZone(context.clock.now(), valid.settings.timezone);
  const filter = candidateFilterOf(parameters, addDays(today, -parameters.daysAfterPurgeDate));
  return { ok: true, today, candidates: await countCandidates(db, filter) };
}
