/** Use cases about single users: show one, and "could this user be purged now, and if not why". */
import { addDays, dateInTimeZone } from '../domain/calendar-date.ts';
import { fail, type Result } from '../domain/errors.ts';
import {
  candidateFilterOf,
  checkCandidate,
  evaluateCriteria,
  netAmount,
  type NotCandidateCode,
  type ReasonCode,
  type UserFacts,
} from '../domain/purge-criteria.ts';
import { currencyDigits, formatMoney } from '../domain/money.ts';
import type { PurgeParameters } from '../domain/job.ts';
import { ACTIVE_LOAN_STATUSES, ACTIVE_REQUEST_STATUSES, type RecordType } from '../domain/user.ts';
import { loadUserFacts } from '../db/purge-store.ts';
import { readSettings } from '../db/settings-store.ts';
import { findUserRow, readUserRecords } from '../db/user-store.ts';
import { findAnonymisationUserId } from '../jobs/purge/purge-job-kind.ts';
import type { AppContext } from './context.ts';
import { validatePurgeRequest } from './purge-jobs.ts';
import { readValidSettings } from './settings.ts';

/** Finds a user by primary id (case-insensitive). A tombstone that kept its primary id is found too. */
export async function findUserByPrimaryId(context: AppContext, primaryId: string) {
  return findUserRow(context.db.kysely, primaryId);
}

/** A filter of the job that leaves the user out: the user's value and the job's. */
export type FilterMismatch =
  | { filter: 'recordType'; user: RecordType; job: RecordType }
  | { filter: 'userGroup'; user: string | null; job: string }
  | { filter: 'libraries'; user: string | null; job: string[] };

/**
 * What explains one reason of a PurgeAnswer. Amounts are decimal strings in `currency`; `amount` is net
 * (debts minus credits), as in a report.
 */
export type ReasonDetail =
  | { code: 'ACTIVE_LOANS'; activeLoans: number }
  | { code: 'FEES_OVER_THRESHOLD'; amount: string; waiveThreshold: string; currency: string }
  | { code: 'CREDIT_OWED'; credit: string; currency: string }
  | { code: 'ACTIVE_REQUESTS'; activeRequests: number }
  | { code: 'ASSIGNMENTS'; assignments: number }
  | { code: 'PROTECTED'; doNotPurgeReason: string | null }
  | { code: 'SYSTEM_USER'; anonymisationUser: boolean; operator: boolean }
  | { code: 'PURGE_DATE_NOT_REACHED'; purgeDate: string; cutoff: string; daysAfterPurgeDate: number }
  | { code: 'NOT_IN_FILTER'; excludedBy: FilterMismatch[] }
  | { code: 'ACTIVE_PROXY' | 'GUARANTOR' | 'NO_PURGE_DATE' | 'DELETED' };

/** The answer to "could this user be purged now by a job with these parameters". */
export interface PurgeAnswer {
  primaryId: string;
  today: string;
  cutoff: string;
  purgeable: boolean;
  /** Criteria codes, or one of the not-candidate codes; empty when purgeable. */
  reasons: Array<ReasonCode | NotCandidateCode>;
  /** One per reason, in the same order: the facts that explain it. */
  details: ReasonDetail[];
  amount: string;
  activeLoans: number;
  activeRequests: number;
}

/** The user's own values of the filtered fields, as spelled in its record. */
interface FilteredFields {
  recordType: RecordType;
  userGroup: string | null;
  homeLibrary: string | null;
}

/** Every filter of the job that leaves the user out (the same tests as `checkCandidate`). */
function filterMismatches(facts: UserFacts, parameters: PurgeParameters, cutoff: string, user: FilteredFields): FilterMismatch[] {
  const filter = candidateFilterOf(parameters, cutoff);
  const mismatches: FilterMismatch[] = [];
  if (filter.recordType !== null && facts.recordType !== filter.recordType) mismatches.push({ filter: 'recordType', user: user.recordType, job: filter.recordType });
  if (parameters.userGroup !== null && facts.userGroupKey !== filter.userGroupKey) mismatches.push({ filter: 'userGroup', user: user.userGroup, job: parameters.userGroup });
  if (filter.libraryKeys.length > 0 && (facts.homeLibraryKey === null || !filter.libraryKeys.includes(facts.homeLibraryKey))) {
    mismatches.push({ filter: 'libraries', user: user.homeLibrary, job: parameters.libraries });
  }
  return mismatches;
}

/** Evaluates one user with a job's parameters (defaults of SPEC.md 3.1), using the same rules as the job. */
export async function explainPurge(context: AppContext, primaryId: string, request: unknown): Promise<Result<{ answer: PurgeAnswer }>> {
  const validated = await validatePurgeRequest(context, request);
  if (!validated.ok) return validated;
  const user = await findUserByPrimaryId(context, primaryId);
  if (!user) return fail('NOT_FOUND', `user "${primaryId}" does not exist`);
  const db = context.db.kysely;
  const valid = await readValidSettings(context);
  if (!valid.ok) return valid;
  const { settings } = valid;
  const today = dateInTimeZone(context.clock.now(), settings.timezone);
  const cutoff = addDays(today, -validated.parameters.daysAfterPurgeDate);
  const system = new Set<number>();
  const anonymisationId = await findAnonymisationUserId(db, settings);
  if (anonymisationId !== null) system.add(anonymisationId);
  if (validated.operatorUserId !== null) system.add(validated.operatorUserId);
  const facts = (await loadUserFacts(db, [user.id], today, { ids: system })).get(user.id);
  if (!facts) return fail('NOT_FOUND', `user "${primaryId}" does not exist`);
  const candidacy = checkCandidate(facts, candidateFilterOf(validated.parameters, cutoff));
  const reasons: Array<ReasonCode | NotCandidateCode> = candidacy.candidate
    ? evaluateCriteria(facts, {
        waiveThreshold: validated.parameters.waiveThreshold,
        blockOnCredit: settings.blockOnCredit,
        blockOnRequests: settings.blockOnRequests,
        blockOnRelationships: settings.blockOnRelationships,
      })
    : [candidacy.code];
  const digits = currencyDigits(settings.currency);
  const net = netAmount(facts);
  const detailOf = (code: ReasonCode | NotCandidateCode): ReasonDetail => {
    switch (code) {
      case 'ACTIVE_LOANS':
        return { code, activeLoans: facts.activeLoans };
      case 'FEES_OVER_THRESHOLD':
        return { code, amount: formatMoney(net, digits), waiveThreshold: formatMoney(validated.parameters.waiveThreshold, digits), currency: settings.currency };
      case 'CREDIT_OWED':
        return { code, credit: formatMoney(-net, digits), currency: settings.currency };
      case 'ACTIVE_REQUESTS':
        return { code, activeRequests: facts.activeRequests };
      case 'ASSIGNMENTS':
        return { code, assignments: facts.assignments };
      case 'PROTECTED':
        return { code, doNotPurgeReason: user.do_not_purge_reason };
      case 'SYSTEM_USER':
        return { code, anonymisationUser: user.id === anonymisationId, operator: user.id === validated.operatorUserId };
      case 'PURGE_DATE_NOT_REACHED':
        return { code, purgeDate: facts.purgeDate ?? '', cutoff, daysAfterPurgeDate: validated.parameters.daysAfterPurgeDate };
      case 'NOT_IN_FILTER':
        return {
          code,
          excludedBy: filterMismatches(facts, validated.parameters, cutoff, { recordType: user.record_type as RecordType, userGroup: user.user_group, homeLibrary: user.home_library }),
        };
      default:
        return { code };
    }
  };
  return {
    ok: true,
    answer: {
      primaryId: user.primary_id,
      today,
      cutoff,
      purgeable: reasons.length === 0,
      reasons,
      details: reasons.map(detailOf),
      amount: formatMoney(net, digits),
      activeLoans: facts.activeLoans,
      activeRequests: facts.activeRequests,
    },
  };
}

/** A user with its related records, as `users show` prints it. */
export async function showUser(context: AppContext, primaryId: string) {
  const user = await findUserByPrimaryId(context, primaryId);
  if (!user) return fail('NOT_FOUND', `user "${primaryId}" does not exist`);
  const db = context.db.kysely;
  const settings = await readSettings(db);
  const digits = currencyDigits(settings.currency);
  const { identifiers, contacts, loans, requests, fees, relationships, blocks, notes, categories } = await readUserRecords(db, user.id);
  return {
    ok: true as const,
    user: {
      id: user.id,
      primaryId: user.primary_id,
      recordType: user.record_type,
      userGroup: user.user_group,
      accountType: user.account_type,
      status: user.status,
      firstName: user.first_name,
      middleName: user.middle_name,
      lastName: user.last_name,
      birthDate: user.birth_date,
      expiryDate: user.expiry_date,
      purgeDate: user.purge_date,
      homeLibrary: user.home_library,
      lastActivityDate: user.last_activity_date,
      doNotPurge: user.do_not_purge === 1,
      doNotPurgeReason: user.do_not_purge_reason,
      identifiers: identifiers.map((i) => ({ type: i.id_type, value: i.value, status: i.status })),
      emails: contacts.filter((c) => c.kind === 'EMAIL').map((c) => c.value),
      phones: contacts.filter((c) => c.kind === 'PHONE').map((c) => c.value),
      addresses: contacts.filter((c) => c.kind === 'ADDRESS').map((c) => c.value),
      statisticalCategories: categories.map((c) => c.category),
      notes,
      blocks,
      loans,
      requests,
      // Counted as the purge criteria count them (ACTIVE_LOANS, ACTIVE_REQUESTS).
      activeLoans: loans.filter((l) => (ACTIVE_LOAN_STATUSES as readonly string[]).includes(l.status)).length,
      activeRequests: requests.filter((r) => (ACTIVE_REQUEST_STATUSES as readonly string[]).includes(r.status)).length,
      fees: fees.map((f) => ({
        ...f,
        original_amount: formatMoney(Number(f.original_amount), digits),
        balance: formatMoney(Number(f.balance), digits),
        waived_amount: formatMoney(Number(f.waived_amount), digits),
      })),
      relationships,
    },
  };
}
