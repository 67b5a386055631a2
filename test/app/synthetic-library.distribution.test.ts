/**
 * The proportions of docs/synthetic-library.md hold at 20,000 users, and every record is well formed.
 * The figures here are written out again on purpose, from the document, not imported from the code.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateLibrary } from '../../src/app/synthetic-library.ts';
import { addDays, isCalendarDate } from '../../src/domain/calendar-date.ts';
import type { ImportBatch, ImportedUser } from '../../src/domain/import-batch.ts';
import { ACTIVE_LOAN_STATUSES, ACTIVE_REQUEST_STATUSES } from '../../src/domain/user.ts';

const today = '2025-06-01';
const N = 20_000;
let batch: ImportBatch;
let past: ImportedUser[];

/** Keys of the users that have at least one record matching `test`. */
function usersWith<T extends { userKey: string }>(records: readonly T[], test: (r: T) => boolean): Set<string> {
  return new Set(records.filter(test).map((r) => r.userKey));
}

function share(users: readonly ImportedUser[], keys: Set<string>): number {
  return users.filter((u) => keys.has(u.sourceKey)).length / users.length;
}

function expectNear(actual: number, expected: number, tolerance: number): void {
  expect(actual, `${actual.toFixed(4)} should be ${expected} ± ${tolerance}`).toBeGreaterThanOrEqual(expected - tolerance);
  expect(actual, `${actual.toFixed(4)} should be ${expected} ± ${tolerance}`).toBeLessThanOrEqual(expected + tolerance);
}

function countBy<T>(items: readonly T[], key: (item: T) => string | null | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = String(key(item));
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

beforeAll(() => {
  batch = generateLibrary({ users: N, seed: 20_250_601, today });
  past = batch.users.filter((u) => u.purgeDate != null && u.purgeDate < today);
});

describe('synthetic library distributions at 20,000 users', () => {
  it('has 88 % PUBLIC, 10 % STAFF and 2 % CONTACT users; contacts have no group, staff are in STAFF', () => {
    const types = countBy(batch.users, (u) => u.recordType);
    expectNear((types.get('PUBLIC') ?? 0) / N, 0.88, 0.015);
    expectNear((types.get('STAFF') ?? 0) / N, 0.1, 0.01);
    expectNear((types.get('CONTACT') ?? 0) / N, 0.02, 0.005);
    const groupOf = { CONTACT: [null], STAFF: ['STAFF'], PUBLIC: ['UNDERGRAD', 'GRAD', 'FACULTY', 'ALUMNI', 'COMMUNITY'] };
    expect(batch.users.filter((u) => !(groupOf[u.recordType!] as (string | null)[]).includes(u.userGroup ?? null))).toEqual([]);
    const publicUsers = batch.users.filter((u) => u.recordType === 'PUBLIC');
    const groups = countBy(publicUsers, (u) => u.userGroup);
    expectNear((groups.get('UNDERGRAD') ?? 0) / publicUsers.length, 0.45, 0.02);
    expectNear((groups.get('COMMUNITY') ?? 0) / publicUsers.length, 0.15, 0.015);
  });

  it('has 95 % ACTIVE users and the rest INACTIVE', () => {
    const statuses = countBy(batch.users, (u) => u.status);
    expectNear((statuses.get('ACTIVE') ?? 0) / N, 0.95, 0.01);
    expect((statuses.get('ACTIVE') ?? 0) + (statuses.get('INACTIVE') ?? 0)).toBe(N);
  });

  it('has 60 % purge dates in the last 3 years, 25 % in the next 2 years and 15 % none', () => {
    const future = batch.users.filter((u) => u.purgeDate != null && u.purgeDate > today);
    const none = batch.users.filter((u) => u.purgeDate === null);
    expectNear(past.length / N, 0.6, 0.02);
    expectNear(future.length / N, 0.25, 0.02);
    expectNear(none.length / N, 0.15, 0.015);
    expect(past.length + future.length + none.length).toBe(N);
    const threeYearsAgo = addDays(today, -1095);
    expect(past.filter((u) => u.purgeDate! < threeYearsAgo)).toEqual([]);
    // Spread over the three years, not bunched: each year holds about a third.
    const lastYear = past.filter((u) => u.purgeDate! >= addDays(today, -365)).length / past.length;
    expectNear(lastYear, 1 / 3, 0.03);
    expect(future.filter((u) => u.purgeDate! > addDays(today, 730))).toEqual([]);
  });

  it('gives 15 % of past-purge users an active loan, in the four active states', () => {
    const withLoan = usersWith(batch.loans, (l) => ACTIVE_LOAN_STATUSES.includes(l.status));
    expectNear(share(past, withLoan), 0.15, 0.015);
    const states = countBy(
      batch.loans.filter((l) => ACTIVE_LOAN_STATUSES.includes(l.status)),
      (l) => l.status,
    );
    expect([...states.keys()].sort()).toEqual(['CLAIMED_RETURNED', 'IN_TRANSIT_HOME', 'LOST', 'ON_LOAN']);
    const active = [...states.values()].reduce((a, b) => a + b, 0);
    expectNear((states.get('ON_LOAN') ?? 0) / active, 0.7, 0.04);
  });

  it('gives 10 % of past-purge users an active debt and 3 % an active credit, in integer minor units', () => {
    const debt = usersWith(batch.fees, (f) => f.status === 'ACTIVE' && f.balance > 0);
    const credit = usersWith(batch.fees, (f) => f.status === 'ACTIVE' && f.balance < 0);
    expectNear(share(past, debt), 0.1, 0.012);
    expectNear(share(past, credit), 0.03, 0.007);
    expect(batch.fees.filter((f) => !Number.isInteger(f.originalAmount) || !Number.isInteger(f.balance))).toEqual([]);
    expect(batch.fees.filter((f) => f.status === 'ACTIVE' && f.balance === 0)).toEqual([]);
    const balances = new Set(batch.fees.filter((f) => f.status === 'ACTIVE').map((f) => f.balance));
    for (const amount of [250, 499, 500, 501, -250]) expect(balances.has(amount), `an active balance of ${amount}`).toBe(true);
    for (const f of batch.fees.filter((x) => x.balance < 0)) {
      expect(f.feeType).toBe('CREDIT');
      expect(f.originalAmount).toBe(f.balance);
    }
  });

  it('gives 5 % of past-purge users an active request', () => {
    const withRequest = usersWith(batch.requests, (r) => ACTIVE_REQUEST_STATUSES.includes(r.status));
    expectNear(share(past, withRequest), 0.05, 0.01);
    const states = new Set(batch.requests.filter((r) => ACTIVE_REQUEST_STATUSES.includes(r.status)).map((r) => r.status));
    expect([...states].sort()).toEqual(['IN_TRANSIT', 'ON_HOLD_SHELF', 'PLACED']);
  });

  it('lets 2 % of users start a proxy or guarantor relationship with their pair partner, some ended', () => {
    const starters = new Set(batch.relationships.map((r) => r.location.record));
    expectNear(share(past, starters), 0.02, 0.006);
    expectNear(batch.relationships.length / N, 0.02, 0.004);
    const ended = batch.relationships.filter((r) => r.endDate != null && r.endDate < today).length;
    expectNear(ended / batch.relationships.length, 0.3, 0.08);
    const kinds = countBy(batch.relationships, (r) => r.kind);
    expectNear((kinds.get('PROXY') ?? 0) / batch.relationships.length, 0.7, 0.08);
    for (const r of batch.relationships) {
      const [a, b] = [r.fromUserKey, r.toUserKey].map((k) => Number(k.slice(1)) - 1) as [number, number];
      expect(a ^ 1).toBe(b);
    }
  });

  it('puts 1 % of users under legal hold', () => {
    const held = batch.users.filter((u) => u.doNotPurgeReason !== undefined);
    expectNear(held.length / N, 0.01, 0.003);
    expectNear(past.filter((u) => u.doNotPurgeReason !== undefined).length / past.length, 0.01, 0.004);
    for (const u of held) expect(u.doNotPurgeReason).toBe('legal hold');
  });

  it('gives 20 % of staff one or two assignments, and no one else any', () => {
    const staff = batch.users.filter((u) => u.recordType === 'STAFF');
    const assigned = new Set(batch.assignments.map((a) => a.userKey));
    expectNear(share(staff, assigned), 0.2, 0.03);
    const staffKeys = new Set(staff.map((u) => u.sourceKey));
    for (const key of assigned) expect(staffKeys.has(key)).toBe(true);
    expect(new Set(batch.assignments.map((a) => a.kind)).size).toBe(5);
  });

  it('gives every user about 2 closed loans, 1 closed fee and 0.3 closed requests of history', () => {
    const returned = batch.loans.filter((l) => l.status === 'RETURNED');
    expectNear(returned.length / N, 2, 0.05);
    expect(returned.filter((l) => !(l.returnDate != null && l.returnDate >= l.loanDate! && l.returnDate < today))).toEqual([]);
    const closedFees = batch.fees.filter((f) => f.status === 'CLOSED');
    expectNear(closedFees.length / N, 1, 0.03);
    const badFees = closedFees.filter(
      (f) => !['PAID', 'WAIVED'].includes(f.closeReason ?? '') || f.balance !== 0 || !(f.closedDate! >= f.createdDate! && f.closedDate! < today),
    );
    expect(badFees).toEqual([]);
    const closedRequests = batch.requests.filter((r) => !ACTIVE_REQUEST_STATUSES.includes(r.status));
    expectNear(closedRequests.length / N, 0.3, 0.015);
    const notStarted = batch.loans.filter((l) => l.status === 'NOT_STARTED');
    expectNear(notStarted.length / N, 0.03, 0.005);
  });

  it('blocks exactly the users with an active debt of 50.00 or more', () => {
    const big = usersWith(batch.fees, (f) => f.status === 'ACTIVE' && f.balance >= 5000);
    expect(new Set(batch.blocks.map((b) => b.userKey))).toEqual(big);
    expect(batch.blocks).toHaveLength(big.size);
  });

  it('links every related record to a generated user, with unique external ids and the synthetic location', () => {
    const keys = new Set(batch.users.map((u) => u.sourceKey));
    const related = [...batch.loans, ...batch.fees, ...batch.requests, ...batch.blocks, ...batch.assignments];
    expect(related.filter((r) => !keys.has(r.userKey) || r.location.file !== 'synthetic' || r.location.record !== r.userKey)).toEqual([]);
    expect(batch.relationships.filter((r) => !keys.has(r.fromUserKey) || !keys.has(r.toUserKey) || r.fromUserKey === r.toUserKey)).toEqual([]);
    expect(batch.users.filter((u) => u.location.file !== 'synthetic' || u.location.record !== u.primaryId)).toEqual([]);
    for (const [prefix, records] of [
      ['L', batch.loans],
      ['F', batch.fees],
      ['R', batch.requests],
      ['B', batch.blocks],
      ['P', batch.relationships],
      ['A', batch.assignments],
    ] as const) {
      const ids = records.map((r) => r.externalId);
      expect(ids).toEqual(ids.map((_, i) => `${prefix}${i + 1}`));
    }
  });

  it('fills every user with names, contacts, a barcode and valid dates', () => {
    const problems: string[] = [];
    const barcodes = new Set<string>();
    for (const u of batch.users) {
      const barcode = u.identifiers?.find((i) => i.type === 'BARCODE')?.value ?? '';
      barcodes.add(barcode);
      const dates = [u.birthDate, u.expiryDate, u.purgeDate, u.lastActivityDate].filter((d): d is string => d != null);
      const wrong = [
        !u.firstName || !u.lastName ? 'names' : '',
        u.emails?.length !== 1 || u.emails[0] !== `${u.primaryId}@example.edu` ? 'email' : '',
        !/^\(\d{3}\) 555-01\d{2}$/.test(u.phones?.[0] ?? '') ? 'phone' : '',
        !/^\d+ .+, .+, [A-Z]{2} \d{5}$/.test(u.addresses?.[0] ?? '') ? 'address' : '',
        !/^\d{14}$/.test(barcode) ? 'barcode' : '',
        dates.some((d) => !isCalendarDate(d)) ? 'dates' : '',
        !(u.lastActivityDate! < today) ? 'lastActivityDate' : '',
        !/^(MAIN|LAW|MED|SCI)$/.test(u.homeLibrary ?? '') ? 'homeLibrary' : '',
        u.recordType === 'CONTACT' ? (u.birthDate === null ? '' : 'birthDate') : u.birthDate! < addDays(today, -16 * 365) ? '' : 'birthDate',
      ].filter(Boolean);
      if (wrong.length > 0) problems.push(`${u.primaryId}: ${wrong.join(', ')}`);
    }
    expect(problems).toEqual([]);
    expect(barcodes.size).toBe(N);
    const badDates = [...batch.loans, ...batch.fees, ...batch.requests].filter((r) =>
      Object.values(r).some((d) => typeof d === 'string' && /^\d{4}-/.test(d) && !isCalendarDate(d)),
    );
    expect(badDates).toEqual([]);
  });
});
