/**
 * Every importer reads its files as strict UTF-8 (SPEC.md section 8): a file that is not UTF-8 refuses
 * the input, naming the file, instead of storing U+FFFD in place of the letters; a leading byte-order
 * mark is dropped for every format, so that a dump saved by a Windows editor is read like any other.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
import type { ImportBatch } from '../../src/domain/import-batch.ts';
import { readAlma } from '../../src/import/alma.ts';
import { readUsersCsv } from '../../src/import/csv.ts';
import { readEvergreen } from '../../src/import/evergreen.ts';
import { readFolio } from '../../src/import/folio.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';
import { readKoha } from '../../src/import/koha.ts';
import { readSourceFiles } from '../../src/import/source-files.ts';

const usd: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'encoding-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

async function refusal(read: Promise<unknown>): Promise<string> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('IMPORT_MALFORMED');
  return (error as AppError).message;
}

/** "alice" preceded by two bytes that are not UTF-8 (a Latin-1 "é" and a lone continuation byte). */
const latin1Line = Buffer.concat([Buffer.from([0xe9, 0x80]), Buffer.from('alice')]);

describe('reading import files as UTF-8', () => {
  it('refuses a CSV that is not valid UTF-8, naming the file and the line, instead of storing U+FFFD', async () => {
    const good = await write('a-good.csv', 'primary_id,last_name\nbob,Brown\n');
    const bad = await write('b-bad.csv', Buffer.concat([Buffer.from('primary_id,last_name\nu1,Smith\n'), latin1Line, Buffer.from(',Doe\n')]));
    const message = await refusal(readUsersCsv([good, bad], usd));
    expect(message).toBe(`${bad}: record line 3: field (encoding): is not valid UTF-8 text: save the file as UTF-8; nothing was imported`);
    expect(message).not.toContain('\uFFFD');
  });

  it('refuses a UTF-16 file, saying so', async () => {
    const file = await write('users.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('primary_id\nu1\n', 'utf16le')]));
    expect(await refusal(readUsersCsv([file], usd))).toBe(`${file}: record (file): field (encoding): is UTF-16 text, not UTF-8: save the file as UTF-8; nothing was imported`);
  });

  it('refuses invalid UTF-8 in every format, even in a file the format would skip', async () => {
    const bad = await write('notes.txt', latin1Line);
    for (const read of [readFolio, readAlma, readKoha, readEvergreen, readUsersCsv]) {
      expect(await refusal(read([dir], usd))).toContain(`${bad}: record line 1: field (encoding): is not valid UTF-8 text`);
    }
  });

  it('keeps valid multi-byte text, and drops only a leading byte-order mark', async () => {
    const file = await write('names.csv', Buffer.concat([BOM, Buffer.from('primary_id,last_name\nzoë,Ærø \uFEFF\n')]));
    const [source] = await readSourceFiles([file]);
    expect(source?.text).toBe('primary_id,last_name\nzoë,Ærø \uFEFF\n');
  });

  describe('a leading byte-order mark is read like any other file, in every format', () => {
    const cases: Array<[string, string, string, (paths: string[], options: ImportOptions) => Promise<ImportBatch>]> = [
      ['CSV', 'users.csv', 'primary_id,last_name\nu1,Smith\n', readUsersCsv],
      ['FOLIO', 'user.json', JSON.stringify({ id: 'u-1', username: 'u1', active: true }), readFolio],
      ['Alma', 'user.json', JSON.stringify({ primary_id: 'u1', record_type: { value: 'PUBLIC' } }), readAlma],
      ['Koha', 'patrons.csv', 'cardnumber,surname,categorycode\nu1,Smith,PT\n', readKoha],
      ['Evergreen', 'usr.sql', 'COPY actor.usr (id, usrname, profile) FROM stdin;\n1\tu1\t2\n\\.\n', readEvergreen],
    ];
    for (const [format, name, text, read] of cases) {
      it(format, async () => {
        await write(name, Buffer.concat([BOM, Buffer.from(text)]));
        const batch = await read([dir], usd);
        expect(batch.users.map((u) => u.primaryId)).toEqual(['u1']);
        expect(batch.warnings.filter((w) => w.includes('skipped'))).toEqual([]);
      });
    }
  });

  it('reads the loans of an Evergreen dump with a byte-order mark: they are not lost', async () => {
    await write('actor.usr.sql', 'COPY actor.usr (id, usrname, profile) FROM stdin;\n1\tu1\t2\n\\.\n');
    const circulations = 'COPY action.circulation (id, usr, xact_start, due_date, checkin_time, xact_finish) FROM stdin;\n7\t1\t2025-01-02\t2025-02-02\t\\N\t\\N\n\\.\n';
    await write('action.circulation.sql', Buffer.concat([BOM, Buffer.from(circulations)]));
    const batch = await readEvergreen([dir], usd);
    expect(batch.loans).toMatchObject([{ externalId: '7', userKey: '1', status: 'ON_LOAN' }]);
    expect(batch.warnings.filter((w) => w.includes('not an Evergreen COPY dump'))).toEqual([]);
  });

  it('reads a FOLIO collection with a byte-order mark (it was refused as unclear JSON)', async () => {
    const loans = { loans: [{ id: 'l-1', userId: 'u-1', itemId: 'i-1', loanDate: '2025-01-02', status: { name: 'Open' } }], totalRecords: 1 };
    await write('loans.json', Buffer.concat([BOM, Buffer.from(JSON.stringify(loans))]));
    const batch = await readFolio([dir], usd);
    expect(batch.loans).toMatchObject([{ externalId: 'l-1', userKey: 'u-1', status: 'ON_LOAN' }]);
  });
});
