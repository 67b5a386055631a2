/**
 * An input with users but without loans (or fees), in a format that can carry them, says so in one
 * warning each: the purge then judges those users on the loans and fees an earlier import left in the
 * database. A list or table of loans or fees counts even when it is empty.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportBatch } from '../../src/domain/import-batch.ts';
import { readAlma } from '../../src/import/alma.ts';
import { readUsersCsv } from '../../src/import/csv.ts';
import { readEvergreen } from '../../src/import/evergreen.ts';
import { readFolio } from '../../src/import/folio.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';
import { readKoha } from '../../src/import/koha.ts';

const usd: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
const NO_LOANS = 'this input carries no loans: users are judged on the loans already in the database';
const NO_FEES = 'this input carries no fees: users are judged on the fees already in the database';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coverage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
}

type Reader = (paths: string[], options: ImportOptions) => Promise<ImportBatch>;

/** Per format: users alone, users with empty loan and fee lists, and a loans-only input. */
const FORMATS: Array<{ format: string; read: Reader; users: Record<string, string>; emptyLists: Record<string, string>; loansOnly: Record<string, string> }> = [
  {
    format: 'FOLIO',
    read: readFolio,
    users: { 'users.json': JSON.stringify({ users: [{ id: 'u-1', username: 'u1' }], totalRecords: 1 }) },
    emptyLists: { 'loans.json': '{"loans": [], "totalRecords": 0}', 'accounts.json': '{"accounts": [], "totalRecords": 0}' },
    loansOnly: { 'loans.json': JSON.stringify([{ id: 'l-1', userId: 'u-1', itemId: 'i-1', loanDate: '2025-01-02' }]) },
  },
  {
    format: 'Alma',
    read: readAlma,
    users: { 'user.json': JSON.stringify({ primary_id: 'u1' }) },
    emptyLists: { 'loans.json': '{"item_loan": [], "total_record_count": 0}', 'fees.json': '{"fee": [], "total_record_count": 0, "total_sum": 0}' },
    loansOnly: { 'loans.json': JSON.stringify({ item_loan: [{ loan_id: 'l-1', user_id: 'u1', loan_status: 'ACTIVE' }], total_record_count: 1 }) },
  },
  {
    format: 'Koha',
    read: readKoha,
    users: { 'patrons.csv': 'cardnumber,borrowernumber,surname\nu1,1,Smith\n' },
    emptyLists: { 'tables.yml': 'tables:\n  - issues:\n      rows:\n  - accountlines:\n      rows: []\n' },
    loansOnly: { 'issues.yml': 'tables:\n  - issues:\n      rows:\n        - issue_id: 1\n          borrowernumber: 1\n' },
  },
  {
    format: 'Evergreen',
    read: readEvergreen,
    users: { 'usr.sql': 'COPY actor.usr (id, usrname, profile) FROM stdin;\n1\tu1\t2\n\\.\n' },
    emptyLists: { 'money.sql': 'COPY action.circulation (id, usr, xact_start, xact_finish) FROM stdin;\n\\.\nCOPY money.billing (id, xact, amount, voided) FROM stdin;\n\\.\n' },
    loansOnly: { 'circ.sql': 'COPY action.circulation (id, usr, xact_start, xact_finish) FROM stdin;\n7\t1\t2025-01-02\t2025-01-09\n\\.\n' },
  },
];

describe('inputs without loans or fees', () => {
  for (const { format, read, users, emptyLists, loansOnly } of FORMATS) {
    describe(format, () => {
      it('warns, once each, that users came without loans and without fees', async () => {
        await write(users);
        const batch = await read([dir], usd);
        expect(batch.users).toHaveLength(1);
        expect(batch.warnings.filter((w) => w.startsWith('this input carries'))).toEqual([NO_LOANS, NO_FEES]);
      });

      it('does not warn when the input has the lists, even empty', async () => {
        await write({ ...users, ...emptyLists });
        const batch = await read([dir], usd);
        expect(batch.warnings.filter((w) => w.startsWith('this input carries'))).toEqual([]);
      });

      it('warns only about fees when loans came', async () => {
        await write({ ...users, ...loansOnly });
        const batch = await read([dir], usd);
        expect(batch.warnings.filter((w) => w.startsWith('this input carries'))).toEqual([NO_FEES]);
      });

      it('does not warn about an input without users (loans alone are attached to users already imported)', async () => {
        await write(loansOnly);
        const batch = await read([dir], usd);
        expect(batch.warnings.filter((w) => w.startsWith('this input carries'))).toEqual([]);
      });
    });
  }

  it('never warns for our users CSV, which carries users only', async () => {
    await write({ 'users.csv': 'primary_id\nu1\n' });
    expect((await readUsersCsv([dir], usd)).warnings).toEqual([]);
  });
});
