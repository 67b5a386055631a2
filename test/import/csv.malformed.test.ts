/** A malformed users CSV is refused whole, naming file, line and field. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
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

/** Runs the import and returns the message of the IMPORT_MALFORMED error it must throw. */
async function refusal(paths: string[]): Promise<string> {
  const error = await readUsersCsv(paths, noPurge).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('IMPORT_MALFORMED');
  return (error as AppError).message;
}

describe('malformed users CSV', () => {
  it('refuses an unknown column, naming it', async () => {
    const file = await write('users.csv', 'primary_id,e_mail\nA1,a@example.org\n');
    const message = await refusal([file]);
    expect(message).toMatch(new RegExp(`^${escape(file)}: line 1: field e_mail: unknown column \\(the columns are primary_id, record_type,`));
  });

  it('refuses a bad date on line 17, naming file, line and field', async () => {
    const rows = Array.from({ length: 15 }, (_, i) => `U${i},2025-01-01`);
    const file = await write('users.csv', ['primary_id,purge_date', ...rows, 'U99,2025-13-01', 'U100,2025-01-01'].join('\n'));
    expect(await refusal([file])).toBe(`${file}: line 17: field purge_date: "2025-13-01" is not a date; nothing was imported`);
  });

  it('counts lines from the start of a row whose quoted cell spans lines', async () => {
    const file = await write('users.csv', 'primary_id,address,expiry_date\nA1,"1 Main St\nSpringfield",2025-01-01\nB2,,2025-02-30\n');
    expect(await refusal([file])).toContain(`${file}: line 4: field expiry_date: "2025-02-30" is not a date`);
  });

  it('refuses a bad birth date naming file, line and field, without repeating the date (personal data)', async () => {
    const file = await write('users.csv', 'primary_id,birth_date\nA1,1990-02-31\n');
    const message = await refusal([file]);
    expect(message).toBe(`${file}: line 2: field birth_date: is not a date (value not shown: personal data); nothing was imported`);
    expect(message).not.toContain('1990-02-31');
  });

  it('refuses a duplicate primary id, compared without regard to case, across files', async () => {
    const first = await write('a.csv', 'primary_id\njdoe\n');
    const second = await write('b.csv', 'primary_id\nx\nJDOE\n');
    expect(await refusal([dir])).toContain(`${second}: line 3: field primary_id: duplicate primary id "JDOE" (also ${first} line 2)`);
  });

  it('refuses a missing primary id column, an empty primary id and a repeated column', async () => {
    const noColumn = await write('users.csv', 'last_name\nDoe\n');
    expect(await refusal([noColumn])).toContain(`${noColumn}: line 1: field primary_id: required column missing`);
    const emptyCell = await write('users.csv', 'primary_id,last_name\nA1,Doe\n ,Roe\n');
    expect(await refusal([emptyCell])).toContain(`${emptyCell}: line 3: field primary_id: missing`);
    const twice = await write('users.csv', 'primary_id,email,EMAIL\nA1,a,b\n');
    expect(await refusal([twice])).toContain(`${twice}: line 1: field email: column given twice`);
  });

  it('refuses values outside the listed ones', async () => {
    const status = await write('users.csv', 'primary_id,status\nA1,DELETED\n');
    expect(await refusal([status])).toContain(`${status}: line 2: field status: "DELETED" is not one of ACTIVE, INACTIVE`);
    const type = await write('users.csv', 'primary_id,record_type\nA1,patron\n');
    expect(await refusal([type])).toContain(`${type}: line 2: field record_type: "patron" is not one of PUBLIC, STAFF, CONTACT`);
    const flag = await write('users.csv', 'primary_id,do_not_purge\nA1,yes\n');
    expect(await refusal([flag])).toContain(`${flag}: line 2: field do_not_purge: "yes" is not true or false`);
    const reason = await write('users.csv', 'primary_id,do_not_purge,do_not_purge_reason\nA1,false,VIP\n');
    expect(await refusal([reason])).toContain(`${reason}: line 2: field do_not_purge_reason: given, but do_not_purge is not true`);
    const contact = await write('users.csv', 'primary_id,record_type,user_group\nA1,contact,UG\n');
    expect(await refusal([contact])).toContain(`${contact}: line 2: field user_group: a CONTACT has no user group`);
  });

  it('refuses a row with the wrong number of cells and an unclosed quote, without quoting the data', async () => {
    const short = await write('users.csv', 'primary_id,last_name\nA1,Doe\nB2\n');
    expect(await refusal([short])).toBe(`${short}: line 3: the row has a different number of cells than the header; nothing was imported`);
    const quote = await write('users.csv', 'primary_id,last_name\nA1,"Secretname\n');
    const message = await refusal([quote]);
    expect(message).toContain(`${quote}: line`);
    expect(message).toContain('a quoted cell is not closed');
    expect(message).not.toContain('Secretname');
  });

  it('refuses an empty file: the header is required', async () => {
    const file = await write('users.csv', '');
    expect(await refusal([file])).toBe(`${file}: line 1: no header row (the first line names the columns); nothing was imported`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
