/**
 * Which FOLIO files are read, skipped or refused (SPEC.md section 8). A bare top-level list of records is
 * read like a collection. A file is skipped only when nothing in it is a record of a kind we read; one
 * that holds such records in a shape we do not read refuses the input, because skipping it would lose
 * the loans or fees and make their users purgeable.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
import { readFolio } from '../../src/import/folio.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'folio-shapes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const read = () => readFolio([dir], { currency: 'USD', purgeDaysAfterExpiry: null });

async function refusal(): Promise<string> {
  const error = await read().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('IMPORT_MALFORMED');
  return (error as AppError).message;
}

const loan = (id: string, userId: string, extra: Record<string, unknown> = {}) => ({
  id,
  userId,
  itemId: `item-${id}`,
  loanDate: '2025-01-02T10:00:00Z',
  dueDate: '2025-02-02T10:00:00Z',
  status: { name: 'Open' },
  ...extra,
});

describe('FOLIO file shapes', () => {
  it('reads a bare top-level list of loans like a collection, labelling each record [i] id', async () => {
    const file = await write('loans.json', [loan('l-1', 'u-1'), loan('l-2', 'u-2')]);
    const batch = await read();
    expect(batch.warnings).toEqual([]);
    expect(batch.loans.map((l) => [l.externalId, l.userKey, l.status, l.location.record])).toEqual([
      ['l-1', 'u-1', 'ON_LOAN', '[0] l-1'],
      ['l-2', 'u-2', 'ON_LOAN', '[1] l-2'],
    ]);
    expect(batch.loans[0]?.location.file).toBe(file);
  });

  it('reads a bare list of records of several kinds, each recognised by its shape', async () => {
    await write('mixed.json', [{ id: 'u-1', username: 'alice', active: true }, loan('l-1', 'u-1'), { userId: 'u-1', proxyUserId: 'u-2' }]);
    const batch = await read();
    expect(batch.users.map((u) => [u.primaryId, u.location.record])).toEqual([['alice', '[0] u-1']]);
    expect(batch.loans.map((l) => l.location.record)).toEqual(['[1] l-1']);
    expect(batch.relationships.map((r) => r.location.record)).toEqual(['[2]']);
  });

  it('reads an empty list as nothing, without a warning', async () => {
    await write('loans.json', []);
    const batch = await read();
    expect(batch.loans).toEqual([]);
    expect(batch.warnings).toEqual([]);
  });

  it('refuses a list in which one element is not a record it reads, naming the element', async () => {
    const file = await write('loans.json', [loan('l-1', 'u-1'), { id: 'x-9', note: 'what is this' }]);
    expect(await refusal()).toBe(
      `${file}: record [1] x-9: field (record): is not a FOLIO record this importer reads, while other elements of the list are; nothing was imported`,
    );
  });

  it('refuses a loan that lacks a field that recognises it, instead of skipping it', async () => {
    const { loanDate: _dropped, ...withoutLoanDate } = loan('l-2', 'u-2');
    const file = await write('loans.json', [loan('l-1', 'u-1'), withoutLoanDate]);
    expect(await refusal()).toBe(`${file}: record [1] l-2: field (record): has fields of a FOLIO loan but not userId, itemId and loanDate; nothing was imported`);
    await rm(file);
    const single = await write('loan.json', withoutLoanDate);
    expect(await refusal()).toContain(`${single}: record l-2: field (record): has fields of a FOLIO loan`);
  });

  it('refuses loans under a key it does not know, instead of skipping the file', async () => {
    const file = await write('export.json', { data: [loan('l-1', 'u-1')], total: 1 });
    expect(await refusal()).toBe(
      `${file}: record data[0]: field data: holds FOLIO records under "data", a shape this importer does not read: give it a collection ({"users": [...]}, {"loans": [...]}, ...), one record, or a list of records; nothing was imported`,
    );
  });

  it('refuses a collection wrapped in another object', async () => {
    const file = await write('response.json', { result: { accounts: [], totalRecords: 0 } });
    expect(await refusal()).toContain(`${file}: record result.accounts: field result: holds FOLIO records under "result"`);
  });

  it('refuses JSON Lines (one record per line) in a file not named .json', async () => {
    const file = await write('loans.jsonl', `${JSON.stringify(loan('l-1', 'u-1'))}\n${JSON.stringify(loan('l-2', 'u-1'))}\n`);
    expect(await refusal()).toContain(`${file}: record line 1: field (JSON): holds one JSON record per line (JSON Lines)`);
  });

  it('reads every collection of a file that holds several', async () => {
    await write('all.json', { users: [{ id: 'u-1', username: 'alice' }], loans: [loan('l-1', 'u-1')], totalRecords: 2 });
    const batch = await read();
    expect(batch.users.map((u) => u.location.record)).toEqual(['users[0] u-1']);
    expect(batch.loans.map((l) => l.location.record)).toEqual(['loans[0] l-1']);
  });

  it('still skips, with a warning each, files that clearly hold no record it reads', async () => {
    const skipped = [
      await write('schema.json', { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { userId: { type: 'string' } } }),
      await write('addresstypes.json', [{ id: 'a-1', addressType: 'Home', desc: 'Home address' }]),
      await write('feefines.json', { feefines: [{ id: 'f-1', feeFineType: 'Lost item fee', ownerId: 'o-1' }], totalRecords: 1 }),
      await write('owner.json', { id: 'o-1', owner: 'Main Library', desc: 'Main', servicePointOwner: [{ value: 'sp-1', label: 'Desk' }] }),
      await write('action.json', { id: 'a-1', typeAction: 'Paid fully', amountAction: 5, balance: 0, accountId: 'acc-1', userId: 'u-1' }),
      await write('history.json', { loansHistory: [{ id: 'h-1', operation: 'I', loan: loan('l-1', 'u-1') }], totalRecords: 1 }),
      await write('README.md', '# Export\n\nLoans exported on Monday.\n'),
      await write('numbers.json', [1, 2, 3]),
    ];
    const batch = await read();
    expect(batch.loans).toEqual([]);
    expect(batch.warnings.map((w) => w.slice(0, w.indexOf(': skipped:')))).toEqual([...skipped].sort());
  });
});
