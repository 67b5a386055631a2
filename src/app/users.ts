/** Use cases about single users: show one, and "could this user be purged now, and if not why". */
import { addDays, dateInTimeZone } from '../domain/calendar-date.ts';
import { fail, type Result } from '../domain/errors.ts';
import { candidateFilterOf, checkCandidate, evaluateCriteria, netAmount, type NotCandidateCode, type ReasonCode } from '../domain/purge-criteria.ts';
import { currencyDigits, formatMoney } from '../domain/money.ts';
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

/** The answer to "could this user be purged now by a job with these parameters". */
export interface PurgeAnswer {
  primaryId: string;
  today: string;
  cutoff: string;
  purgeable: boolean;
  /** Criteria codes, or one of the not-candidate codes; empty when purgeable. */
  reasons: Array<ReasonCode | NotCandidateCode>;
  amount: string;
  activeLoans: number;
  activeRequests: number;
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
  return {
    ok: true,
    answer: {
      primaryId: user.primary_id,
      today,
      cutoff,
      purgeable: reasons.length === 0,
      reasons,
      amount: formatMoney(netAmount(facts), currencyDigits(settings.currency)),
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
