/**
 * The Koha importer on the installer sample files in ../shared/data/koha. Every expected number and
 * value below was read from the YAML files themselves (grep/awk), not from this program's output:
 * - sample_patrons.yml: 50 `borrowernumber:` rows; categorycode PT 22, ST 7, T 6, S 5, J 3, K 3, YA 3,
 *   IL 1; the S rows are borrowernumbers 1, 17, 19, 34 and 41; dateexpiry "2099-12-31" 49 times and
 *   "2020-12-31" once (borrowernumber 50).
 * - patron_categories.yml: 12 categories, only S has category_type 'S'.
 * - sample_libraries.yml: 12 branches.
 * - account_debit_types.yml: a table the import does not read.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportBatch, ImportedUser } from '../../src/domain/import-batch.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';
import { readKoha } from '../../src/import/koha.ts';

const KOHA = path.resolve('../shared/data/koha');
const noPurge: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };

function userByKey(batch: ImportBatch, sourceKey: string): ImportedUser {
  const user = batch.users.find((u) => u.sourceKey === sourceKey);
  if (!user) throw new Error(`no borrower ${sourceKey} in the batch`);
  return user;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('Koha installer sample data', () => {
  it('is present: these tests fail rather than skip without it', () => {
    expect(existsSync(path.join(KOHA, 'sample_patrons.yml'))).toBe(true);
  });

  it('reads 50 patrons, 12 groups and 12 libraries', async () => {
    const batch = await readKoha([KOHA], noPurge);
    expect(batch.source).toBe('koha');
    expect(batch.users).toHaveLength(50);
    expect(batch.groups).toHaveLength(12);
    expect(batch.libraries).toHaveLength(12);
    expect(batch.loans).toEqual([]);
    expect(batch.requests).toEqual([]);
    expect(batch.fees).toEqual([]);
  });

  it('skips account_debit_types and the README with warnings naming the files, says sql_statements are not run, and that no loans or fees came', async () => {
    const batch = await readKoha([KOHA], noPurge);
    expect(batch.warnings).toHaveLength(5);
    expect(batch.warnings.slice(3)).toEqual([
      'this input carries no loans: users are judged on the loans already in the database',
      'this input carries no fees: users are judged on the fees already in the database',
    ]);
    expect(batch.warnings.some((w) => w.startsWith(path.join(KOHA, 'account_debit_types.yml')) && w.includes('account_debit_types'))).toBe(
      true,
    );
    expect(batch.warnings.some((w) => w.startsWith(path.join(KOHA, 'README.md')) && w.includes('skipped'))).toBe(true);
    expect(batch.warnings.some((w) => w.startsWith(path.join(KOHA, 'sample_patrons.yml')) && w.includes('sql_statements'))).toBe(true);
  });

  it('maps borrowernumber 1, the Koha Admin staff account', async () => {
    const batch = await readKoha([KOHA], noPurge);
    const user = userByKey(batch, '1');
    expect(user).toMatchObject({
      primaryId: '1',
      recordType: 'STAFF',
      userGroup: 'S',
      firstName: 'Koha',
      lastName: 'Admin',
      birthDate: null,
      expiryDate: '2099-12-31',
      homeLibrary: 'MPL',
      emails: [],
      phones: [],
      addresses: [],
      statisticalCategories: [],
      identifiers: [{ type: 'BARCODE', value: '1' }],
    });
    expect(user.purgeDate).toBeUndefined();
  });

  it('maps borrowernumber 50, the only expired patron, keeping the long card number digit for digit', async () => {
    const batch = await readKoha([KOHA], noPurge);
    expect(userByKey(batch, '50')).toMatchObject({
      primaryId: '23529001223636',
      recordType: 'PUBLIC',
      userGroup: 'PT',
      firstName: 'Tommy',
      lastName: 'Peters',
      birthDate: '1951-06-14',
      expiryDate: '2020-12-31',
      homeLibrary: 'SPL',
      phones: ['(212) 555-1212'],
      addresses: ['5171 Library Rd., Portland, ME, 44236'],
      statisticalCategories: ['0.91641750830823', '0.27291712562825'],
      identifiers: [{ type: 'BARCODE', value: '23529001223636' }],
    });
    expect(batch.users.filter((u) => u.expiryDate === '2020-12-31').map((u) => u.sourceKey)).toEqual(['50']);
  });

  it('makes the five category S patrons STAFF and everyone else PUBLIC', async () => {
    const batch = await readKoha([KOHA], noPurge);
    const staff = batch.users.filter((u) => u.recordType === 'STAFF').map((u) => u.sourceKey);
    expect(staff).toEqual(['1', '17', '19', '34', '41']);
    expect(countBy(batch.users, (u) => u.userGroup ?? '?')).toEqual({ PT: 22, ST: 7, T: 6, S: 5, J: 3, K: 3, YA: 3, IL: 1 });
  });

  it('treats every patron as PUBLIC when the categories are not in the same call', async () => {
    const batch = await readKoha([path.join(KOHA, 'sample_patrons.yml')], noPurge);
    expect(batch.users.every((u) => u.recordType === 'PUBLIC')).toBe(true);
  });

  it('computes purge date = expiry + N when the option is set', async () => {
    const batch = await readKoha([KOHA], { currency: 'USD', purgeDaysAfterExpiry: 10 });
    expect(userByKey(batch, '50').purgeDate).toBe('2021-01-10');
  });

  it('reads groups and libraries with their descriptions', async () => {
    const batch = await readKoha([KOHA], noPurge);
    expect(batch.groups).toContainEqual({ code: 'S', description: 'Staff' });
    expect(batch.groups).toContainEqual({ code: 'HB', description: 'Home Bound' });
    expect(batch.libraries).toContainEqual({ code: 'MPL', name: 'Midway' });
  });
});
