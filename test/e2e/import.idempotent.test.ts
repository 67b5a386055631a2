/**
 * Imports through the real command line (SPEC.md section 8, "Imports" and section 6): re-importing the
 * same input writes no duplicates and updates the fields the source carries; a purge date set by another
 * input survives a re-import that carries none; a purged user's tombstone is never revived; and one
 * database-level import per source (Alma, Koha, our CSV) with exact field values of specific users.
 *
 * Figures read from the files (node one-liners over ../shared/data):
 * - FOLIO users/ 228 users (User004 = lenny, barcode 335422988847671, expiry 2020-07-07, last name
 *   Torphy, no loans; User005 = marquise, no loans), groups/ 5 groups, loans/ 4, requests/ 2.
 * - Alma scriptotek user_response.json: primary_id 12345, Dan Banan, birth_date 1990-03-01Z, group
 *   value "1", INTERNAL, PUBLIC, ACTIVE, campus BLINDERN, identifiers ub12345 / ub54321 / ntb12897787
 *   (BARCODE) and test@uio.no (UNIV_ID), email dan@banan.com, phones 12345678 and 87654321, no expiry or
 *   purge date. fees_response.json: one ACTIVE LOSTITEMREPLACEMENTFEE of 750 NOK (balance 750), created
 *   2018-01-05, linked to /users/12345. loans_response.json: two loans of user_id 123435 and
 *   item_requests_response.json: one request of "Some User"; neither user exists: skipped with warnings.
 * - Koha sample_patrons.yml: 50 borrowers, 5 in category S (category_type S: STAFF); borrowernumber 50
 *   cardnumber 23529001223636 Tommy Peters, PT, SPL, born 1951-06-14, expiry 2020-12-31 (+30 days =
 *   2021-01-30), address 5171 Library Rd., Portland, ME 44236, phone (212) 555-1212; borrowernumber 1
 *   cardnumber 1 Koha Admin, S, MPL, expiry 2099-12-31. 12 categories, 12 libraries.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRows, describeRun, freshDbPath, freshDir, parseJsonOutput, runCli, runCliExpecting, withDatabaseFile } from '../helpers/run-cli.ts';

const SHARED = path.resolve('../shared/data');
const FOLIO = path.join(SHARED, 'folio');
const ALMA = path.join(SHARED, 'alma', 'scriptotek-php-alma-client');
const KOHA = path.join(SHARED, 'koha');

type Json = Record<string, unknown>;
type ShownUser = Json & { id: number; primaryId: string };

async function showUser(db: string, primaryId: string, env: Record<string, string> = {}): Promise<ShownUser> {
  const run = await runCliExpecting(0, ['users', 'show', primaryId, '--json', '--db', db], { env });
  return parseJsonOutput<{ user: ShownUser }>(run).user;
}

async function importJson(args: string[], env: Record<string, string> = {}): Promise<Json & { warnings: string[] }> {
  const run = await runCliExpecting(0, ['import', ...args, '--json'], { env });
  return parseJsonOutput(run);
}

/** Row counts of the tables an import writes. */
function tableCounts(db: string): Record<string, number> {
  const tables = ['users', 'user_groups', 'libraries', 'user_identifiers', 'user_contacts', 'loans', 'requests', 'fees', 'user_blocks', 'relationships'];
  return Object.fromEntries(tables.map((t) => [t, countRows(db, t)]));
}

describe.concurrent('imports through the CLI', () => {
  describe('FOLIO re-imports', () => {
    it('gives the same rows twice, updates carried fields, keeps a purge date set elsewhere, and never revives a tombstone', async () => {
      expect(existsSync(path.join(FOLIO, 'users', 'User000.json')), `${FOLIO} is missing`).toBe(true);
      const input = freshDir();
      for (const folder of ['groups', 'users', 'loans', 'requests']) cpSync(path.join(FOLIO, folder), path.join(input, folder), { recursive: true });
      const folders = ['groups', 'users', 'loans', 'requests'].map((f) => path.join(input, f));
      const db = freshDbPath();
      const NOW = { PATRON_PURGE_NOW: '2026-12-01T12:00:00Z' };

      // 1. The same input twice: no duplicates. FOLIO has no purge dates and this input no accounts.
      const warnings = [
        'this input carries no fees: users are judged on the fees already in the database',
        '228 users have no purge date (e.g. janae, delpha, emmet, lenny, marquise) and cannot be purged: import with --purge-days-after-expiry N, or set purge dates later',
      ];
      const first = await importJson(['--format', 'folio', '--db', db, ...folders], NOW);
      expect(first).toMatchObject({ groupsCreated: 5, usersCreated: 228, usersUpdated: 0, loans: 4, requests: 2, warnings });
      const countsAfterFirst = tableCounts(db);
      expect(countsAfterFirst).toMatchObject({ users: 228, user_groups: 5, loans: 4, requests: 2, fees: 0 });
      const second = await importJson(['--format', 'folio', '--db', db, ...folders], NOW);
      expect(second).toMatchObject({ groupsCreated: 0, usersCreated: 0, usersUpdated: 228, loans: 4, requests: 2, warnings });
      expect(tableCounts(db)).toEqual(countsAfterFirst);

      // 2. A changed record updates the fields the source carries.
      const lennyFile = path.join(input, 'users', 'User004.json');
      const lenny = JSON.parse(readFileSync(lennyFile, 'utf8')) as Json & { personal: Json };
      expect(lenny).toMatchObject({ username: 'lenny', barcode: '335422988847671', expirationDate: '2020-07-07' });
      const before = withDatabaseFile(db, (d) => d.prepare("select id, last_name, expiry_date, purge_date, status from users where primary_id = 'lenny'").get()) as Json;
      expect(before).toMatchObject({ last_name: 'Torphy', expiry_date: '2020-07-07', purge_date: null, status: 'INACTIVE' });
      lenny.expirationDate = '2030-01-15';
      lenny.barcode = 'NEW-BARCODE-1';
      lenny.active = true;
      lenny.personal.lastName = 'Torphy-Smith';
      writeFileSync(lennyFile, JSON.stringify(lenny, null, 2));

      // 3. A purge date from our CSV for marquise.
      const csv = path.join(input, 'purge-dates.csv');
      writeFileSync(csv, 'primary_id,purge_date\nmarquise,2026-11-30\n');
      expect(await importJson(['--format', 'csv', csv, '--db', db], NOW)).toMatchObject({ usersCreated: 0, usersUpdated: 1 });

      const third = await importJson(['--format', 'folio', '--db', db, path.join(input, 'groups'), path.join(input, 'users')], NOW);
      expect(third).toMatchObject({ usersCreated: 0, usersUpdated: 228 });
      const [after, marquise] = await Promise.all([showUser(db, 'lenny'), showUser(db, 'marquise')]);
      expect(after).toMatchObject({ id: before.id, lastName: 'Torphy-Smith', expiryDate: '2030-01-15', status: 'ACTIVE', identifiers: [{ type: 'BARCODE', value: 'NEW-BARCODE-1', status: 'ACTIVE' }] });
      // FOLIO has no purge date: the one set by the CSV import survives the FOLIO re-import.
      expect(marquise.purgeDate).toBe('2026-11-30');
      expect(tableCounts(db)).toEqual(countsAfterFirst);

      // 4. Purge: marquise is the only user with a purge date.
      const purge = await runCliExpecting(0, ['purge', '--yes', '--json', '--db', db], { env: NOW });
      expect(parseJsonOutput<{ counters: Json }>(purge).counters).toMatchObject({ candidates: 1, purged: 1, not_purged: 0 });
      const gone = await runCli(['users', 'show', 'marquise', '--db', db]);
      expect(gone.code, describeRun(gone)).toBe(2);

      // 5. Re-importing the purged user's record makes a new user; the tombstone stays a tombstone.
      const fourth = await importJson(['--format', 'folio', '--db', db, path.join(input, 'groups'), path.join(input, 'users')], NOW);
      expect(fourth).toMatchObject({ usersCreated: 1, usersUpdated: 227 });
      const reborn = await showUser(db, 'marquise');
      expect(reborn.id).not.toBe(marquise.id);
      expect(reborn).toMatchObject({ primaryId: 'marquise', status: 'ACTIVE', purgeDate: null, lastName: marquise.lastName });
      const tombstone = withDatabaseFile(db, (d) => d.prepare('select primary_id, primary_id_key, status, first_name, last_name from users where id = ?').get(marquise.id)) as Json;
      expect(tombstone.status).toBe('DELETED');
      expect(tombstone.primary_id).not.toBe('marquise');
      expect(tombstone.primary_id_key ?? null).not.toBe('marquise');
      expect(tombstone).toMatchObject({ first_name: null, last_name: null });
      expect(countRows(db, 'users')).toBe(229);
      expect(countRows(db, 'users', "status = 'DELETED'")).toBe(1);
    });
  });

  describe('database-level imports per source', () => {
    it('Alma: the scriptotek user with its NOK fee; loans and requests of unknown users are skipped with warnings', async () => {
      expect(existsSync(path.join(ALMA, 'user_response.json')), `${ALMA} is missing`).toBe(true);
      const db = freshDbPath();
      const files = ['user_response.json', 'loans_response.json', 'item_requests_response.json', 'fees_response.json'].map((f) => path.join(ALMA, f));

      // In the default currency (USD) the NOK fee file is refused as a whole: nothing is written.
      const refused = await runCli(['import', '--format', 'alma', '--db', db, ...files]);
      expect(refused.code, describeRun(refused)).toBe(2);
      expect(refused.stderr).toContain('fees_response.json');
      expect(refused.stderr).toMatch(/NOK/);
      expect(countRows(db, 'users')).toBe(0);

      await runCliExpecting(0, ['settings', 'set', 'currency', 'NOK', '--db', db]);
      const summary = await importJson(['--format', 'alma', '--db', db, ...files]);
      expect(summary).toMatchObject({ usersCreated: 1, usersUpdated: 0, fees: 1, loans: 0, requests: 0 });
      expect(summary.warnings).toHaveLength(4);
      expect(summary.warnings[3]).toBe('1 user has no purge date (12345) and cannot be purged: import with --purge-days-after-expiry N, or set its purge date later');
      expect(summary.warnings.filter((w) => w.includes('loans_response.json') && w.includes('123435'))).toHaveLength(2);
      expect(summary.warnings.filter((w) => w.includes('item_requests_response.json') && w.includes('Some User'))).toHaveLength(1);

      const user = await showUser(db, '12345');
      expect(user).toMatchObject({
        primaryId: '12345',
        recordType: 'PUBLIC',
        userGroup: '1',
        accountType: 'INTERNAL',
        status: 'ACTIVE',
        firstName: 'Dan',
        lastName: 'Banan',
        birthDate: '1990-03-01',
        expiryDate: null,
        purgeDate: null,
        doNotPurge: false,
        emails: ['dan@banan.com'],
        phones: ['12345678', '87654321'],
        loans: [],
        requests: [],
        fees: [{ fee_type: 'LOSTITEMREPLACEMENTFEE', status: 'ACTIVE', close_reason: null, closed_date: null, created_date: '2018-01-05', original_amount: '750.00', balance: '750.00' }],
      });
      expect((user.identifiers as Array<{ type: string; value: string }>).map((i) => `${i.type}:${i.value}`)).toEqual([
        'BARCODE:ub12345',
        'BARCODE:ub54321',
        'BARCODE:ntb12897787',
        'UNIV_ID:test@uio.no',
      ]);
      expect(tableCounts(db)).toMatchObject({ users: 1, fees: 1, loans: 0, requests: 0 });
    });

    it('Koha: the installer sample, with staff by category type and purge dates from expiry', async () => {
      expect(existsSync(path.join(KOHA, 'sample_patrons.yml')), `${KOHA} is missing`).toBe(true);
      const db = freshDbPath();
      const summary = await importJson(['--format', 'koha', '--purge-days-after-expiry', '30', '--db', db, KOHA]);
      expect(summary).toMatchObject({ groupsCreated: 12, librariesCreated: 12, usersCreated: 50, loans: 0, requests: 0, fees: 0 });
      const [tommy, admin] = await Promise.all([showUser(db, '23529001223636'), showUser(db, '1')]);
      expect(tommy).toMatchObject({
        primaryId: '23529001223636',
        recordType: 'PUBLIC',
        userGroup: 'PT',
        status: 'ACTIVE',
        firstName: 'Tommy',
        lastName: 'Peters',
        birthDate: '1951-06-14',
        expiryDate: '2020-12-31',
        purgeDate: '2021-01-30',
        homeLibrary: 'SPL',
        identifiers: [{ type: 'BARCODE', value: '23529001223636', status: 'ACTIVE' }],
        emails: [],
        phones: ['(212) 555-1212'],
        addresses: ['5171 Library Rd., Portland, ME, 44236'],
      });
      expect(admin).toMatchObject({ primaryId: '1', recordType: 'STAFF', userGroup: 'S', firstName: 'Koha', lastName: 'Admin', expiryDate: '2099-12-31', purgeDate: '2100-01-30', homeLibrary: 'MPL' });
      expect(tableCounts(db)).toMatchObject({ users: 50, user_groups: 12, libraries: 12 });
      expect(countRows(db, 'users', "record_type = 'STAFF'")).toBe(5);
      expect(countRows(db, 'users', 'purge_date is not null')).toBe(50);
    });

    it('CSV (our format): every column lands in its field; references create groups and libraries', async () => {
      const dir = freshDir();
      const file = path.join(dir, 'users.csv');
      writeFileSync(
        file,
        [
          'primary_id,record_type,user_group,account_type,status,first_name,middle_name,last_name,email,phone,address,birth_date,expiry_date,purge_date,home_library,barcode,last_activity_date,do_not_purge,do_not_purge_reason,statistical_category',
          'csv-1,staff,LIB,internal,active,Ada,King,Lovelace,ada@example.org;ada2@example.org,555-0100,"1 Main St\nSpringfield",1815-12-10,2026-06-30,2026-12-31,MAIN,BC-1,2026-01-02,true,board member,ALUMNI;FRIENDS',
          'csv-2,public,UG,,,Bob,,,,,,,2025-01-15Z,,,,,,,',
          'CSV-3,contact,,,inactive,,,Vendor Co,,,,,,,,,,,,',
          '',
        ].join('\n'),
      );
      const db = freshDbPath();
      const summary = await importJson(['--format', 'csv', '--purge-days-after-expiry', '10', '--db', db, file]);
      expect(summary).toMatchObject({
        usersCreated: 3,
        groupsCreated: 2,
        librariesCreated: 1,
        // CSV-3 has neither a purge date nor an expiry date to derive one from.
        warnings: ['1 user has no purge date (CSV-3) and cannot be purged: import with --purge-days-after-expiry N, or set its purge date later'],
      });
      const ada = await showUser(db, 'CSV-1');
      const { id: _id, ...adaFields } = ada;
      expect(adaFields).toEqual({
        primaryId: 'csv-1',
        recordType: 'STAFF',
        userGroup: 'LIB',
        accountType: 'INTERNAL',
        status: 'ACTIVE',
        firstName: 'Ada',
        middleName: 'King',
        lastName: 'Lovelace',
        birthDate: '1815-12-10',
        expiryDate: '2026-06-30',
        purgeDate: '2026-12-31',
        homeLibrary: 'MAIN',
        lastActivityDate: '2026-01-02',
        doNotPurge: true,
        doNotPurgeReason: 'board member',
        identifiers: [{ type: 'BARCODE', value: 'BC-1', status: 'ACTIVE' }],
        emails: ['ada@example.org', 'ada2@example.org'],
        phones: ['555-0100'],
        addresses: ['1 Main St, Springfield'],
        statisticalCategories: ['ALUMNI', 'FRIENDS'],
        notes: [],
        blocks: [],
        loans: [],
        requests: [],
        fees: [],
        relationships: [],
        activeLoans: 0,
        activeRequests: 0,
      });
      const rows = withDatabaseFile(db, (d) =>
        d.prepare('select primary_id, record_type, user_group, account_type, status, last_name, expiry_date, purge_date, do_not_purge from users order by id').all(),
      );
      expect(rows).toEqual([
        expect.objectContaining({ primary_id: 'csv-1' }),
        // The literal date of "2025-01-15Z", plus 10 days; unset columns take the defaults.
        { primary_id: 'csv-2', record_type: 'PUBLIC', user_group: 'UG', account_type: 'EXTERNAL', status: 'ACTIVE', last_name: null, expiry_date: '2025-01-15', purge_date: '2025-01-25', do_not_purge: 0 },
        { primary_id: 'CSV-3', record_type: 'CONTACT', user_group: null, account_type: 'EXTERNAL', status: 'INACTIVE', last_name: 'Vendor Co', expiry_date: null, purge_date: null, do_not_purge: 0 },
      ]);
      expect(tableCounts(db)).toMatchObject({ users: 3, user_groups: 2, libraries: 1, user_identifiers: 1, user_contacts: 4 });
    });
  });
});
