/**
 * Acceptance cases of ../shared/cases.md for the Purge User Records job, on a real SQLite database.
 * Defaults of the cases: time zone America/New_York, job at 2025-06-01T10:00 local, grace 0, All/All,
 * threshold 0.00, policy KEEP_STATISTICS_REMOVE_PRIMARY_ID, users PUBLIC in group UG with purge date 2025-05-01.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { explainPurge } from '../../src/app/users.ts';
import { createPurgeJob } from '../../src/app/purge-jobs.ts';
import { fee, liveUsers, loan, openTestApp, reasonsById, relationship, request, runPurge, seed, testDatabases, user, type TestApp } from '../helpers/test-app.ts';

const NY = { timezone: 'America/New_York' };
const RUN_AT = '2025-06-01T10:00:00-04:00';

describe.each(testDatabases())('on %s', (database) => {
let app: TestApp | undefined;

async function open(now = RUN_AT, settings: Record<string, string> = {}): Promise<TestApp> {
  app = await openTestApp(now, { ...NY, ...settings }, database);
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('C01 grace period boundary', () => {
  const users = () => [
    user('A', { purgeDate: '2013-12-09' }),
    user('B', { purgeDate: '2013-12-10' }),
    user('C', { purgeDate: '2013-12-11' }),
    user('D', { purgeDate: '2013-12-20' }),
    user('E', { purgeDate: '2013-12-21' }),
    user('F', { purgeDate: null }),
  ];

  it('C01 grace 10 at 2013-12-20T09:00 local purges A and B only; C, D, E, F are not candidates', async () => {
    const a = await open('2013-12-20T09:00:00-05:00');
    await seed(a, { users: users() });
    const { view, report } = await runPurge(a, { daysAfterPurgeDate: 10 });
    expect(view.today).toBe('2013-12-20');
    expect(view.counters.candidates).toBe(2);
    expect(view.counters.purged).toBe(2);
    expect(report.not_purged).toEqual([]);
    expect(await liveUsers(a)).toEqual(['C', 'D', 'E', 'F']);
  });

  for (const [label, instant] of [
    ['23:59:59', '2013-12-20T23:59:59-05:00'],
    ['00:00:00', '2013-12-20T00:00:00-05:00'],
  ] as const) {
    it(`C01 grace 0 at ${label} local purges A, B, C and D`, async () => {
      const a = await open(instant);
      await seed(a, { users: users() });
      const { view } = await runPurge(a, { daysAfterPurgeDate: 0 });
      expect(view.today).toBe('2013-12-20');
      expect(view.counters.purged).toBe(4);
      expect(await liveUsers(a)).toEqual(['E', 'F']);
    });
  }

  it('C01 single users answer PURGE_DATE_NOT_REACHED, NO_PURGE_DATE and NOT_IN_FILTER', async () => {
    const a = await open('2013-12-20T09:00:00-05:00');
    await seed(a, { users: [...users(), user('S', { userGroup: 'staff', purgeDate: null })] });
    const why = async (id: string, req: Record<string, unknown>) => {
      const result = await explainPurge(a, id, req);
      if (!result.ok) throw new Error(result.message);
      return result.answer.reasons;
    };
    for (const id of ['C', 'D', 'E']) expect(await why(id, { daysAfterPurgeDate: 10 })).toEqual(['PURGE_DATE_NOT_REACHED']);
    expect(await why('F', { daysAfterPurgeDate: 10 })).toEqual(['NO_PURGE_DATE']);
    expect(await why('A', { daysAfterPurgeDate: 10 })).toEqual([]);
    expect(await why('A', { daysAfterPurgeDate: 10, userGroup: 'staff' })).toEqual(['NOT_IN_FILTER']);
  });
});

describe('C02 credits and debts', () => {
  it('C02 compares the net amount owed with the threshold, and a credit keeps the user', async () => {
    const a = await open();
    await seed(a, {
      users: ['U1', 'U2', 'U3', 'U4', 'U5'].map((id) => user(id)),
      fees: [fee('U1', 499), fee('U2', 500), fee('U3', 501), fee('U4', -200), fee('U5', 500), fee('U5', -500)],
    });
    const { view, report } = await runPurge(a, { waiveThreshold: '5.00' });
    expect(reasonsById(report)).toEqual({ U3: ['FEES_OVER_THRESHOLD'], U4: ['CREDIT_OWED'] });
    expect(report.not_purged.find((r) => r.primary_id === 'U3')?.amount).toBe('5.01');
    expect(report.not_purged.find((r) => r.primary_id === 'U4')?.amount).toBe('-2.00');
    expect(await liveUsers(a)).toEqual(['U3', 'U4']);
    // U1 and U2 had a debt left over (waived); U5's debt was set off against its credit.
    expect(view.counters.debts_waived).toBe(2);
    expect(view.counters.credits_closed).toBe(0);
    const open_ = await a.db.kysely.selectFrom('fees').select('id').where('status', '=', 'ACTIVE').execute();
    expect(open_).toHaveLength(2);
  });
});

describe('C03 history survives the purge', () => {
  it('C03 closed fee lines keep type, amounts, dates and group, but nothing of the person', async () => {
    const a = await open();
    await seed(a, {
      users: [user('U1', { firstName: 'Ann', lastName: 'Lee', identifiers: [{ type: 'BARCODE', value: 'B-1' }] })],
      fees: [
        fee('U1', 0, { status: 'CLOSED', closeReason: 'PAID', closedDate: '2024-03-02', originalAmount: 1250, feeType: 'OVERDUEFINE' }),
        fee('U1', 0, { status: 'CLOSED', closeReason: 'WAIVED', closedDate: '2024-04-01', originalAmount: 300, feeType: 'DAMAGE' }),
      ],
    });
    const query = () =>
      a.db.kysely
        .selectFrom('fees')
        .leftJoin('users', 'users.id', 'fees.user_id')
        .select(['fees.fee_type', 'fees.original_amount', 'fees.close_reason', 'fees.closed_date', 'users.user_group', 'users.primary_id', 'users.last_name'])
        .where('fees.closed_date', '>=', '2024-03-01')
        .where('fees.closed_date', '<=', '2024-04-30')
        .orderBy('fees.closed_date')
        .execute();
    const before = await query();
    expect(before.map((r) => [r.fee_type, Number(r.original_amount), r.close_reason, r.closed_date, r.user_group])).toEqual([
      ['OVERDUEFINE', 1250, 'PAID', '2024-03-02', 'UG'],
      ['DAMAGE', 300, 'WAIVED', '2024-04-01', 'UG'],
    ]);
    const { view } = await runPurge(a);
    expect(view.counters.purged).toBe(1);
    expect(view.counters.history_records_anonymised).toBe(2);
    const after = await query();
    expect(after.map((r) => [r.fee_type, Number(r.original_amount), r.close_reason, r.closed_date, r.user_group])).toEqual(
      before.map((r) => [r.fee_type, Number(r.original_amount), r.close_reason, r.closed_date, r.user_group]),
    );
    for (const row of after) {
      expect(row.primary_id).toMatch(/^DEL-\d+$/);
      expect(row.last_name).toBeNull();
    }
    expect(await a.db.kysely.selectFrom('user_identifiers').select('id').where('value_key', '=', 'b-1').execute()).toEqual([]);
  });
});

describe('C05 a group filter never bypasses the criteria', () => {
  it('C05 purges only the clean WEBREG candidate and refuses an unknown group at creation', async () => {
    const a = await open();
    await seed(a, {
      users: [
        user('S1', { userGroup: 'WEBREG', purgeDate: null }),
        user('S2', { userGroup: 'WEBREG' }),
        user('S3', { userGroup: 'WEBREG' }),
        user('R1', { userGroup: 'UG' }),
      ],
      loans: [loan('S2', 'ON_LOAN')],
    });
    const refused = await createPurgeJob(a, { userGroup: 'WEBRGE' }, 'test');
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.message).toContain('WEBRGE');
    expect(await a.db.kysely.selectFrom('jobs').select('id').execute()).toEqual([]);

    const { view, report } = await runPurge(a, { userGroup: 'webreg' });
    expect(view.parameters.userGroup).toBe('WEBREG');
    expect(view.counters.candidates).toBe(2);
    expect(reasonsById(report)).toEqual({ S2: ['ACTIVE_LOANS'] });
    expect(report.purged).toEqual(['S3']);
    expect(await liveUsers(a)).toEqual(['R1', 'S1', 'S2']);
  });
});

describe('C06 protected and system accounts', () => {
  it('C06 keeps the protected user, the anonymisation user and the operator', async () => {
    const a = await open();
    await seed(a, {
      users: [
        user('P1', { doNotPurgeReason: 'legal hold' }),
        user('P2'),
        user('P3', { recordType: 'STAFF', userGroup: 'STAFF' }),
        user('P4', { recordType: 'STAFF', userGroup: 'STAFF' }),
        user('P5'),
      ],
    });
    const setting = await import('../../src/app/settings.ts').then((m) => m.setSetting(a, 'anonymisation_user', 'P2', 'test'));
    expect(setting.ok).toBe(true);
    const { view, report } = await runPurge(a, { operator: 'P3' });
    expect(view.operator).toBe('P3');
    expect(reasonsById(report)).toEqual({ P1: ['PROTECTED'], P2: ['SYSTEM_USER'], P3: ['SYSTEM_USER'] });
    expect([...(report.purged ?? [])].sort()).toEqual(['P4', 'P5']);
    expect(view.counters.protected).toBe(1);
    expect(view.counters.system_user).toBe(2);
  });
});

describe('C07 active requests keep the user', () => {
  const library = () => ({
    users: ['U1', 'U2', 'U3', 'U4'].map((id) => user(id)),
    requests: [
      request('U1', 'PLACED'),
      request('U2', 'IN_TRANSIT'),
      request('U3', 'ON_HOLD_SHELF', { requestType: 'RESOURCE_SHARING' }),
      request('U4', 'CANCELLED'),
      request('U4', 'FULFILLED'),
    ],
  });

  it('C07 keeps U1..U3 with ACTIVE_REQUESTS and leaves their requests as they were', async () => {
    const a = await open();
    await seed(a, library());
    const before = await a.db.kysely.selectFrom('requests').select(['id', 'status', 'user_id']).orderBy('id').execute();
    const { view, report } = await runPurge(a);
    expect(reasonsById(report)).toEqual({ U1: ['ACTIVE_REQUESTS'], U2: ['ACTIVE_REQUESTS'], U3: ['ACTIVE_REQUESTS'] });
    expect(view.counters.requests_cancelled).toBe(0);
    const after = await a.db.kysely.selectFrom('requests').select(['id', 'status', 'user_id']).orderBy('id').execute();
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
  });

  it('C07 with block_on_requests off purges U1..U3 and cancels their 3 requests', async () => {
    const a = await open(RUN_AT, { block_on_requests: 'false' });
    await seed(a, library());
    const { view } = await runPurge(a);
    expect(view.counters.purged).toBe(4);
    expect(view.counters.requests_cancelled).toBe(3);
    const statuses = await a.db.kysely.selectFrom('requests').select('status').orderBy('id').execute();
    expect(statuses.map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED', 'FULFILLED']);
  });
});

describe('C08 which loan states keep a user', () => {
  it('C08 in-transit-home and overdue loans keep; aborted and returned loans do not', async () => {
    const a = await open();
    await seed(a, {
      users: ['U1', 'U2', 'U3', 'U4'].map((id) => user(id)),
      loans: [
        loan('U1', 'IN_TRANSIT_HOME'),
        loan('U2', 'NOT_STARTED'),
        loan('U3', 'RETURNED', { returnDate: '2025-01-10' }),
        loan('U3', 'RETURNED', { returnDate: '2025-02-10' }),
        loan('U4', 'ON_LOAN', { dueDate: '2025-04-01' }),
      ],
    });
    const { report } = await runPurge(a);
    expect(reasonsById(report)).toEqual({ U1: ['ACTIVE_LOANS'], U4: ['ACTIVE_LOANS'] });
    expect([...(report.purged ?? [])].sort()).toEqual(['U2', 'U3']);
  });
});

describe('C09 the purge date is the only date that matters', () => {
  it('C09 ignores expiry dates, and nothing is purged without a job', async () => {
    const a = await open();
    await seed(a, {
      users: [
        user('U1', { expiryDate: '2024-01-01', purgeDate: null }),
        user('U2', { expiryDate: '2025-03-01', purgeDate: '2026-03-01' }),
        user('U3', { expiryDate: '2027-05-01', purgeDate: '2025-05-01' }),
      ],
    });
    expect(await liveUsers(a)).toEqual(['U1', 'U2', 'U3']);
    const { view, report } = await runPurge(a);
    expect(view.counters.candidates).toBe(1);
    expect(report.purged).toEqual(['U3']);
    expect(await liveUsers(a)).toEqual(['U1', 'U2']);
  });
});

describe('C11 the report says who stayed and why', () => {
  it('C11 counts 4 candidates, 1 purged, 3 kept with exactly their codes; U5 absent', async () => {
    const a = await open();
    await seed(a, {
      users: [user('U1'), user('U2'), user('U3'), user('U4'), user('U5', { purgeDate: '2025-07-01' })],
      loans: [loan('U2', 'ON_LOAN')],
      fees: [fee('U3', 1200)],
      requests: [request('U4', 'ON_HOLD_SHELF')],
    });
    const { view, report } = await runPurge(a, { waiveThreshold: '10.00' });
    expect(view.status).toBe('COMPLETED_SUCCESS');
    expect(view.counters.candidates).toBe(4);
    expect(view.counters.purged).toBe(1);
    expect(view.counters.not_purged).toBe(3);
    expect(report.not_purged).toEqual([
      { primary_id: 'U2', user_group: 'UG', reasons: ['ACTIVE_LOANS'], amount: '0.00', active_loans: 1, active_requests: 0 },
      { primary_id: 'U3', user_group: 'UG', reasons: ['FEES_OVER_THRESHOLD'], amount: '12.00', active_loans: 0, active_requests: 0 },
      { primary_id: 'U4', user_group: 'UG', reasons: ['ACTIVE_REQUESTS'], amount: '0.00', active_loans: 0, active_requests: 1 },
    ]);
    expect(JSON.stringify(report)).not.toContain('U5');
  });
});

describe('C13 personal data is really gone', () => {
  const person = () =>
    user('U1', {
      firstName: 'Maria',
      middleName: 'J',
      lastName: 'Gomez',
      emails: ['maria@example.org'],
      phones: ['+1 555 0100'],
      addresses: ['1 Main St, Springfield'],
      identifiers: [{ type: 'BARCODE', value: '2300001' }],
      birthDate: '1990-02-03',
      notes: ['asked about fines'],
      statisticalCategories: ['HISTORY'],
    });

  it('C13 under KEEP_STATISTICS_REMOVE_PRIMARY_ID only statistics remain, on a tombstone with an opaque id', async () => {
    const a = await open();
    await seed(a, { users: [person()] });
    await runPurge(a);
    const db = a.db.kysely;
    const rows = await db.selectFrom('users').selectAll().execute();
    expect(rows).toHaveLength(1);
    const t = rows[0]!;
    expect(t.primary_id).toBe(`DEL-${t.id}`);
    expect([t.first_name, t.middle_name, t.last_name, t.birth_date, t.primary_id_key]).toEqual([null, null, null, null, null]);
    expect([t.user_group, t.record_type, t.status]).toEqual(['UG', 'PUBLIC', 'DELETED']);
    expect((await db.selectFrom('user_stat_categories').select('category').where('user_id', '=', t.id).execute()).map((r) => r.category)).toEqual(['HISTORY']);
    for (const table of ['user_contacts', 'user_identifiers', 'user_notes'] as const) {
      expect(await db.selectFrom(table).select('id').execute()).toEqual([]);
    }
    const dump = JSON.stringify(rows);
    for (const secret of ['Maria', 'Gomez', 'maria@example.org', '2300001', '1990-02-03', '"U1"']) expect(dump).not.toContain(secret);
    expect(await db.selectFrom('users').select('id').where('primary_id_key', '=', 'u1').execute()).toEqual([]);
  });

  if (database === 'sqlite') {
    it('C13 leaves none of the personal data readable in the SQLite file or its write-ahead log', async () => {
      const a = await open();
      await seed(a, { users: [person(), user('KEEP', { lastName: 'Stays' })], loans: [loan('KEEP', 'ON_LOAN')] });
      await runPurge(a);
      const { existsSync, readFileSync } = await import('node:fs');
      const path = a.config.databaseUrl;
      const bytes = Buffer.concat([readFileSync(path), ...(existsSync(`${path}-wal`) ? [readFileSync(`${path}-wal`)] : [])]).toString('latin1');
      expect(bytes).toContain('Stays');
      for (const secret of ['Gomez', 'maria@example.org', '2300001', '1 Main St', 'asked about fines']) expect(bytes, secret).not.toContain(secret);
    });
  }

  it('C13 under FULLY_REMOVE no user row remains', async () => {
    const a = await open(RUN_AT, { delete_policy: 'FULLY_REMOVE' });
    await seed(a, { users: [person()], loans: [loan('U1', 'RETURNED')] });
    const { view } = await runPurge(a);
    expect(view.counters.history_records_anonymised).toBe(1);
    expect(await a.db.kysely.selectFrom('users').select('id').execute()).toEqual([]);
    const loans = await a.db.kysely.selectFrom('loans').select(['user_id', 'user_group', 'status']).execute();
    expect(loans).toEqual([{ user_id: null, user_group: 'UG', status: 'RETURNED' }]);
  });
});

describe('C14 scope', () => {
  it('C14 a job scoped to LAW purges U1 (home LAW) and leaves U2 (home MED) out of the candidates', async () => {
    const a = await open();
    await seed(a, { users: [user('U1', { homeLibrary: 'LAW' }), user('U2', { homeLibrary: 'MED' })] });
    const { view, report } = await runPurge(a, { libraries: ['law'] });
    expect(view.parameters.libraries).toEqual(['LAW']);
    expect(view.counters.candidates).toBe(1);
    expect(report.purged).toEqual(['U1']);
    expect(await liveUsers(a)).toEqual(['U2']);
  });
});

describe('money at purge', () => {
  it('waives only what the credits do not settle: debt 10.00 and credit 7.00 record 3.00 waived', async () => {
    const a = await open();
    await seed(a, { users: [user('U1')], fees: [fee('U1', 1000), fee('U1', -700)] });
    const { view } = await runPurge(a, { waiveThreshold: '5.00' });
    expect(view.counters.purged).toBe(1);
    expect(view.counters.debts_waived).toBe(1);
    const fees = await a.db.kysely.selectFrom('fees').select(['original_amount', 'status', 'close_reason', 'waived_amount', 'balance', 'closed_date']).orderBy('id').execute();
    expect(fees.map((f) => ({ ...f, original_amount: Number(f.original_amount), waived_amount: Number(f.waived_amount), balance: Number(f.balance) }))).toEqual([
      { original_amount: 1000, status: 'CLOSED', close_reason: 'WAIVED', waived_amount: 300, balance: 0, closed_date: '2025-06-01' },
      { original_amount: -700, status: 'CLOSED', close_reason: 'TRANSFERRED', waived_amount: 0, balance: 0, closed_date: '2025-06-01' },
    ]);
  });
});

describe('re-imports after a purge', () => {
  it('never moves a purged user\'s history to the new user nor reopens its closed fees', async () => {
    const a = await open();
    const library = { users: [user('R1')], loans: [loan('R1', 'RETURNED', { externalId: 'LX' })], fees: [fee('R1', 300, { externalId: 'FX' })] };
    await seed(a, library);
    await runPurge(a, { waiveThreshold: '5.00' });
    const tombstone = await a.db.kysely.selectFrom('users').select('id').where('status', '=', 'DELETED').executeTakeFirstOrThrow();
    await seed(a, library);
    const fresh = await a.db.kysely.selectFrom('users').select('id').where('primary_id', '=', 'R1').executeTakeFirstOrThrow();
    expect(fresh.id).not.toBe(tombstone.id);
    const loans = await a.db.kysely.selectFrom('loans').select(['user_id']).execute();
    expect(loans).toEqual([{ user_id: tombstone.id }]);
    const fees = await a.db.kysely.selectFrom('fees').select(['user_id', 'status', 'close_reason']).execute();
    expect(fees).toEqual([{ user_id: tombstone.id, status: 'CLOSED', close_reason: 'WAIVED' }]);
  });
});

describe('relationships', () => {
  it('keeps sponsors, proxies and guarantors of relationships that have not ended', async () => {
    const a = await open();
    await seed(a, {
      users: ['SP', 'PX', 'GU', 'GE', 'OLD1', 'OLD2'].map((id) => user(id)),
      relationships: [relationship('PROXY', 'SP', 'PX'), relationship('GUARANTOR', 'GU', 'GE'), relationship('PROXY', 'OLD1', 'OLD2', '2025-01-01')],
    });
    const { report } = await runPurge(a);
    expect(reasonsById(report)).toEqual({ SP: ['ACTIVE_PROXY'], PX: ['ACTIVE_PROXY'], GU: ['GUARANTOR'] });
    expect([...(report.purged ?? [])].sort()).toEqual(['GE', 'OLD1', 'OLD2']);
    // The purged guarantee's relationship went with it: its guarantor no longer has anyone to guarantee.
    const second = await runPurge(a);
    expect(reasonsById(second.report)).toEqual({ SP: ['ACTIVE_PROXY'], PX: ['ACTIVE_PROXY'] });
    expect(second.report.purged).toEqual(['GU']);
  });
});
});
