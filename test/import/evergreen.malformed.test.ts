/**
 * A malformed Evergreen input refuses the whole import: AppError IMPORT_MALFORMED naming the file, the
 * record and the field, and nothing returned.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-files.ts';
import { AppError } from '../../src/domain/errors.ts';
import { readEvergreen } from '../../src/import/evergreen.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';

const usd: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
const temp = useTempDir('evergreen-bad-');
const write = temp.write;

function copy(table: string, columns: string, rows: string[]): string {
  return `COPY ${table} (${columns}) FROM stdin;\n${rows.join('\n')}\n\\.\n`;
}


/** Runs the import and returns the AppError it must throw. */
async function refusal(options: ImportOptions = usd): Promise<AppError> {
  const error = await readEvergreen([temp.dir()], options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('IMPORT_MALFORMED');
  return appError;
}

const USR = 'id, usrname, profile, expire_date, dob';

describe('malformed Evergreen input', () => {
  it('refuses a bad expiry date, naming file, record and field', async () => {
    const file = await write('usr.sql', copy('actor.usr', USR, ['1\tA\t2\t2025-01-01\t\\N', '2\tB\t2\t2025-13-01\t\\N']));
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('line 3 (id 2)');
    expect(message).toContain('expire_date');
    expect(message).toContain('"2025-13-01" is not a date');
  });

  it('refuses a bad dob naming file, record and field, without repeating the date (personal data)', async () => {
    const file = await write('usr.sql', copy('actor.usr', USR, ['1\tA\t2\t2025-01-01\t1987-02-30']));
    const { message } = await refusal();
    expect(message).toBe(`${file}: record line 2 (id 1): field dob: is not a date (value not shown: personal data); nothing was imported`);
    expect(message).not.toContain('1987-02-30');
  });

  it('refuses a user without usrname', async () => {
    const file = await write('usr.sql', copy('actor.usr', USR, ['1\t\\N\t2\t2025-01-01\t\\N']));
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('id 1');
    expect(message).toContain('usrname');
  });

  it('refuses duplicate user ids, even across files', async () => {
    await write('a.sql', copy('actor.usr', USR, ['1\tA\t2\t\\N\t\\N']));
    const second = await write('b.sql', copy('actor.usr', USR, ['1\tB\t2\t\\N\t\\N']));
    const { message } = await refusal();
    expect(message).toContain(second);
    expect(message).toContain('id 1');
    expect(message).toContain('field id');
    expect(message).toContain('duplicate');
  });

  it('refuses duplicate usernames compared case-insensitively', async () => {
    const file = await write('usr.sql', copy('actor.usr', USR, ['1\tAbc\t2\t\\N\t\\N', '2\taBC\t2\t\\N\t\\N']));
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('id 2');
    expect(message).toContain('usrname');
  });

  it('refuses a row whose field count differs from the COPY column list', async () => {
    const file = await write('usr.sql', copy('actor.usr', USR, ['1\tA\t2\t\\N']));
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('line 2');
    expect(message).toContain('row');
  });

  it('refuses a bad payment amount', async () => {
    const file = await write('cash.sql', copy('money.cash_payment', 'id, xact, voided, amount', ['9\t500\tf\t1.005']));
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('id 9');
    expect(message).toContain('amount');
  });

  it('refuses a bad boolean in deleted', async () => {
    await write('usr.sql', copy('actor.usr', 'id, usrname, deleted', ['1\tA\tmaybe']));
    const { message } = await refusal();
    expect(message).toContain('deleted');
  });

  it('does not validate tables it does not use', async () => {
    await write('setting.sql', copy('actor.usr_setting', 'id, usr, name, value', ['not\ta\tvalid row']));
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.warnings).toEqual([`${path.join(temp.dir(), 'setting.sql')}: table actor.usr_setting is not used by the import; skipped`]);
  });

  it('skips a text file whose lines merely begin with COPY', async () => {
    const file = await write('notes.md', 'COPY the dumps into place first.\n');
    const batch = await readEvergreen([temp.dir()], usd);
    expect(batch.warnings).toEqual([`${file}: skipped: not an Evergreen COPY dump`]);
  });

  it('refuses an unknown currency before reading anything', async () => {
    const error = await readEvergreen([temp.dir()], { currency: 'XYZ', purgeDaysAfterExpiry: null }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
