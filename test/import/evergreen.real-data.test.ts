/**
 * The Evergreen importer on the Concerto dataset in ../shared/data/evergreen. Every expected number and
 * value below was read from the dump files themselves (awk over the COPY column lists), not from this
 * program's output:
 * - actor.usr: 378 rows, one with deleted = 1 (id 105, usrname 99999393002) -> 377 users.
 * - action.circulation: 486 rows with checkin_time and xact_finish both \N; 12 of them stop_fines LOST.
 * - action.hold_request: 265 rows with fulfillment_time and cancel_time both \N; none has capture_time
 *   or shelf_time.
 * - open transactions: distinct usr of circulations and money.grocery rows with xact_finish \N
 *   (486 circulations, 46 of 58 groceries) = 119 users, all of them live users of actor.usr.
 * - actor.usr_standing_penalty: 98 rows, all standing_penalty 1, stop_date \N.
 * - actor.org_unit: 22 rows; permission.grp_tree: 4 rows (1016-1019, parent 2).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportBatch, ImportedUser } from '../../src/domain/import-batch.ts';
import { BALANCE_UNKNOWN_REASON, readEvergreen } from '../../src/import/evergreen.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';

const EVERGREEN = path.resolve('../shared/data/evergreen');
const ENHANCED = path.join(EVERGREEN, 'concerto_enhanced');
const noPurge: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };

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

describe('Evergreen Concerto dataset', () => {
  it('is present: these tests fail rather than skip without it', () => {
    expect(existsSync(path.join(ENHANCED, 'actor.usr.sql'))).toBe(true);
  });

  it('imports every user but the one marked deleted, and names that one in a warning', async () => {
    const batch = await readEvergreen([EVERGREEN], noPurge);
    expect(batch.source).toBe('evergreen');
    expect(batch.users).toHaveLength(377);
    expect(batch.users.some((u) => u.sourceKey === '105')).toBe(false);
    const deleted = batch.warnings.filter((w) => w.includes('deleted'));
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toContain('actor.usr.sql');
    expect(deleted[0]).toContain('id 105');
  });

  it('skips the INSERT scripts and the README with a warning naming each file', async () => {
    const batch = await readEvergreen([EVERGREEN], noPurge);
    for (const file of ['concerto/libraries.sql', 'concerto/users_patrons_100.sql', 'README.md']) {
      expect(batch.warnings.some((w) => w.startsWith(path.join(EVERGREEN, file)) && w.includes('skipped'))).toBe(true);
    }
  });

  it('maps a stock patron: group profile-2 (the tree in the input has no row 2), expiry date part, home library shortname', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    expect(userById(batch, '2')).toMatchObject({
      primaryId: '99999395390',
      recordType: 'PUBLIC',
      userGroup: 'profile-2',
      status: 'ACTIVE',
      firstName: 'Terri',
      middleName: 'Maria',
      lastName: 'Brooks',
      birthDate: null,
      expiryDate: '2008-01-01',
      homeLibrary: 'SPLS-BKM',
      identifiers: [{ type: 'BARCODE', value: '99999395390' }],
      addresses: ['1809 Target Way, Vero beach, FL, 32961, USA'],
      doNotPurgeReason: BALANCE_UNKNOWN_REASON,
    });
    expect(userById(batch, '2').purgeDate).toBeUndefined();
  });

  it('maps a patron in a group under Patrons to that group name, PUBLIC', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    const user = userById(batch, '269');
    expect(user).toMatchObject({
      primaryId: 'hhplkelley',
      recordType: 'PUBLIC',
      userGroup: 'Patron - Digital Only',
      expiryDate: '2027-02-18',
      birthDate: '2015-02-17',
      homeLibrary: 'HHPL-HHPL',
      identifiers: [{ type: 'BARCODE', value: '88881000000016' }],
      addresses: ['777 Pelican Bay Road, Cheyenne, RI, 02813, USA'],
    });
    expect(user.doNotPurgeReason).toBeUndefined();
  });

  it('maps a user of a staff profile to STAFF with group profile-<id>', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    expect(userById(batch, '233')).toMatchObject({
      primaryId: 'bm1jjohnson',
      recordType: 'STAFF',
      userGroup: 'profile-4',
      expiryDate: '2023-10-27',
      birthDate: '1970-03-14',
      homeLibrary: 'SPLS-BKM',
      doNotPurgeReason: BALANCE_UNKNOWN_REASON,
    });
  });

  it('marks an inactive user INACTIVE and keeps every card of a user as a barcode', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    expect(userById(batch, '108')).toMatchObject({ primaryId: '99999393005', status: 'INACTIVE' });
    expect(userById(batch, '251').identifiers).toEqual([
      { type: 'BARCODE', value: '8888100000000' },
      { type: 'BARCODE', value: '88881000000008' },
    ]);
  });

  it('counts record types: 198 PUBLIC (199 in patron groups minus the deleted one), 179 STAFF', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    // actor.usr profile counts: 2 -> 153 (the deleted user 105 is one of them), 1016-1019 -> 12+10+12+12.
    expect(countBy(batch.users, (u) => u.recordType ?? '?')).toEqual({ PUBLIC: 198, STAFF: 179 });
  });

  it('computes purge date = expiry + N when the option is set', async () => {
    const batch = await readEvergreen([ENHANCED], { currency: 'USD', purgeDaysAfterExpiry: 30 });
    expect(userById(batch, '2').purgeDate).toBe('2008-01-31');
    expect(userById(batch, '269').purgeDate).toBe('2027-03-20');
  });

  it('reads 486 active loans, 12 of them lost, with the circulating library', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    expect(batch.loans).toHaveLength(486);
    expect(countBy(batch.loans, (l) => l.status)).toEqual({ ON_LOAN: 474, LOST: 12 });
    expect(batch.loans.find((l) => l.externalId === '1')).toMatchObject({
      userKey: '4',
      library: 'RPLS-WEPL',
      loanDate: '2014-05-14',
      dueDate: '2014-05-23',
      returnDate: null,
      status: 'LOST',
    });
  });

  it('reads 265 holds, all placed', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    expect(batch.requests).toHaveLength(265);
    expect(countBy(batch.requests, (r) => r.status)).toEqual({ PLACED: 265 });
  });

  it('gives the 119 users with an open transaction doNotPurge, because money.billing is not in the input, and emits no fee', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    expect(batch.users.filter((u) => u.doNotPurgeReason === BALANCE_UNKNOWN_REASON)).toHaveLength(119);
    expect(batch.fees).toEqual([]);
  });

  it('reads 98 standing penalties as blocks PENALTY-1 without expiry', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    expect(batch.blocks).toHaveLength(98);
    expect(countBy(batch.blocks, (b) => `${b.blockType} ${String(b.expiryDate)}`)).toEqual({ 'PENALTY-1 null': 98 });
  });

  it('reads 22 libraries and the 4 groups of the tree', async () => {
    const batch = await readEvergreen([ENHANCED], noPurge);
    expect(batch.libraries).toHaveLength(22);
    expect(batch.libraries).toContainEqual({ code: 'SPLS-BKM', name: 'Shire Public Library System Bookmobile' });
    expect(batch.groups).toEqual([
      { code: 'Patron - Student', description: 'No overdue fines' },
      { code: 'Patron - Homebound', description: 'No overdue fines' },
      { code: 'Patron - Digital Only', description: 'No checkouts of physical materials' },
      { code: 'Patron - Restricted', description: 'Limited to 2 concurrent checkouts' },
    ]);
  });

  it('falls back to ou-<id> for home libraries when actor.org_unit is not in the input', async () => {
    const batch = await readEvergreen([path.join(ENHANCED, 'actor.usr.sql')], noPurge);
    expect(userById(batch, '2').homeLibrary).toBe('ou-9');
    expect(userById(batch, '269').userGroup).toBe('profile-1018');
    // Without the tree, only profile 2 is known to be a patron group.
    expect(userById(batch, '269').recordType).toBe('STAFF');
    expect(userById(batch, '2').identifiers).toBeUndefined();
  });
});
