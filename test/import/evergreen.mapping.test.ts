/**
 * The Evergreen importer on small COPY dumps written to a temporary directory: the COPY text format,
 * request and loan states, money with and without `money.billing`, and records of deleted users.
 */
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-files.ts';
import { BALANCE_UNKNOWN_REASON, readEvergreen } from '../../src/import/evergreen.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';

const usd: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
const temp = useTempDir('evergreen-');
const write = temp.write;

/** A COPY dump of one table: `rows` are already in COPY text format (tabs between fields). */
function copy(table: string, columns: string, rows: string[]): string {
  return `COPY ${table} (${columns}) FROM stdin;\n${rows.join('\n')}\n\\.\n`;
}


const USR = 'id, usrname, profile, home_ou, first_given_name, family_name, dob, expire_date, active, deleted, email, day_phone, evening_phone, other_phone';

async function writeUsers(): Promise<void> {
  await write(
    'users.sql',
    copy('actor.usr', USR, [
      '10\tU10\t2\t4\tAnne\tO\\\\Brien\\tJr\t1980-02-29\t2025-02-24 09:55:29-05\tt\tf\ta@example.org\t555-1\t\\N\t555-1',
      '11\tU11\t3\t4\tBen\tLine\\nTwo\t\\N\t2026-01-01\tt\tf\t\\N\t\\N\t\\N\t\\N',
      '12\tU12\t2\t4\tGone\tUser\t\\N\t2020-01-01\tt\tt\t\\N\t\\N\t\\N\t\\N',
    ]),
  );
}

describe('Evergreen COPY dumps', () => {
  it('decodes \\N, backslash escapes and t/f booleans; takes the literal date part', async () => {
    await writeUsers();
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.users.map((u) => u.primaryId)).toEqual(['U10', 'U11']);
    expect(batch.users[0]).toMatchObject({
      sourceKey: '10',
      lastName: 'O\\Brien\tJr',
      birthDate: '1980-02-29',
      expiryDate: '2025-02-24',
      status: 'ACTIVE',
      emails: ['a@example.org'],
      phones: ['555-1'],
      homeLibrary: 'ou-4',
      recordType: 'PUBLIC',
      userGroup: 'profile-2',
    });
    expect(batch.users[1]).toMatchObject({ lastName: 'Line\nTwo', birthDate: null, emails: [], phones: [], recordType: 'STAFF' });
  });

  it('finds the table from the COPY line, whatever the file is called, and reads several tables in one file', async () => {
    await write(
      'dump.txt',
      '-- a pg_dump\nSET client_encoding = \'UTF8\';\n\n' +
        copy('actor.org_unit', 'id, shortname, name', ['4\tBR1\tBranch One']) +
        '\n' +
        copy('actor.usr', 'id, usrname, profile, home_ou', ['10\tU10\t2\t4']),
    );
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.libraries).toEqual([{ code: 'BR1', name: 'Branch One' }]);
    expect(batch.users[0]?.homeLibrary).toBe('BR1');
    // Columns the dump does not carry stay undefined: a re-import leaves them as they are.
    expect(batch.users[0]?.expiryDate).toBeUndefined();
    expect(batch.users[0]?.emails).toBeUndefined();
  });

  it('follows parent links up the group tree to decide PUBLIC or STAFF', async () => {
    await write(
      'grp.sql',
      copy('permission.grp_tree', 'id, name, parent, description', [
        '2\tPatrons\t1\t\\N',
        '3\tStaff\t1\t\\N',
        '20\tStudents\t2\t\\N',
        '21\tGrad students\t20\tSecond level',
        '30\tCirc\t3\t\\N',
      ]),
    );
    await write(
      'usr.sql',
      copy('actor.usr', 'id, usrname, profile', ['1\tA\t21', '2\tB\t30', '3\tC\t2', '4\tD\t99']),
    );
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.users.map((u) => [u.primaryId, u.recordType, u.userGroup])).toEqual([
      ['A', 'PUBLIC', 'Grad students'],
      ['B', 'STAFF', 'Circ'],
      ['C', 'PUBLIC', 'Patrons'],
      ['D', 'STAFF', 'profile-99'],
    ]);
    expect(batch.groups).toContainEqual({ code: 'Grad students', description: 'Second level' });
    expect(batch.groups).toContainEqual({ code: 'Patrons', description: 'Patrons' });
  });

  it('maps loan and hold states', async () => {
    await writeUsers();
    await write(
      'circ.sql',
      copy('action.circulation', 'id, usr, xact_start, xact_finish, checkin_time, due_date, stop_fines, circ_lib', [
        '100\t10\t2025-01-01 10:00:00-05\t\\N\t\\N\t2025-01-15\t\\N\t4',
        '101\t10\t2025-01-01 10:00:00-05\t\\N\t\\N\t2025-01-15\tLOST\t4',
        '102\t10\t2025-01-01 10:00:00-05\t\\N\t\\N\t2025-01-15\tCLAIMSRETURNED\t4',
        '103\t10\t2025-01-01 10:00:00-05\t2025-01-10 10:00:00-05\t2025-01-10 10:00:00-05\t2025-01-15\tCHECKIN\t4',
      ]),
    );
    await write(
      'hold.sql',
      copy('action.hold_request', 'id, usr, request_time, capture_time, shelf_time, fulfillment_time, cancel_time, hold_type', [
        '1\t10\t2025-01-01\t\\N\t\\N\t\\N\t\\N\tT',
        '2\t10\t2025-01-01\t2025-01-02\t\\N\t\\N\t\\N\tC',
        '3\t10\t2025-01-01\t2025-01-02\t2025-01-03\t\\N\t\\N\tT',
        '4\t10\t2025-01-01\t2025-01-02\t2025-01-03\t2025-01-04\t\\N\tT',
        '5\t10\t2025-01-01\t\\N\t\\N\t\\N\t2025-01-04\tT',
      ]),
    );
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.loans.map((l) => [l.externalId, l.status])).toEqual([
      ['100', 'ON_LOAN'],
      ['101', 'LOST'],
      ['102', 'CLAIMED_RETURNED'],
      ['103', 'RETURNED'],
    ]);
    expect(batch.loans[3]).toMatchObject({ returnDate: '2025-01-10', library: 'ou-4', userKey: '10' });
    expect(batch.requests.map((r) => [r.externalId, r.status])).toEqual([
      ['1', 'PLACED'],
      ['2', 'IN_TRANSIT'],
      ['3', 'ON_HOLD_SHELF'],
      ['4', 'FULFILLED'],
      ['5', 'CANCELLED'],
    ]);
  });

  it('skips the loans, holds and penalties of a user marked deleted, with a warning each', async () => {
    await writeUsers();
    await write('circ.sql', copy('action.circulation', 'id, usr, xact_start, xact_finish, checkin_time', ['100\t12\t2025-01-01\t\\N\t\\N']));
    await write('pen.sql', copy('actor.usr_standing_penalty', 'id, usr, standing_penalty, stop_date', ['7\t12\t1\t\\N']));
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.loans).toEqual([]);
    expect(batch.blocks).toEqual([]);
    expect(batch.warnings.filter((w) => w.includes('marked deleted'))).toHaveLength(3);
    expect(batch.users.some((u) => u.doNotPurgeReason !== undefined)).toBe(false);
  });

  it('emits loans, holds and blocks of users not in the input with the Evergreen user id as key', async () => {
    await write('pen.sql', copy('actor.usr_standing_penalty', 'id, usr, standing_penalty, stop_date', ['7\t55\t3\t2025-03-01 00:00:00-05']));
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.blocks).toEqual([
      { externalId: '7', userKey: '55', blockType: 'PENALTY-3', expiryDate: '2025-03-01', location: expect.anything() },
    ]);
  });
});

describe('Evergreen money', () => {
  const GROCERY = 'id, usr, xact_start, xact_finish';
  const PAYMENT = 'id, xact, payment_ts, voided, amount';
  const BILLING = 'id, xact, billing_ts, voided, amount, billing_type';

  it('flags users with an open transaction and no billings in the input; closed transactions do not count', async () => {
    await writeUsers();
    await write('grocery.sql', copy('money.grocery', GROCERY, ['500\t10\t2025-01-01\t\\N', '501\t11\t2025-01-01\t2025-02-01']));
    await write('cash.sql', copy('money.cash_payment', PAYMENT, ['1\t500\t2025-01-02\tf\t1.00']));
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.users.map((u) => [u.primaryId, u.doNotPurgeReason])).toEqual([
      ['U10', BALANCE_UNKNOWN_REASON],
      ['U11', undefined],
    ]);
    expect(batch.fees).toEqual([]);
  });

  it('warns when the user of an open transaction is not in the input', async () => {
    await write('grocery.sql', copy('money.grocery', GROCERY, ['500\t77\t2025-01-01\t\\N']));
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.warnings.some((w) => w.includes('user id 77') && w.includes('doNotPurge'))).toBe(true);
  });

  it('with money.billing: balance = non-voided billings - non-voided payments per open transaction', async () => {
    await writeUsers();
    await write('grocery.sql', copy('money.grocery', GROCERY, ['500\t10\t2025-01-01\t\\N', '501\t11\t2025-01-01\t\\N', '502\t11\t2025-01-01\t2025-02-01', '503\t10\t2025-01-05\t\\N']));
    await write(
      'billing.sql',
      copy('money.billing', BILLING, [
        '1\t500\t2025-01-01\tf\t10.00\tOverdue materials',
        '2\t500\t2025-01-01\tf\t0.3\tProcessing fee',
        '3\t500\t2025-01-01\tt\t99.00\tLost materials',
        '4\t501\t2025-01-01\tf\t5.00\tMisc',
        '5\t502\t2025-01-01\tf\t8.00\tMisc',
      ]),
    );
    await write('cash.sql', copy('money.cash_payment', PAYMENT, ['1\t500\t2025-01-02\tf\t2.00', '2\t500\t2025-01-02\tt\t5.00', '3\t501\t2025-01-02\tf\t5.00']));
    await write('adj.sql', copy('money.account_adjustment', PAYMENT, ['4\t503\t2025-01-06\tf\t1.50']));
    const batch = await readEvergreen([temp.dir()], usd);
    // 500: 10.00 + 0.30 - 2.00 = 8.30 owed; 501: paid off; 502: closed; 503: no billing, 1.50 paid = credit.
    expect(batch.fees.map((f) => [f.externalId, f.userKey, f.feeType, f.status, f.originalAmount, f.balance])).toEqual([
      ['500', '10', 'Overdue materials', 'ACTIVE', 1030, 830],
      ['503', '10', 'BILL', 'ACTIVE', 0, -150],
    ]);
    expect(batch.fees[0]?.createdDate).toBe('2025-01-01');
    expect(batch.users.some((u) => u.doNotPurgeReason !== undefined)).toBe(false);
  });

  it('parses amounts with the currency digits', async () => {
    await write('grocery.sql', copy('money.grocery', GROCERY, ['500\t10\t2025-01-01\t\\N']));
    await write('billing.sql', copy('money.billing', BILLING, ['1\t500\t2025-01-01\tf\t500\tx']));
    const batch = await readEvergreen([temp.dir()], { currency: 'JPY', purgeDaysAfterExpiry: null });
    expect(batch.fees[0]?.balance).toBe(500);
    await expect(readEvergreen([temp.dir()], { currency: 'BHD', purgeDaysAfterExpiry: null })).resolves.toMatchObject({
      fees: [expect.objectContaining({ balance: 500_000 })],
    });
  });
});
