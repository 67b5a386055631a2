/** A malformed FOLIO input is refused whole, naming file, record and field. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
import { readFolio } from '../../src/import/folio.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';

const options: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'folio-malformed-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** Runs the import and returns the message of the IMPORT_MALFORMED error it must throw. */
async function refusal(paths: string[]): Promise<string> {
  const error = await readFolio(paths, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('IMPORT_MALFORMED');
  return (error as AppError).message;
}

const user = (id: string, username: string, extra: Record<string, unknown> = {}) => ({
  id,
  username,
  active: true,
  patronGroup: 'bdc2b6d4-5ceb-4a12-ab46-249b9a68473e',
  ...extra,
});

describe('malformed FOLIO input', () => {
  it('refuses a bad expiration date, naming file, record and field', async () => {
    await write('good.json', user('u-1', 'alice'));
    const bad = await write('bad.json', user('u-2', 'bob', { expirationDate: '2020-02-30' }));
    const message = await refusal([dir]);
    expect(message).toBe(`${bad}: record u-2: field expirationDate: "2020-02-30" is not a date; nothing was imported`);
  });

  it('refuses a bad birth date without repeating the value (personal data)', async () => {
    const bad = await write('bad.json', user('u-2', 'bob', { personal: { lastName: 'B', dateOfBirth: '1990-13-45' } }));
    const message = await refusal([bad]);
    expect(message).toBe(`${bad}: record u-2: field personal.dateOfBirth: is not a date (value not shown: personal data); nothing was imported`);
    expect(message).not.toContain('1990-13-45');
  });

  it('refuses a user without an id, naming the index in a collection', async () => {
    const file = await write('users.json', {
      users: [user('u-1', 'alice'), { username: 'bob', active: true, personal: { lastName: 'B' } }],
      totalRecords: 2,
    });
    const message = await refusal([file]);
    expect(message).toContain(`${file}: record users[1]: field id: missing`);
  });

  it('refuses a single user record without an id (it has a username, so it is not skipped)', async () => {
    const file = await write('User999.json', { username: 'bob', barcode: '42', active: true });
    expect(await refusal([file])).toContain(`${file}: record 0: field id: missing`);
  });

  it('refuses a duplicate user id across two files, naming both', async () => {
    const first = await write('a.json', user('u-1', 'alice'));
    const second = await write('b.json', user('u-1', 'bob'));
    const message = await refusal([dir]);
    expect(message).toContain(`${second}: record u-1: field id: duplicate user id (also ${first} record u-1)`);
  });

  it('refuses a duplicate primary id, compared case-insensitively', async () => {
    const first = await write('a.json', user('u-1', 'alice'));
    const second = await write('b.json', user('u-2', 'Alice'));
    const message = await refusal([dir]);
    expect(message).toContain(`${second}: record u-2: field username: duplicate primary id "Alice" (also ${first} record u-1)`);
  });

  it('refuses a .json file that is not valid JSON, naming the line', async () => {
    const file = await write('broken.json', '{\n  "id": "u-1",\n  "username": "alice"\n  "active": true\n}\n');
    const message = await refusal([file]);
    // The comma is missing at the end of line 3; the parser stops at the next token, on line 4.
    expect(message).toContain(`${file}: record at line 4: field (JSON): not valid JSON`);
  });

  it('does not quote the broken text in the message', async () => {
    const file = await write('broken.json', '{"id": "u-1", "username": secretname}');
    const message = await refusal([file]);
    expect(message).toContain(`${file}: record`);
    expect(message).toContain('field (JSON): not valid JSON');
    expect(message).not.toContain('secretname');
  });

  it('refuses an unknown loan status, a non-numeric amount and an amount with too many digits', async () => {
    const loan = await write('loan.json', { id: 'l-1', userId: 'u-1', itemId: 'i-1', loanDate: '2020-01-01', status: { name: 'Lost' } });
    expect(await refusal([loan])).toContain(`${loan}: record l-1: field status.name: unknown loan status "Lost"`);
    await rm(loan);

    const account = { id: 'a-1', userId: 'u-1', amount: 'ten', remaining: 10, status: { name: 'Open' }, paymentStatus: { name: 'Outstanding' } };
    const file = await write('account.json', account);
    expect(await refusal([file])).toContain(`${file}: record a-1: field amount: "ten" is not a decimal amount`);
    const precise = await write('account.json', { ...account, amount: 10.005 });
    expect(await refusal([precise])).toContain(`${precise}: record a-1: field amount: "10.005" has more than 2 fraction digits`);
  });

  it('refuses a request with an unknown status, and one with none', async () => {
    const file = await write('request.json', { id: 'r-1', requesterId: 'u-1', requestType: 'Hold', requestDate: '2020-01-01', status: 'Pending' });
    expect(await refusal([file])).toContain(`${file}: record r-1: field status: unknown request status "Pending"`);
    const none = await write('request.json', { id: 'r-1', requesterId: 'u-1', requestType: 'Hold', requestDate: '2020-01-01' });
    expect(await refusal([none])).toContain(`${none}: record r-1: field status: missing`);
  });

  it('refuses one group uuid with two names', async () => {
    await write('g1.json', { id: 'g-1', group: 'staff' });
    const second = await write('g2.json', { id: 'g-1', group: 'faculty' });
    expect(await refusal([dir])).toContain(`${second}: record g-1: field group: group id g-1 is also named "staff"`);
  });

  it('writes nothing into a batch when refused: the promise rejects instead of returning a partial batch', async () => {
    await write('a.json', user('u-1', 'alice'));
    await write('b.json', user('u-2', 'bob', { active: 'yes' }));
    await expect(readFolio([dir], options)).rejects.toThrow(/b\.json: record u-2: field active: is not true or false/);
  });

  it('rejects invalid options before reading anything', async () => {
    await expect(readFolio([dir], { currency: 'XXQ', purgeDaysAfterExpiry: null })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(readFolio([dir], { currency: 'USD', purgeDaysAfterExpiry: -1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
