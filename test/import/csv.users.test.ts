/** The users CSV importer: our own format, documented in docs/import-csv.md. */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readUsersCsv } from '../../src/import/csv.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';

const noPurge: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'users-csv-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('users CSV', () => {
  it('reads the example of docs/import-csv.md exactly as the document describes it', async () => {
    const doc = await readFile(path.resolve('docs/import-csv.md'), 'utf8');
    const example = /```csv\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const file = await write('users.csv', example ?? '');

    const batch = await readUsersCsv([file], { currency: 'USD', purgeDaysAfterExpiry: 30 });
    expect(batch.source).toBe('csv');
    expect(batch.users).toHaveLength(3);
    expect(batch.users[0]).toEqual({
      sourceKey: 'jdoe',
      primaryId: 'jdoe',
      recordType: 'PUBLIC',
      userGroup: 'UG',
      status: 'ACTIVE',
      firstName: 'Jane',
      lastName: 'Doe',
      emails: ['jane.doe@example.edu', 'jd@example.org'],
      phones: ['555-0100'],
      addresses: ['12 Elm Street, Springfield, IL 62701'],
      identifiers: [{ type: 'BARCODE', value: '2100000001' }],
      statisticalCategories: ['ENG', 'FIRSTYEAR'],
      birthDate: '2001-04-12',
      expiryDate: '2025-06-30',
      purgeDate: '2026-06-30',
      location: { file, record: 'line 2' },
    });
    expect(batch.users[1]).toMatchObject({
      primaryId: 'bsmith',
      recordType: 'STAFF',
      userGroup: 'staff',
      expiryDate: '2027-12-31',
      purgeDate: '2028-01-30',
      doNotPurgeReason: 'Library systems account',
      location: { file, record: 'line 4' },
    });
    expect(batch.users[2]).toEqual({
      sourceKey: 'guest42',
      primaryId: 'guest42',
      recordType: 'CONTACT',
      userGroup: null,
      status: 'INACTIVE',
      lastName: 'Guest',
      location: { file, record: 'line 5' },
    });
    expect(batch.warnings).toEqual([]);
  });

  it('carries no money and no related records', async () => {
    const file = await write('users.csv', 'primary_id,expiry_date\nA1,2025-01-01\n');
    const batch = await readUsersCsv([file], noPurge);
    expect([batch.fees, batch.loans, batch.requests, batch.blocks, batch.relationships, batch.groups]).toEqual([[], [], [], [], [], []]);
  });

  it('leaves empty cells and absent columns undefined, so a re-import changes nothing it does not carry', async () => {
    const file = await write('users.csv', 'primary_id,purge_date,expiry_date,first_name\nA1,2026-01-01,,\n');
    const [user] = (await readUsersCsv([file], noPurge)).users;
    expect(user).toEqual({ sourceKey: 'a1', primaryId: 'A1', purgeDate: '2026-01-01', location: { file, record: 'line 2' } });
  });

  it('applies purge days after expiry only when the purge date cell is empty', async () => {
    const file = await write('users.csv', 'primary_id,expiry_date,purge_date\nA1,2025-01-31,\nB2,2025-01-31,2025-12-01\nC3,,\n');
    const withOption = await readUsersCsv([file], { currency: 'USD', purgeDaysAfterExpiry: 30 });
    expect(withOption.users.map((u) => u.purgeDate)).toEqual(['2025-03-02', '2025-12-01', undefined]);
    const without = await readUsersCsv([file], noPurge);
    expect(without.users.map((u) => u.purgeDate)).toEqual([undefined, '2025-12-01', undefined]);
  });

  it('matches column names and record_type/status values without regard to case, and lower-cases the source key', async () => {
    const file = await write('users.csv', '\uFEFF Primary_ID ,RECORD_TYPE,Status\nJDoe,Staff,inactive\n');
    expect((await readUsersCsv([file], noPurge)).users[0]).toMatchObject({ sourceKey: 'jdoe', primaryId: 'JDoe', recordType: 'STAFF', status: 'INACTIVE' });
  });

  it('reads a directory recursively and skips files that are not .csv with a warning', async () => {
    await write('a.csv', 'primary_id\nA1\n');
    const notes = await write('notes.txt', 'primary_id\nB2\n');
    const batch = await readUsersCsv([dir], noPurge);
    expect(batch.users.map((u) => u.primaryId)).toEqual(['A1']);
    expect(batch.warnings).toEqual([`${notes}: skipped: not a .csv file`]);
  });
});
