/**
 * A malformed Koha input refuses the whole import: AppError IMPORT_MALFORMED naming the file, the record
 * and the field, and nothing returned.
 */
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-files.ts';
import { AppError } from '../../src/domain/errors.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';
import { readKoha } from '../../src/import/koha.ts';

const usd: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
const temp = useTempDir('koha-bad-');
const write = temp.write;


/** Runs the import and returns the AppError it must throw. */
async function refusal(): Promise<AppError> {
  const error = await readKoha([temp.dir()], usd).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('IMPORT_MALFORMED');
  return appError;
}

function borrowers(rows: string): string {
  return `tables:\n  - borrowers:\n      rows:\n${rows}`;
}

describe('malformed Koha input', () => {
  it('refuses a bad dateexpiry in YAML, naming file, record and field', async () => {
    const file = await write(
      'p.yml',
      borrowers('        - borrowernumber: 1\n          cardnumber: A1\n          dateexpiry: "2025-02-30"\n'),
    );
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('line 4 (borrowernumber 1)');
    expect(message).toContain('dateexpiry');
    expect(message).toContain('"2025-02-30" is not a date');
  });

  it('refuses a bad dateofbirth in CSV, naming the line, without repeating the date (personal data)', async () => {
    const file = await write('p.csv', 'cardnumber,surname,dateofbirth\nA1,Smith,1990-01-01\nA2,Jones,01/02/1990\n');
    const { message } = await refusal();
    expect(message).toBe(`${file}: record line 3: field dateofbirth: is not a date (value not shown: personal data); nothing was imported`);
    expect(message).not.toContain('01/02/1990');
  });

  it('refuses a bad dateofbirth in YAML, naming file, record and field, without repeating the date', async () => {
    const file = await write(
      'p.yml',
      borrowers('        - borrowernumber: 7\n          cardnumber: A7\n          surname: Jones\n          dateofbirth: "1987-02-30"\n'),
    );
    const { message } = await refusal();
    expect(message).toBe(
      `${file}: record line 4 (borrowernumber 7): field dateofbirth: is not a date (value not shown: personal data); nothing was imported`,
    );
    expect(message).not.toContain('1987-02-30');
    expect(message).not.toContain('Jones');
  });

  it('refuses a patron without cardnumber, userid or borrowernumber', async () => {
    const file = await write('p.csv', 'cardnumber,userid,surname\nA1,,Smith\n,,Jones\n');
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('line 3');
    expect(message).toContain('cardnumber');
    expect(message).toContain('no primary id');
  });

  it('refuses duplicate borrowernumbers across files', async () => {
    await write('a.yml', borrowers('        - borrowernumber: 5\n          cardnumber: A\n'));
    const second = await write('b.yml', borrowers('        - borrowernumber: 5\n          cardnumber: B\n'));
    const { message } = await refusal();
    expect(message).toContain(second);
    expect(message).toContain('borrowernumber 5');
    expect(message).toContain('field borrowernumber');
    expect(message).toContain('duplicate');
  });

  it('refuses duplicate card numbers, compared case-insensitively', async () => {
    const file = await write('p.csv', 'cardnumber,surname\nab12,Smith\nAB12,Jones\n');
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('line 3');
    expect(message).toContain('field cardnumber');
    expect(message).toContain('duplicate');
  });

  it('refuses an account line with a bad amountoutstanding', async () => {
    const file = await write(
      'a.yml',
      'tables:\n  - accountlines:\n      rows:\n        - { accountlines_id: 3, borrowernumber: 1, amountoutstanding: "1,50" }\n',
    );
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('accountlines_id 3');
    expect(message).toContain('amountoutstanding');
  });

  it('refuses a YAML file that does not parse, without quoting its text', async () => {
    const file = await write('p.yml', 'tables:\n  - borrowers:\n      rows: [ { surname: "Secret\n');
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('YAML');
    expect(message).not.toContain('Secret');
  });

  it('refuses a CSV row with the wrong number of fields', async () => {
    const file = await write('p.csv', 'cardnumber,surname\nA1,Smith\nA2,Jones,Extra\n');
    const { message } = await refusal();
    expect(message).toContain(file);
    expect(message).toContain('line 3');
    expect(message).not.toContain('Jones');
  });
});
