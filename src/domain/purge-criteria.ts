/**
 * The deletion criteria (SPEC.md 3.2 and 3.3): one implementation of the rules, used by the purge job,
 * the single delete, the bulk delete and the "could this user be purged now" question.
 */
import type { CalendarDate } from './calendar-date.ts';
import type { PurgeParameters } from './job.ts';
import { toKey, type RecordType, type UserStatus } from './user.ts';

/** Why a candidate is not purged. Stable codes: never renamed once shipped. */
export const REASON_CODES = [
  'ACTIVE_LOANS',
  'FEES_OVER_THRESHOLD',
  'CREDIT_OWED',
  'ACTIVE_REQUESTS',
  'ACTIVE_PROXY',
  'GUARANTOR',
  'ASSIGNMENTS',
  'PROTECTED',
  'SYSTEM_USER',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Why a user is not a candidate at all (never in a job report). */
export const NOT_CANDIDATE_CODES = ['NO_PURGE_DATE', 'PURGE_DATE_NOT_REACHED', 'NOT_IN_FILTER', 'DELETED'] as const;
export type NotCandidateCode = (typeof NOT_CANDIDATE_CODES)[number];

/** The job's filter: who can be a candidate. */
export interface CandidateFilter {
  /** `today - daysAfterPurgeDate`: purge dates on or before it qualify. */
  cutoff: CalendarDate;
  /** null for All. */
  recordType: RecordType | null;
  /** Lower-cased group code, or null for All. */
  userGroupKey: string | null;
  /** Lower-cased library codes; empty for all libraries. */
  libraryKeys: readonly string[];
}

/** The candidate filter of a job's parameters, for a job whose cutoff is `cutoff`. */
export function candidateFilterOf(parameters: PurgeParameters, cutoff: CalendarDate): CandidateFilter {
  return {
    cutoff,
    recordType: parameters.recordType,
    userGroupKey: parameters.userGroup === null ? null : toKey(parameters.userGroup),
    libraryKeys: parameters.libraries.map(toKey),
  };
}

/** The criteria switches and limits that decide whether a candidate is purged. */
export interface CriteriaOptions {
  /** Debts net of credits above this (minor units) keep the user; equal purges. */
  waiveThreshold: number;
  blockOnCredit: boolean;
  blockOnRequests: boolean;
  blockOnRelationships: boolean;
}

/** What the rules need to know of one user: gathered set-based by the database layer. */
export interface UserFacts {
  userId: number;
  status: UserStatus;
  purgeDate: CalendarDate | null;
  recordType: RecordType;
  userGroupKey: string | null;
  homeLibraryKey: string | null;
  doNotPurge: boolean;
  /** The anonymisation user, or the job's operator. */
  isSystemUser: boolean;
  activeLoans: number;
  activeRequests: number;
  /** Sum of positive active balances, minor units. */
  activeDebts: number;
  /** Sum of the absolute values of negative active balances, minor units. */
  activeCredits: number;
  /** Sponsor or proxy in a relationship that has not ended. */
  activeProxy: boolean;
  /** Guarantor of a guarantee whose relationship has not ended. */
  guarantor: boolean;
  assignments: number;
}

/** Whether a user is a candidate of a job with `filter`, and if not, why. */
export function checkCandidate(facts: UserFacts, filter: CandidateFilter): { candidate: true } | { candidate: false; code: NotCandidateCode } {
  if (facts.status === 'DELETED') return { candidate: false, code: 'DELETED' };
  if (facts.purgeDate === null) return { candidate: false, code: 'NO_PURGE_DATE' };
  if (filter.recordType !== null && facts.recordType !== filter.recordType) return { candidate: false, code: 'NOT_IN_FILTER' };
  if (filter.userGroupKey !== null && facts.userGroupKey !== filter.userGroupKey) return { candidate: false, code: 'NOT_IN_FILTER' };
  if (filter.libraryKeys.length > 0 && (facts.homeLibraryKey === null || !filter.libraryKeys.includes(facts.homeLibraryKey))) {
    return { candidate: false, code: 'NOT_IN_FILTER' };
  }
  if (facts.purgeDate > filter.cutoff) return { candidate: false, code: 'PURGE_DATE_NOT_REACHED' };
  return { candidate: true };
}

/** The net amount a user owes: positive when owed to the library, negative for a credit. */
export function netAmount(facts: Pick<UserFacts, 'activeDebts' | 'activeCredits'>): number {
  return facts.activeDebts - facts.activeCredits;
}

/**
 * Every criterion that keeps the user, in the order of SPEC.md 3.3. Empty means the user may be
 * deleted. Candidacy is checked separately (`checkCandidate`): single and bulk deletes need no purge date.
 */
export function evaluateCriteria(facts: UserFacts, options: CriteriaOptions): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  const net = netAmount(facts);
  if (facts.activeLoans > 0) reasons.push('ACTIVE_LOANS');
  // Net of credits, and never the absolute value: a credit is not a debt (case C02).
  if (net > options.waiveThreshold) reasons.push('FEES_OVER_THRESHOLD');
  if (options.blockOnCredit && net < 0) reasons.push('CREDIT_OWED');
  if (options.blockOnRequests && facts.activeRequests > 0) reasons.push('ACTIVE_REQUESTS');
  if (options.blockOnRelationships && facts.activeProxy) reasons.push('ACTIVE_PROXY');
  if (options.blockOnRelationships && facts.guarantor) reasons.push('GUARANTOR');
  if (facts.assignments > 0) reasons.push('ASSIGNMENTS');
  if (facts.doNotPurge) reasons.push('PROTECTED');
  if (facts.isSystemUser) reasons.push('SYSTEM_USER');
  return reasons;
}

/** An active fee line of a user being purged. */
export interface OpenFeeLine {
  id: number;
  /** Positive a debt, negative a credit, minor units. */
  balance: number;
}

/** How one fee line is closed when its user is purged. */
export interface FeeSettlement {
  id: number;
  closeReason: 'WAIVED' | 'TRANSFERRED' | 'CANCELLED';
  /** The part of a debt forgiven by the purge (minor units); 0 for the part set off against credits. */
  waivedAmount: number;
}

/**
 * Money at purge (SPEC.md 3.4): a user's active debts and credits are set against each other, in line
 * order; what is left of a debt is waived, what is left of a credit is closed. A debt line settled by a
 * credit is TRANSFERRED, a debt line with any part forgiven is WAIVED with that part recorded, a credit
 * used up against debts is TRANSFERRED and a credit with anything left is CANCELLED (closed). Waived
 * totals therefore add up to exactly what was forgiven.
 */
export function settleFees(lines: readonly OpenFeeLine[]): FeeSettlement[] {
  const byId = (a: OpenFeeLine, b: OpenFeeLine) => a.id - b.id;
  const debts = lines.filter((l) => l.balance > 0).sort(byId);
  const credits = lines.filter((l) => l.balance < 0).sort(byId);
  let creditLeft = credits.reduce((sum, l) => sum - l.balance, 0);
  let debtLeft = debts.reduce((sum, l) => sum + l.balance, 0);
  const settlements: FeeSettlement[] = [];
  for (const debt of debts) {
    const offset = Math.min(debt.balance, creditLeft);
    creditLeft -= offset;
    const waived = debt.balance - offset;
    settlements.push({ id: debt.id, closeReason: waived > 0 ? 'WAIVED' : 'TRANSFERRED', waivedAmount: waived });
  }
  for (const credit of credits) {
    const used = Math.min(-credit.balance, debtLeft);
    debtLeft -= used;
    settlements.push({ id: credit.id, closeReason: used === -credit.balance ? 'TRANSFERRED' : 'CANCELLED', waivedAmount: 0 });
  }
  for (const line of lines) if (line.balance === 0) settlements.push({ id: line.id, closeReason: 'TRANSFERRED', waivedAmount: 0 });
  return settlements;
}

/** What happens to a purged user's open money, for the counters `debts_waived` and `credits_closed`. */
export function settleMoney(facts: Pick<UserFacts, 'activeDebts' | 'activeCredits'>): { debtWaived: boolean; creditClosed: boolean } {
  const net = netAmount(facts);
  return { debtWaived: net > 0, creditClosed: net < 0 };
}
