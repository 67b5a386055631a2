/**
 * The FOLIO importer on the real FOLIO sample files in ../shared/data/folio. Every expected number and
 * value below was read from the JSON files themselves (jq), not from this program's output.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
import type { ImportBatch, ImportedUser } from '../../src/domain/import-batch.ts';
import { readFolio } from '../../src/import/folio.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';

const FOLIO = path.resolve('../shared/data/folio');
const at = (...parts: string[]) => path.join(FOLIO, ...parts);
const noPurge: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
const plus30: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: 30 };

/** The core sample set: users, their groups, loans and requests. */
function readCore(options = noPurge): Promise<ImportBatch> {
  return readFolio([at('users'), at('groups'), at('loans'), at('requests')], options);
}

function userById(batch: ImportBatch, sourceKey: string): ImportedUser {
  const user = batch.users.find((u) => u.sourceKey === sourceKey);
  if (!user) throw new Error(`no user ${sourceKey} in the batch`);
  return user;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('FOLIO sample data', () => {
  it('is present: these tests fail rather than skip without it', () => {
    expect(existsSync(at('users', 'User000.json'))).toBe(true);
  });

  it('reads 228 users, 5 groups, 4 loans and 2 requests, warning only that the input carries no fees', async () => {
    const batch = await readCore();
    expect(batch.source).toBe('folio');
    expect(batch.users).toHaveLength(228);
    expect(batch.groups).toHaveLength(5);
    expect(batch.loans).toHaveLength(4);
    expect(batch.requests).toHaveLength(2);
    expect(batch.fees).toEqual([]);
    expect(batch.warnings).toEqual(['this input carries no fees: users are judged on the fees already in the database']);
  });

  it('names each user group by the group name resolved from the patronGroup uuid', async () => {
    const batch = await readCore();
    expect(countBy(batch.users, (u) => String(u.userGroup))).toEqual({ undergrad: 64, staff: 57, graduate: 55, faculty: 52 });
  });

  it('emits the groups with their FOLIO uuid as source key', async () => {
    const batch = await readCore();
    expect(batch.groups.map((g) => g.code).sort()).toEqual(['Remote Non-circulating', 'faculty', 'graduate', 'staff', 'undergrad']);
    expect(batch.groups.find((g) => g.code === 'staff')).toEqual({
      code: 'staff',
      description: 'Staff Member',
      sourceKey: '3684a786-6671-4268-8ed0-9db82ebca60b',
    });
  });

  it('maps active to status: 152 ACTIVE and 76 INACTIVE, and every sample user is PUBLIC', async () => {
    const batch = await readCore();
    expect(countBy(batch.users, (u) => String(u.status))).toEqual({ ACTIVE: 152, INACTIVE: 76 });
    expect(countBy(batch.users, (u) => String(u.recordType))).toEqual({ PUBLIC: 228 });
  });

  it('maps User000 (janae) field by field', async () => {
    const batch = await readCore();
    const user = userById(batch, '47f7eaea-1a18-4058-907c-62b7d095c61b');
    expect(user).toMatchObject({
      primaryId: 'janae',
      recordType: 'PUBLIC',
      userGroup: 'graduate',
      status: 'ACTIVE',
      expiryDate: '2019-11-27',
      lastName: 'Hilll',
      firstName: 'Justen',
      middleName: 'Else',
      birthDate: '1951-03-17',
      emails: ['pete@schulist-raynor-and-beer.ar.us'],
      phones: ['865.406.8773', '(499)102-5994 x03456'],
      addresses: ['79223 Mozelle Club Suite 154, Florence, ID, 35704, US'],
      identifiers: [{ type: 'BARCODE', value: '344058867767195' }],
      location: { file: at('users', 'User000.json'), record: '47f7eaea-1a18-4058-907c-62b7d095c61b' },
    });
    expect(user.purgeDate).toBeUndefined();
  });

  it('maps an inactive staff-group user (User004, lenny)', async () => {
    const batch = await readCore();
    expect(userById(batch, 'ab60d124-5d41-49c5-8aae-2ef2cd3704c2')).toMatchObject({
      primaryId: 'lenny',
      userGroup: 'staff',
      status: 'INACTIVE',
      expiryDate: '2020-07-07',
    });
  });

  it('maps a users-17.3.0 account (User300, rick) that has no type and no expiration date', async () => {
    const batch = await readCore(plus30);
    const rick = userById(batch, '2205005b-ca51-4a04-87fd-938eefa8f6de');
    expect(rick).toMatchObject({ primaryId: 'rick', recordType: 'PUBLIC', userGroup: 'staff', status: 'ACTIVE', expiryDate: null });
    expect(rick.birthDate).toBeNull();
    expect(rick.addresses).toEqual([]);
    // No expiry, so nothing to add 30 days to: the purge date is not carried.
    expect(rick.purgeDate).toBeUndefined();
  });

  it('takes the literal date part of a mod-patron expiration date "2026-08-29T00:00:00.000+00:00"', async () => {
    const batch = await readFolio([at('mod-patron', 'user_active1.json')], plus30);
    expect(batch.users).toHaveLength(1);
    expect(batch.users[0]).toMatchObject({
      // No username and no barcode: the FOLIO id is the primary id.
      primaryId: 'cacc29d8-cade-4312-a5f2-4eeac55d8697',
      expiryDate: '2026-08-29',
      purgeDate: '2026-09-28',
      middleName: null,
      identifiers: [],
      // Its group is not in this input: the uuid is passed on for the writer to resolve.
      userGroup: '63f8065f-df84-4e76-a36b-3ba32dbdc9e5',
    });
    expect(batch.warnings).toEqual([
      'patron group 63f8065f-df84-4e76-a36b-3ba32dbdc9e5 (1 user) is not in the input: it is matched against groups imported earlier',
      'this input carries no loans: users are judged on the loans already in the database',
      'this input carries no fees: users are judged on the fees already in the database',
    ]);
  });

  it('sets purgeDate = expiry + 30 days with the option, and leaves it undefined without', async () => {
    const withOption = await readCore(plus30);
    expect(userById(withOption, '47f7eaea-1a18-4058-907c-62b7d095c61b').purgeDate).toBe('2019-12-27');
    expect(userById(withOption, 'ab579dc3-219b-4f5b-8068-ab1c7a55c402').purgeDate).toBe('2019-10-10');
    expect(userById(withOption, 'd0fc4228-2e42-49b2-a5b0-9df48897e8c0').purgeDate).toBe('2020-05-08');
    // 225 users have an expirationDate; the 3 users-17.3.0 accounts do not.
    expect(withOption.users.filter((u) => u.purgeDate !== undefined)).toHaveLength(225);

    const without = await readCore();
    expect(without.users.every((u) => u.purgeDate === undefined && !('purgeDate' in u))).toBe(true);
  });

  it('maps the 4 loans: 3 Open as ON_LOAN and 1 Closed as RETURNED with its return date', async () => {
    const batch = await readCore();
    expect(countBy(batch.loans, (l) => l.status)).toEqual({ ON_LOAN: 3, RETURNED: 1 });
    const closed = batch.loans.find((l) => l.status === 'RETURNED');
    expect(closed).toMatchObject({
      externalId: '0bab56e5-1ab6-4ac2-afdf-8b2df0434378',
      userKey: 'ab579dc3-219b-4f5b-8068-ab1c7a55c402',
      loanDate: '2017-02-03',
      dueDate: '2017-02-17',
      returnDate: '2017-03-01',
      location: { file: at('loans', 'girl-on-the-train-item.json'), record: '0bab56e5-1ab6-4ac2-afdf-8b2df0434378' },
    });
    expect(countBy(batch.loans, (l) => l.userKey)).toEqual({
      '47f7eaea-1a18-4058-907c-62b7d095c61b': 1,
      'ab579dc3-219b-4f5b-8068-ab1c7a55c402': 2,
      'd0fc4228-2e42-49b2-a5b0-9df48897e8c0': 1,
    });
  });

  it('maps the 2 open requests ("Open - Not yet filled") to PLACED for their requesters', async () => {
    const batch = await readCore();
    expect(batch.requests.map((r) => [r.externalId, r.userKey, r.requestType, r.requestDate, r.status])).toEqual([
      ['f1f7a710-84e6-4965-ab68-afec194d3cd3', 'ab579dc3-219b-4f5b-8068-ab1c7a55c402', 'Hold', '2017-01-18', 'PLACED'],
      ['cbd5780e-8145-4c9c-90cb-b72b37dfbab1', 'd0fc4228-2e42-49b2-a5b0-9df48897e8c0', 'Recall', '2017-03-15', 'PLACED'],
    ]);
  });

  it('skips every JSON Schema in the schemas folder with a warning naming the file', async () => {
    const batch = await readFolio([at('schemas')], noPurge);
    expect(batch.users).toEqual([]);
    expect(batch.warnings).toHaveLength(19);
    expect(batch.warnings).toContain(`${at('schemas', 'mod-users', 'userdata.json')}: skipped: a JSON Schema, not a FOLIO record`);
    expect(batch.warnings.every((w) => w.startsWith(at('schemas')) && w.includes('JSON Schema'))).toBe(true);
  });

  it('skips address types and fee/fine type, action and owner records with a warning each', async () => {
    const batch = await readFolio([at('addresstypes'), at('feesfines')], noPurge);
    expect(batch.warnings).toHaveLength(6 + 3);
    expect(batch.warnings).toContain(`${at('addresstypes', 'home.json')}: skipped: not a FOLIO record this importer reads`);
    expect(batch.warnings).toContain(`${at('feesfines', 'data', 'feefineaction.json')}: skipped: not a FOLIO record this importer reads`);
    // The one record there that we read: a manual block.
    expect(batch.blocks).toEqual([
      {
        externalId: '46399627-08a9-414f-b91c-a8a7ec850d03',
        userKey: '630824a0-a8ad-49f3-b5e2-3f2fe6ef5916',
        blockType: 'MANUAL',
        description: 'Invalid email and mailing addresses.',
        expiryDate: '2018-10-23',
        location: { file: at('feesfines', 'data', 'manualblock.json'), record: '46399627-08a9-414f-b91c-a8a7ec850d03' },
      },
    ]);
  });

  it('reads FOLIO example files named .sample: an account, a proxy and a group collection', async () => {
    const batch = await readFolio(
      [at('examples', 'mod-feesfines', 'account.sample'), at('examples', 'mod-users', 'proxyfor.sample'), at('examples', 'mod-users', 'groups.sample')],
      noPurge,
    );
    expect(batch.fees).toEqual([
      {
        externalId: '0bab56e5-1ab6-4ac2-afdf-8b2df0434379',
        userKey: '77477611-ab44-4082-a0d8-42f7acdfde11',
        feeType: 'Damaged Book Fee',
        status: 'ACTIVE',
        createdDate: '2018-01-31',
        originalAmount: 1500,
        balance: 1500,
        location: { file: at('examples', 'mod-feesfines', 'account.sample'), record: '0bab56e5-1ab6-4ac2-afdf-8b2df0434379' },
      },
    ]);
    expect(batch.relationships).toMatchObject([
      { externalId: 'e22cd63e-a9a0-4ef8-b8a3-b2e2522fda93', kind: 'PROXY', fromUserKey: 'dfeb378d-165f-43c6-8b53-204c2151fc63', toUserKey: 'f394a414-25dd-4a08-88d2-abc534c516cc', endDate: null },
    ]);
    expect(batch.groups.map((g) => [g.code, g.sourceKey])).toEqual([
      ['librarian', 'b4b5e97a-0a99-4db9-97df-4fdf406ec74d'],
      ['on_campus_patrons', '4bb563d9-3f9d-4e1e-8d1d-04e75666d68f'],
    ]);
  });

  it('reads the mod-patron account of the inactive user: 100.00 open', async () => {
    const batch = await readFolio([at('mod-patron', 'accounts_all_inactive.json')], noPurge);
    expect(batch.fees).toMatchObject([
      { externalId: '749cf599-3a33-474e-8fa4-268a5b66fddf', userKey: '4a87f60c-ebb1-4726-a9b2-548cdd17bbd4', status: 'ACTIVE', originalAmount: 10000, balance: 10000 },
    ]);
  });

  it('refuses mod-patron accounts_all_active.json, which reuses one account id for four different fees', async () => {
    const error = await readFolio([at('mod-patron', 'accounts_all_active.json')], noPurge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('IMPORT_MALFORMED');
    expect((error as AppError).message).toContain('accounts_all_active.json: record accounts[2] 749bf599-3a31-494e-9fa4-268a5b67fdde: field id: duplicate account id');
  });

  it('refuses the mod-patron request whose status is "Invalid status"', async () => {
    const error = await readFolio([at('mod-patron', 'holds_one_invalid_status.json')], noPurge).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('IMPORT_MALFORMED');
    expect((error as AppError).message).toContain('holds_one_invalid_status.json: record requests[0] 49efff1b-f693-4dcd-a325-2c3e6bd8c3ee: field status: unknown request status "Invalid status"');
  });
});
