/** The Purge User Records job (SPEC.md section 3) as a job kind for the runner. */
import type { Kysely } from 'kysely';
import { addDays, dateInTimeZone } from '../../domain/calendar-date.ts';
import { emptyPurgeCounters, type Counters, type PurgeParameters } from '../../domain/job.ts';
import { checkCandidate, evaluateCriteria, netAmount, type CandidateFilter } from '../../domain/purge-criteria.ts';
import { findInvalidSettings, toSettings, type Settings } from '../../domain/settings.ts';
import { toKey } from '../../domain/user.ts';
import { insertReportRows, sumPurged, writeCandidates, type DbJob, type ReportRowInput } from '../../db/job-store.ts';
import { countDeletionEffects, deleteUsers, loadUserFacts, type BulkUser } from '../../db/purge-store.ts';
import { readStoredSettings } from '../../db/settings-store.ts';
import type { Database } from '../../db/schema.ts';
import type { BulkResult, InitializeResult, JobContext, JobKind } from '../job-kind.ts';

/** What a purge job fixes at initialization and every bulk reads back. */
interface PurgeSnapshot {
  settings: Settings;
  /** Internal id of the anonymisation user, if the setting names one that exists. */
  anonymisationUserId: number | null;
}

/** The candidate filter of a job's parameters. */
export function candidateFilterOf(parameters: PurgeParameters, cutoff: string): CandidateFilter {
  return {
    cutoff,
    recordType: parameters.recordType,
    userGroupKey: parameters.userGroup === null ? null : toKey(parameters.userGroup),
    libraryKeys: parameters.libraries.map(toKey),
  };
}

/** Selects the ids of the candidates of `filter`, in id order (SPEC.md 3.2). */
export function selectCandidateIds(db: Kysely<Database>, filter: CandidateFilter) {
  let query = db
    .selectFrom('users')
    .select('id')
    .where('purge_date', 'is not', null)
    .where('purge_date', '<=', filter.cutoff)
    .where('status', '<>', 'DELETED');
  if (filter.recordType) query = query.where('record_type', '=', filter.recordType);
  if (filter.userGroupKey) query = query.where('user_group_key', '=', filter.userGroupKey);
  if (filter.libraryKeys.length > 0) query = query.where('home_library_key', 'in', [...filter.libraryKeys]);
  return query;
}

/** Resolves the anonymisation user's internal id. */
export async function findAnonymisationUserId(db: Kysely<Database>, settings: Settings): Promise<number | null> {
  if (settings.anonymisationUser === '') return null;
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('primary_id_key', '=', toKey(settings.anonymisationUser))
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Parameters of a stored job. */
export function purgeParametersOf(job: DbJob): PurgeParameters {
  return JSON.parse(job.parameters) as PurgeParameters;
}

/** A report row for a user that is kept. */
function keptRow(user: BulkUser, reasons: readonly string[]): ReportRowInput {
  return {
    outcome: 'NOT_PURGED',
    userId: user.userId,
    primaryId: user.primaryId,
    userGroup: user.userGroup,
    reasons,
    amount: netAmount(user),
    activeLoans: user.activeLoans,
    activeRequests: user.activeRequests,
  };
}

/** The purge job kind. */
export const purgeJobKind: JobKind = {
  emptyCounters: emptyPurgeCounters,

  async initialize(trx: Kysely<Database>, context: JobContext, job: DbJob): Promise<InitializeResult> {
    const parameters = purgeParametersOf(job);
    const stored = await readStoredSettings(trx);
    const invalid = findInvalidSettings(stored);
    if (invalid.length > 0) return { ok: false, error: invalid.join('; ') };
    const settings = toSettings(stored);
    // Reference data may have changed since the job was queued: a job whose filter no longer names
    // anything real fails without reading or deleting anyone.
    if (parameters.userGroup !== null) {
      const group = await trx.selectFrom('user_groups').select('id').where('code_key', '=', toKey(parameters.userGroup)).executeTakeFirst();
      if (!group) return { ok: false, error: `user group ${parameters.userGroup} no longer exists` };
    }
    for (const library of parameters.libraries) {
      const found = await trx.selectFrom('libraries').select('id').where('code_key', '=', toKey(library)).executeTakeFirst();
      if (!found) return { ok: false, error: `library ${library} no longer exists` };
    }
    const today = dateInTimeZone(context.clock.now(), settings.timezone);
    const cutoff = addDays(today, -parameters.daysAfterPurgeDate);
    const snapshot: PurgeSnapshot = { settings, anonymisationUserId: await findAnonymisationUserId(trx, settings) };
    const candidates = await writeCandidates(trx, job.id, settings.bulkSize, selectCandidateIds(trx, candidateFilterOf(parameters, cutoff)));
    return { ok: true, today, cutoff, settings: snapshot, candidates };
  },

  async processBulk(trx: Kysely<Database>, context: JobContext, job: DbJob, _bulkNo: number, userIds: number[]): Promise<BulkResult> {
    const parameters = purgeParametersOf(job);
    const snapshot = JSON.parse(job.settings as string) as PurgeSnapshot;
    const { settings } = snapshot;
    const today = job.today as string;
    const filter = candidateFilterOf(parameters, job.cutoff as string);
    const systemIds = new Set<number>();
    if (snapshot.anonymisationUserId !== null) systemIds.add(snapshot.anonymisationUserId);
    if (job.operator_user_id !== null) systemIds.add(job.operator_user_id);
    const facts = await loadUserFacts(trx, userIds, today, { ids: systemIds });

    const counters: Counters = {};
    const bump = (name: string, by = 1) => {
      counters[name] = (counters[name] ?? 0) + by;
    };
    const rows: ReportRowInput[] = [];
    const eligible: BulkUser[] = [];
    for (const id of userIds) {
      const user = facts.get(id);
      // Re-read on current data: a user deleted, given a later purge date or moved out of the filter since
      // initialization is left alone.
      if (!user || !checkCandidate(user, filter).candidate) {
        bump('no_longer_candidate');
        continue;
      }
      const reasons = evaluateCriteria(user, {
        waiveThreshold: parameters.waiveThreshold,
        blockOnCredit: settings.blockOnCredit,
        blockOnRequests: settings.blockOnRequests,
        blockOnRelationships: settings.blockOnRelationships,
      });
      if (reasons.length > 0) {
        bump('not_purged');
        for (const reason of reasons) bump(reason.toLowerCase());
        rows.push(keptRow(user, reasons));
      } else eligible.push(user);
    }

    let toPurge = eligible;
    let maxReached = false;
    if (parameters.maxUsers !== null) {
      const allowance = Math.max(0, parameters.maxUsers - (await sumPurged(trx, job.id)));
      if (eligible.length >= allowance) {
        // The job stops before exceeding its maximum: the rest is not processed (COMPLETED_WARNING).
        toPurge = eligible.slice(0, allowance);
        bump('not_processed', eligible.length - allowance);
        maxReached = true;
      }
    }

    const debtWaivedIds = toPurge.filter((u) => netAmount(u) > 0).map((u) => u.userId);
    const creditClosedIds = toPurge.filter((u) => netAmount(u) < 0).map((u) => u.userId);
    const ids = toPurge.map((u) => u.userId);
    const deletion = {
      policy: settings.deletePolicy,
      today,
      now: context.clock.now().toISOString(),
      cancelActiveRequests: !settings.blockOnRequests || settings.deletePolicy === 'KEEP_FULLY_REPORTABLE',
      debtWaivedIds,
      creditClosedIds,
    };
    const effects = parameters.simulate ? await countDeletionEffects(trx, ids, deletion) : await deleteUsers(trx, ids, deletion);
    bump('purged', toPurge.length);
    bump('debts_waived', debtWaivedIds.length);
    bump('credits_closed', creditClosedIds.length);
    bump('requests_cancelled', effects.requestsCancelled);
    bump('history_records_anonymised', effects.historyRecordsAnonymised);

    if (settings.reportPurgedUsers) {
      for (const user of toPurge) {
        rows.push({
          outcome: 'PURGED',
          userId: settings.deletePolicy === 'FULLY_REMOVE' && !parameters.simulate ? null : user.userId,
          primaryId: user.primaryId,
          userGroup: user.userGroup,
          reasons: [],
          amount: netAmount(user),
          activeLoans: 0,
          activeRequests: user.activeRequests,
        });
      }
    }
    await insertReportRows(trx, job.id, _bulkNo, rows);
    return { counters, purged: toPurge.length, maxReached };
  },
};
