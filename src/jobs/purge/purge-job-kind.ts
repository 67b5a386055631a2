/** The Purge User Records job (SPEC.md section 3) as a job kind for the runner. */
import type { Kysely } from 'kysely';
import { addDays, dateInTimeZone } from '../../domain/calendar-date.ts';
import { emptyPurgeCounters, type Counters, type PurgeParameters } from '../../domain/job.ts';
import { candidateFilterOf, checkCandidate, evaluateCriteria, netAmount, settleMoney } from '../../domain/purge-criteria.ts';
import { findInvalidSettings, toSettings, type Settings } from '../../domain/settings.ts';
import { insertReportRows, lockJob, sumPurged, writeCandidates, type DbJob, type ReportRowInput } from '../../db/job-store.ts';
import { countDeletionEffects, deleteUsers, loadUserFacts, selectCandidateIds, type BulkUser } from '../../db/purge-store.ts';
import { findGroupCode, findLibraryCode, findLiveUser } from '../../db/reference-store.ts';
import { readStoredSettings } from '../../db/settings-store.ts';
import type { Database } from '../../db/schema.ts';
import type { BulkOptions, BulkResult, InitializeResult, JobContext, JobKind } from '../job-kind.ts';

/** What a purge job fixes at initialization and every bulk reads back. */
export interface PurgeSnapshot {
  settings: Settings;
  /** Internal id of the anonymisation user, if the setting names one that exists. */
  anonymisationUserId: number | null;
}

/** Resolves the anonymisation user's internal id. */
export async function findAnonymisationUserId(db: Kysely<Database>, settings: Settings): Promise<number | null> {
  if (settings.anonymisationUser === '') return null;
  return (await findLiveUser(db, settings.anonymisationUser))?.id ?? null;
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
    if (parameters.userGroup !== null && !(await findGroupCode(trx, parameters.userGroup))) {
      return { ok: false, error: `user group ${parameters.userGroup} no longer exists` };
    }
    for (const library of parameters.libraries) {
      if (!(await findLibraryCode(trx, library))) return { ok: false, error: `library ${library} no longer exists` };
    }
    const today = dateInTimeZone(context.clock.now(), settings.timezone);
    const cutoff = addDays(today, -parameters.daysAfterPurgeDate);
    const snapshot: PurgeSnapshot = { settings, anonymisationUserId: await findAnonymisationUserId(trx, settings) };
    const candidates = await writeCandidates(trx, job.id, settings.bulkSize, selectCandidateIds(trx, candidateFilterOf(parameters, cutoff)));
    return { ok: true, today, cutoff, settings: snapshot, candidates };
  },

  async processBulk(trx: Kysely<Database>, context: JobContext, job: DbJob, bulkNo: number, userIds: number[], options: BulkOptions): Promise<BulkResult> {
    const parameters = purgeParametersOf(job);
    const snapshot = JSON.parse(job.settings as string) as PurgeSnapshot;
    const { settings } = snapshot;
    const today = job.today as string;
    const filter = candidateFilterOf(parameters, job.cutoff as string);
    const systemIds = new Set<number>();
    if (snapshot.anonymisationUserId !== null) systemIds.add(snapshot.anonymisationUserId);
    if (job.operator_user_id !== null) systemIds.add(job.operator_user_id);
    const rowLocks = context.db.capabilities.rowLocks;
    // Parallel bulks must not each spend the same remaining allowance: the job row serialises them.
    if (parameters.maxUsers !== null && rowLocks) await lockJob(trx, job.id);
    const facts = await loadUserFacts(trx, userIds, today, { ids: systemIds }, { lockUsers: rowLocks && !parameters.simulate });

    const counters: Counters = {};
    const bump = (name: string, by = 1) => {
      if (by !== 0) counters[name] = (counters[name] ?? 0) + by;
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
      const purgedBefore = (await sumPurged(trx, job.id)) + options.purgedEarlierInBulk;
      const allowance = Math.max(0, parameters.maxUsers - purgedBefore);
      if (eligible.length >= allowance) {
        // The job stops before exceeding its maximum: the rest is not processed (COMPLETED_WARNING).
        toPurge = eligible.slice(0, allowance);
        bump('not_processed', eligible.length - allowance);
        maxReached = true;
      }
    }

    const ids = toPurge.map((u) => u.userId);
    const deletion = {
      policy: settings.deletePolicy,
      today,
      now: context.clock.now().toISOString(),
      cancelActiveRequests: !settings.blockOnRequests || settings.deletePolicy === 'KEEP_FULLY_REPORTABLE',
    };
    const effects = parameters.simulate ? await countDeletionEffects(trx, ids, deletion) : await deleteUsers(trx, ids, deletion);
    bump('purged', toPurge.length);
    bump('debts_waived', toPurge.filter((u) => settleMoney(u).debtWaived).length);
    bump('credits_closed', toPurge.filter((u) => settleMoney(u).creditClosed).length);
    bump('requests_cancelled', effects.requestsCancelled);
    bump('history_records_anonymised', effects.historyRecordsAnonymised);

    if (settings.reportPurgedUsers) {
      // The purged list keeps the primary id only: no internal id that would tie it to the tombstone.
      for (const user of toPurge) {
        rows.push({ outcome: 'PURGED', userId: null, primaryId: user.primaryId, userGroup: user.userGroup, reasons: [], amount: netAmount(user), activeLoans: 0, activeRequests: 0 });
      }
    }
    await insertReportRows(trx, job.id, bulkNo, rows);
    return { counters, purged: toPurge.length, maxReached };
  },
};
