/**
 * Boundaries of SPEC.md 3.2 (who is a candidate) and 3.3 (why a candidate is not purged). Every expected
 * value is read from the SPEC (or cases.md), never from running the code.
 */
import { describe, expect, it } from 'vitest';
import { addDays, dateInTimeZone } from '../../src/domain/calendar-date.ts';
import {
  NOT_CANDIDATE_CODES,
  REASON_CODES,
  checkCandidate,
  evaluateCriteria,
  netAmount,
  settleFees,
  settleMoney,
  type CandidateFilter,
  type CriteriaOptions,
  type NotCandidateCode,
  type ReasonCode,
  type UserFacts,
} from '../../src/domain/purge-criteria.ts';

/** A clean, active PUBLIC user of group `ug` at library `law` whose purge date is 2013-12-10. */
function facts(overrides: Partial<UserFacts> = {}): UserFacts {
  return {
    userId: 1,
    status: 'ACTIVE',
    purgeDate: '2013-12-10',
    recordType: 'PUBLIC',
    userGroupKey: 'ug',
    homeLibraryKey: 'law',
    doNotPurge: false,
    isSystemUser: false,
    activeLoans: 0,
    activeRequests: 0,
    activeDebts: 0,
    activeCredits: 0,
    activeProxy: false,
    guarantor: false,
    assignments: 0,
    ...overrides,
  };
}

/** All record types, all groups, all libraries; cutoff 2013-12-10 (run on 2013-12-20 with 10 days). */
function filter(overrides: Partial<CandidateFilter> = {}): CandidateFilter {
  return { cutoff: '2013-12-10', recordType: null, userGroupKey: null, libraryKeys: [], ...overrides };
}

/** The defaults of SPEC.md section 2 and 3.1: threshold 0, every switch on. */
function options(overrides: Partial<CriteriaOptions> = {}): CriteriaOptions {
  return { waiveThreshold: 0, blockOnCredit: true, blockOnRequests: true, blockOnRelationships: true, ...overrides };
}

type Verdict = NotCandidateCode | 'candidate';

function verdict(user: UserFacts, f: CandidateFilter): Verdict {
  const result = checkCandidate(user, f);
  return result.candidate ? 'candidate' : result.code;
}

describe('the codes', () => {
  it('lists the reason codes of SPEC.md 3.3 in the order of its table', () => {
    expect([...REASON_CODES]).toEqual([
      'ACTIVE_LOANS',
      'FEES_OVER_THRESHOLD',
      'CREDIT_OWED',
      'ACTIVE_REQUESTS',
      'ACTIVE_PROXY',
      'GUARANTOR',
      'ASSIGNMENTS',
      'PROTECTED',
      'SYSTEM_USER',
    ]);
  });

  it('lists exactly the four not-a-candidate answers of SPEC.md 3.2', () => {
    expect([...NOT_CANDIDATE_CODES].sort()).toEqual(['DELETED', 'NOT_IN_FILTER', 'NO_PURGE_DATE', 'PURGE_DATE_NOT_REACHED']);
  });
});

describe('checkCandidate: the purge date against the cutoff (inclusive)', () => {
  it.each<{ name: string; purgeDate: string | null; cutoff: string; expected: Verdict }>([
    { name: 'a purge date equal to the cutoff is a candidate', purgeDate: '2013-12-10', cutoff: '2013-12-10', expected: 'candidate' },
    { name: 'a purge date one day before the cutoff is a candidate', purgeDate: '2013-12-09', cutoff: '2013-12-10', expected: 'candidate' },
    { name: 'a purge date one day after the cutoff is not reached', purgeDate: '2013-12-11', cutoff: '2013-12-10', expected: 'PURGE_DATE_NOT_REACHED' },
    { name: 'a purge date years in the past is a candidate', purgeDate: '1999-01-01', cutoff: '2013-12-10', expected: 'candidate' },
    { name: 'a purge date years ahead is not reached', purgeDate: '2099-12-31', cutoff: '2013-12-10', expected: 'PURGE_DATE_NOT_REACHED' },
    { name: 'the last day of a year before a cutoff on New Year is a candidate', purgeDate: '2024-12-31', cutoff: '2025-01-01', expected: 'candidate' },
    { name: 'New Year after a cutoff on the last day of the year is not reached', purgeDate: '2025-01-01', cutoff: '2024-12-31', expected: 'PURGE_DATE_NOT_REACHED' },
    { name: 'a leap day equal to the cutoff is a candidate', purgeDate: '2024-02-29', cutoff: '2024-02-29', expected: 'candidate' },
    { name: 'the day after a leap-day cutoff is not reached', purgeDate: '2024-03-01', cutoff: '2024-02-29', expected: 'PURGE_DATE_NOT_REACHED' },
    { name: 'the 9th of a month is before the 10th (no string-length trap)', purgeDate: '2013-12-09', cutoff: '2013-12-10', expected: 'candidate' },
    { name: 'October is after September (no single-digit month trap)', purgeDate: '2013-10-01', cutoff: '2013-09-30', expected: 'PURGE_DATE_NOT_REACHED' },
    { name: 'no purge date is never a candidate, even with a far cutoff', purgeDate: null, cutoff: '9999-12-31', expected: 'NO_PURGE_DATE' },
  ])('$name', ({ purgeDate, cutoff, expected }) => {
    expect(verdict(facts({ purgeDate }), filter({ cutoff }))).toBe(expected);
  });
});

describe('checkCandidate: C01 grace period boundary, run on 2013-12-20', () => {
  const users: Record<string, string | null> = {
    A: '2013-12-09',
    B: '2013-12-10',
    C: '2013-12-11',
    D: '2013-12-20',
    E: '2013-12-21',
    F: null,
  };

  it.each<{ grace: number; expected: Record<string, Verdict> }>([
    {
      grace: 10,
      expected: {
        A: 'candidate',
        B: 'candidate',
        C: 'PURGE_DATE_NOT_REACHED',
        D: 'PURGE_DATE_NOT_REACHED',
        E: 'PURGE_DATE_NOT_REACHED',
        F: 'NO_PURGE_DATE',
      },
    },
    {
      grace: 0,
      expected: {
        A: 'candidate',
        B: 'candidate',
        C: 'candidate',
        D: 'candidate',
        E: 'PURGE_DATE_NOT_REACHED',
        F: 'NO_PURGE_DATE',
      },
    },
  ])('C01 with $grace days after the purge date', ({ grace, expected }) => {
    const cutoff = addDays('2013-12-20', -grace);
    const actual = Object.fromEntries(Object.entries(users).map(([name, purgeDate]) => [name, verdict(facts({ purgeDate }), filter({ cutoff }))]));
    expect(actual).toEqual(expected);
  });

  it.each([
    { local: '00:00:00', instant: '2013-12-20T05:00:00Z' },
    { local: '00:00:01', instant: '2013-12-20T05:00:01Z' },
    { local: '23:59:59', instant: '2013-12-21T04:59:59Z' },
  ])('C01 gives the same candidates at $local New York time (the time of day plays no part)', ({ instant }) => {
    const today = dateInTimeZone(new Date(instant), 'America/New_York');
    const cutoff = addDays(today, 0);
    const candidates = Object.entries(users)
      .filter(([, purgeDate]) => checkCandidate(facts({ purgeDate }), filter({ cutoff })).candidate)
      .map(([name]) => name);
    expect(candidates).toEqual(['A', 'B', 'C', 'D']);
  });

  it('C01 with --group staff: A answers NOT_IN_FILTER', () => {
    expect(verdict(facts({ purgeDate: users.A ?? null }), filter({ cutoff: '2013-12-10', userGroupKey: 'staff' }))).toBe('NOT_IN_FILTER');
  });
});

describe('checkCandidate: status', () => {
  it.each<{ status: UserFacts['status']; expected: Verdict }>([
    { status: 'ACTIVE', expected: 'candidate' },
    { status: 'INACTIVE', expected: 'candidate' },
    { status: 'DELETED', expected: 'DELETED' },
  ])('a user with status $status answers $expected', ({ status, expected }) => {
    expect(verdict(facts({ status }), filter())).toBe(expected);
  });
});

describe('checkCandidate: record type filter', () => {
  it.each<{ user: UserFacts['recordType']; wanted: CandidateFilter['recordType']; expected: Verdict }>([
    { user: 'PUBLIC', wanted: null, expected: 'candidate' },
    { user: 'STAFF', wanted: null, expected: 'candidate' },
    { user: 'CONTACT', wanted: null, expected: 'candidate' },
    { user: 'PUBLIC', wanted: 'PUBLIC', expected: 'candidate' },
    { user: 'STAFF', wanted: 'STAFF', expected: 'candidate' },
    { user: 'CONTACT', wanted: 'CONTACT', expected: 'candidate' },
    { user: 'PUBLIC', wanted: 'STAFF', expected: 'NOT_IN_FILTER' },
    { user: 'STAFF', wanted: 'PUBLIC', expected: 'NOT_IN_FILTER' },
    { user: 'CONTACT', wanted: 'PUBLIC', expected: 'NOT_IN_FILTER' },
    { user: 'PUBLIC', wanted: 'CONTACT', expected: 'NOT_IN_FILTER' },
  ])('a $user user under record type $wanted (null = All) answers $expected', ({ user, wanted, expected }) => {
    // A CONTACT has no group (SPEC.md section 2).
    const userGroupKey = user === 'CONTACT' ? null : 'ug';
    expect(verdict(facts({ recordType: user, userGroupKey }), filter({ recordType: wanted }))).toBe(expected);
  });
});

describe('checkCandidate: user group filter', () => {
  it.each<{ user: string | null; wanted: string | null; expected: Verdict }>([
    { user: 'ug', wanted: null, expected: 'candidate' },
    { user: null, wanted: null, expected: 'candidate' },
    { user: 'ug', wanted: 'ug', expected: 'candidate' },
    { user: 'ug', wanted: 'staff', expected: 'NOT_IN_FILTER' },
    { user: null, wanted: 'ug', expected: 'NOT_IN_FILTER' },
  ])('a user of group $user under group $wanted (null = All) answers $expected', ({ user, wanted, expected }) => {
    expect(verdict(facts({ userGroupKey: user }), filter({ userGroupKey: wanted }))).toBe(expected);
  });
});

describe('checkCandidate: library scope', () => {
  it.each<{ name: string; home: string | null; scope: string[]; expected: Verdict }>([
    { name: 'no scope takes every library', home: 'law', scope: [], expected: 'candidate' },
    { name: 'no scope takes a user without a home library', home: null, scope: [], expected: 'candidate' },
    { name: 'a user of the one scoped library is in', home: 'law', scope: ['law'], expected: 'candidate' },
    { name: 'a user of any of several scoped libraries is in', home: 'med', scope: ['law', 'med'], expected: 'candidate' },
    { name: 'a user of another library is out (C14: MED under scope LAW)', home: 'med', scope: ['law'], expected: 'NOT_IN_FILTER' },
    { name: 'a user without a home library is out of any scope', home: null, scope: ['law'], expected: 'NOT_IN_FILTER' },
  ])('$name', ({ home, scope, expected }) => {
    expect(verdict(facts({ homeLibraryKey: home }), filter({ libraryKeys: scope }))).toBe(expected);
  });

  it('a user in every filter with a reached purge date is a candidate', () => {
    const f = filter({ recordType: 'PUBLIC', userGroupKey: 'ug', libraryKeys: ['law'] });
    expect(checkCandidate(facts(), f)).toEqual({ candidate: true });
  });
});

describe('checkCandidate: precedence when several answers hold', () => {
  // SPEC.md 3.2 says the product answers with "one of" the four codes and does not order them, except
  // that a user with no purge date "is never a candidate, whatever else is true" (which every row
  // respects: none of them is a candidate). These rows pin the order the code uses:
  // DELETED, then NO_PURGE_DATE, then NOT_IN_FILTER, then PURGE_DATE_NOT_REACHED.
  it.each<{ name: string; user: Partial<UserFacts>; f: Partial<CandidateFilter>; expected: NotCandidateCode }>([
    { name: 'deleted and no purge date answers DELETED', user: { status: 'DELETED', purgeDate: null }, f: {}, expected: 'DELETED' },
    { name: 'deleted and not reached answers DELETED', user: { status: 'DELETED', purgeDate: '2013-12-11' }, f: {}, expected: 'DELETED' },
    { name: 'deleted and out of the filter answers DELETED', user: { status: 'DELETED' }, f: { recordType: 'STAFF' }, expected: 'DELETED' },
    { name: 'no purge date and out of the filter answers NO_PURGE_DATE', user: { purgeDate: null }, f: { userGroupKey: 'staff' }, expected: 'NO_PURGE_DATE' },
    { name: 'not reached and out of the record type answers NOT_IN_FILTER', user: { purgeDate: '2013-12-11' }, f: { recordType: 'STAFF' }, expected: 'NOT_IN_FILTER' },
    { name: 'not reached and out of the group answers NOT_IN_FILTER', user: { purgeDate: '2013-12-11' }, f: { userGroupKey: 'staff' }, expected: 'NOT_IN_FILTER' },
    { name: 'not reached and out of the library scope answers NOT_IN_FILTER', user: { purgeDate: '2013-12-11' }, f: { libraryKeys: ['med'] }, expected: 'NOT_IN_FILTER' },
  ])('$name', ({ user, f, expected }) => {
    expect(checkCandidate(facts(user), filter(f))).toEqual({ candidate: false, code: expected });
  });

  it('no answer depends on the deletion criteria: a candidate with every reason is still a candidate', () => {
    const blocked = facts({ activeLoans: 2, activeDebts: 9_999, activeRequests: 1, activeProxy: true, guarantor: true, assignments: 1, doNotPurge: true, isSystemUser: true });
    expect(checkCandidate(blocked, filter())).toEqual({ candidate: true });
  });
});

describe('evaluateCriteria: each reason alone', () => {
  it.each<{ name: string; user: Partial<UserFacts>; expected: ReasonCode[] }>([
    { name: 'a clean user has no reason', user: {}, expected: [] },
    { name: 'one active loan', user: { activeLoans: 1 }, expected: ['ACTIVE_LOANS'] },
    { name: 'a debt over the threshold', user: { activeDebts: 1 }, expected: ['FEES_OVER_THRESHOLD'] },
    { name: 'a credit owed by the library', user: { activeCredits: 1 }, expected: ['CREDIT_OWED'] },
    { name: 'one active request', user: { activeRequests: 1 }, expected: ['ACTIVE_REQUESTS'] },
    { name: 'an active proxy relationship', user: { activeProxy: true }, expected: ['ACTIVE_PROXY'] },
    { name: 'the guarantor of a guarantee', user: { guarantor: true }, expected: ['GUARANTOR'] },
    { name: 'one assignment', user: { assignments: 1 }, expected: ['ASSIGNMENTS'] },
    { name: 'the doNotPurge flag', user: { doNotPurge: true }, expected: ['PROTECTED'] },
    { name: 'a system account', user: { isSystemUser: true }, expected: ['SYSTEM_USER'] },
  ])('$name gives $expected', ({ user, expected }) => {
    expect(evaluateCriteria(facts(user), options())).toEqual(expected);
  });
});

describe('evaluateCriteria: every reason together, in the order of SPEC.md 3.3', () => {
  // FEES_OVER_THRESHOLD (net > threshold >= 0) and CREDIT_OWED (net < 0) exclude each other.
  const everything: Partial<UserFacts> = { activeLoans: 3, activeRequests: 2, activeProxy: true, guarantor: true, assignments: 4, doNotPurge: true, isSystemUser: true };

  it.each<{ name: string; money: Partial<UserFacts>; expected: ReasonCode[] }>([
    {
      name: 'with a debt over the threshold',
      money: { activeDebts: 1_000 },
      expected: ['ACTIVE_LOANS', 'FEES_OVER_THRESHOLD', 'ACTIVE_REQUESTS', 'ACTIVE_PROXY', 'GUARANTOR', 'ASSIGNMENTS', 'PROTECTED', 'SYSTEM_USER'],
    },
    {
      name: 'with a credit',
      money: { activeCredits: 1_000 },
      expected: ['ACTIVE_LOANS', 'CREDIT_OWED', 'ACTIVE_REQUESTS', 'ACTIVE_PROXY', 'GUARANTOR', 'ASSIGNMENTS', 'PROTECTED', 'SYSTEM_USER'],
    },
  ])('$name', ({ money, expected }) => {
    expect(evaluateCriteria(facts({ ...everything, ...money }), options({ waiveThreshold: 500 }))).toEqual(expected);
  });
});

describe('evaluateCriteria: money against the waive threshold (net of credits, never the absolute value)', () => {
  it.each<{ name: string; debts: number; credits: number; threshold: number; blockOnCredit?: boolean; expected: ReasonCode[] }>([
    { name: 'C02 U1 owes 4.99 under 5.00: purged', debts: 499, credits: 0, threshold: 500, expected: [] },
    { name: 'C02 U2 owes exactly 5.00: purged (equal purges)', debts: 500, credits: 0, threshold: 500, expected: [] },
    { name: 'C02 U3 owes 5.01, one minor unit over: kept', debts: 501, credits: 0, threshold: 500, expected: ['FEES_OVER_THRESHOLD'] },
    { name: 'C02 U4 has a 2.00 credit and no debt: CREDIT_OWED only', debts: 0, credits: 200, threshold: 500, expected: ['CREDIT_OWED'] },
    { name: 'C02 U5 owes 5.00 and has a 5.00 credit (net 0): purged', debts: 500, credits: 500, threshold: 500, expected: [] },
    { name: 'threshold 0 and nothing owed: purged', debts: 0, credits: 0, threshold: 0, expected: [] },
    { name: 'threshold 0 and debt equal to credit (net 0): purged', debts: 500, credits: 500, threshold: 0, expected: [] },
    { name: 'threshold 0 and one minor unit owed: kept', debts: 1, credits: 0, threshold: 0, expected: ['FEES_OVER_THRESHOLD'] },
    { name: 'a debt over the threshold netted down to it by a credit: purged', debts: 900, credits: 400, threshold: 500, expected: [] },
    { name: 'a debt still over the threshold after the credit: kept', debts: 1_000, credits: 400, threshold: 500, expected: ['FEES_OVER_THRESHOLD'] },
    { name: 'credit one minor unit above the debt: CREDIT_OWED', debts: 500, credits: 501, threshold: 0, expected: ['CREDIT_OWED'] },
    { name: 'a credit of 10.00 under a 5.00 threshold is CREDIT_OWED, never FEES_OVER_THRESHOLD', debts: 0, credits: 1_000, threshold: 500, expected: ['CREDIT_OWED'] },
    { name: 'a credit with threshold 0 is CREDIT_OWED, never FEES_OVER_THRESHOLD', debts: 0, credits: 1_000, threshold: 0, expected: ['CREDIT_OWED'] },
    { name: 'a credit with block_on_credit off is no reason at all', debts: 0, credits: 1_000, threshold: 0, blockOnCredit: false, expected: [] },
    { name: 'a large credit with block_on_credit off is never counted as a debt', debts: 0, credits: 1_000_000, threshold: 500, blockOnCredit: false, expected: [] },
    { name: 'block_on_credit off does not hide a debt over the threshold', debts: 501, credits: 0, threshold: 500, blockOnCredit: false, expected: ['FEES_OVER_THRESHOLD'] },
    { name: 'block_on_credit off, net debt within the threshold: purged', debts: 800, credits: 300, threshold: 500, blockOnCredit: false, expected: [] },
  ])('$name', ({ debts, credits, threshold, blockOnCredit, expected }) => {
    const user = facts({ activeDebts: debts, activeCredits: credits });
    expect(evaluateCriteria(user, options({ waiveThreshold: threshold, blockOnCredit: blockOnCredit ?? true }))).toEqual(expected);
  });
});

describe('evaluateCriteria: the switches', () => {
  const allOff = { blockOnCredit: false, blockOnRequests: false, blockOnRelationships: false };

  it.each<{ name: string; user: Partial<UserFacts>; switches: Partial<CriteriaOptions>; expected: ReasonCode[] }>([
    { name: 'block_on_requests off: active requests do not keep the user', user: { activeRequests: 5 }, switches: { blockOnRequests: false }, expected: [] },
    { name: 'block_on_requests on: active requests keep the user', user: { activeRequests: 5 }, switches: { blockOnRequests: true }, expected: ['ACTIVE_REQUESTS'] },
    { name: 'block_on_relationships off: an active proxy does not keep the user', user: { activeProxy: true }, switches: { blockOnRelationships: false }, expected: [] },
    { name: 'block_on_relationships off: a guarantor is not kept', user: { guarantor: true }, switches: { blockOnRelationships: false }, expected: [] },
    { name: 'block_on_relationships on: both relationship reasons', user: { activeProxy: true, guarantor: true }, switches: { blockOnRelationships: true }, expected: ['ACTIVE_PROXY', 'GUARANTOR'] },
    { name: 'block_on_requests does not touch relationships', user: { activeProxy: true, activeRequests: 1 }, switches: { blockOnRequests: false }, expected: ['ACTIVE_PROXY'] },
    { name: 'block_on_relationships does not touch requests', user: { activeProxy: true, activeRequests: 1 }, switches: { blockOnRelationships: false }, expected: ['ACTIVE_REQUESTS'] },
    { name: 'active loans keep the user with every switch off', user: { activeLoans: 1 }, switches: allOff, expected: ['ACTIVE_LOANS'] },
    { name: 'assignments keep the user with every switch off', user: { assignments: 1 }, switches: allOff, expected: ['ASSIGNMENTS'] },
    { name: 'doNotPurge keeps the user with every switch off', user: { doNotPurge: true }, switches: allOff, expected: ['PROTECTED'] },
    { name: 'a system user is kept with every switch off', user: { isSystemUser: true }, switches: allOff, expected: ['SYSTEM_USER'] },
    {
      name: 'every switch off leaves exactly the unswitchable reasons',
      user: { activeLoans: 1, activeRequests: 1, activeProxy: true, guarantor: true, activeCredits: 100, assignments: 1, doNotPurge: true, isSystemUser: true },
      switches: allOff,
      expected: ['ACTIVE_LOANS', 'ASSIGNMENTS', 'PROTECTED', 'SYSTEM_USER'],
    },
  ])('$name', ({ user, switches, expected }) => {
    expect(evaluateCriteria(facts(user), options(switches))).toEqual(expected);
  });

  it('does not look at candidacy: single and bulk deletes need no purge date (C12)', () => {
    expect(evaluateCriteria(facts({ purgeDate: null }), options())).toEqual([]);
    expect(evaluateCriteria(facts({ purgeDate: null, activeLoans: 1 }), options())).toEqual(['ACTIVE_LOANS']);
  });
});

describe('netAmount and settleMoney (SPEC.md 3.4 "Money at purge")', () => {
  it.each<{ debts: number; credits: number; net: number; debtWaived: boolean; creditClosed: boolean }>([
    { debts: 0, credits: 0, net: 0, debtWaived: false, creditClosed: false },
    { debts: 500, credits: 0, net: 500, debtWaived: true, creditClosed: false },
    { debts: 0, credits: 200, net: -200, debtWaived: false, creditClosed: true },
    { debts: 500, credits: 500, net: 0, debtWaived: false, creditClosed: false },
    { debts: 700, credits: 200, net: 500, debtWaived: true, creditClosed: false },
    { debts: 200, credits: 700, net: -500, debtWaived: false, creditClosed: true },
  ])('debts $debts and credits $credits net to $net', ({ debts, credits, net, debtWaived, creditClosed }) => {
    const money = { activeDebts: debts, activeCredits: credits };
    expect(netAmount(money)).toBe(net);
    expect(settleMoney(money)).toEqual({ debtWaived, creditClosed });
  });
});

describe('settleFees (SPEC.md 3.4 "Money at purge", line by line)', () => {
  it.each([
    {
      name: 'a lone debt is waived in full',
      lines: [{ id: 1, balance: 300 }],
      expected: [{ id: 1, closeReason: 'WAIVED', waivedAmount: 300 }],
    },
    {
      name: 'debt 10.00 and credit 7.00: only 3.00 is waived, the credit is used up',
      lines: [{ id: 1, balance: 1000 }, { id: 2, balance: -700 }],
      expected: [
        { id: 1, closeReason: 'WAIVED', waivedAmount: 300 },
        { id: 2, closeReason: 'TRANSFERRED', waivedAmount: 0 },
      ],
    },
    {
      name: 'debts 5.00 + 5.00 against a credit 5.00: the first is settled, the second waived',
      lines: [{ id: 3, balance: 500 }, { id: 1, balance: 500 }, { id: 2, balance: -500 }],
      expected: [
        { id: 1, closeReason: 'TRANSFERRED', waivedAmount: 0 },
        { id: 3, closeReason: 'WAIVED', waivedAmount: 500 },
        { id: 2, closeReason: 'TRANSFERRED', waivedAmount: 0 },
      ],
    },
    {
      name: 'credit larger than the debts: the rest of the credit is closed (cancelled)',
      lines: [{ id: 1, balance: 200 }, { id: 2, balance: -500 }],
      expected: [
        { id: 1, closeReason: 'TRANSFERRED', waivedAmount: 0 },
        { id: 2, closeReason: 'CANCELLED', waivedAmount: 0 },
      ],
    },
    {
      name: 'net zero: nothing is waived',
      lines: [{ id: 1, balance: 500 }, { id: 2, balance: -500 }],
      expected: [
        { id: 1, closeReason: 'TRANSFERRED', waivedAmount: 0 },
        { id: 2, closeReason: 'TRANSFERRED', waivedAmount: 0 },
      ],
    },
  ])('$name', ({ lines, expected }) => {
    const settled = settleFees(lines);
    expect(settled).toEqual(expected);
    const waived = settled.reduce((sum, s) => sum + s.waivedAmount, 0);
    const net = lines.reduce((sum, l) => sum + l.balance, 0);
    expect(waived).toBe(Math.max(net, 0));
  });
});
