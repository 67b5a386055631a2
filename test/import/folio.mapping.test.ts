/** How each FOLIO record shape maps into the batch (small hand-written inputs). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFolio } from '../../src/import/folio.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'folio-mapping-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const read = (currency = 'USD', purgeDaysAfterExpiry: number | null = null) => readFolio([dir], { currency, purgeDaysAfterExpiry });

describe('FOLIO mapping', () => {
  it('takes the literal date part of users-17.3.0 dates ("2020-10-07T04:00:00.000+0000" is 2020-10-07)', async () => {
    await write('u.json', {
      id: 'u-1',
      username: 'sso',
      expirationDate: '2020-10-07T04:00:00.000+0000',
      personal: { lastName: 'L', dateOfBirth: '1965-07-08T23:30:00.000-0500' },
    });
    const batch = await read('USD', 30);
    expect(batch.users[0]).toMatchObject({ expiryDate: '2020-10-07', birthDate: '1965-07-08', purgeDate: '2020-11-06' });
  });

  it('chooses the primary id: username, else barcode, else id', async () => {
    await write('a.json', { id: 'u-a', username: 'alice', barcode: '111' });
    await write('b.json', { id: 'u-b', barcode: '222', active: true });
    await write('c.json', { id: 'u-c', patronGroup: 'g-1' });
    const batch = await read();
    expect(batch.users.map((u) => [u.sourceKey, u.primaryId])).toEqual([
      ['u-a', 'alice'],
      ['u-b', '222'],
      ['u-c', 'u-c'],
    ]);
  });

  it('maps type staff to STAFF and anything else to PUBLIC', async () => {
    await write('a.json', { id: 'u-a', username: 'a', type: 'staff' });
    await write('b.json', { id: 'u-b', username: 'b', type: 'patron' });
    await write('c.json', { id: 'u-c', username: 'c', type: 'shadow' });
    expect((await read()).users.map((u) => u.recordType)).toEqual(['STAFF', 'PUBLIC', 'PUBLIC']);
  });

  it('resolves the group when it is in the input, even from a file read after the users', async () => {
    await write('a-user.json', { id: 'u-a', username: 'a', patronGroup: 'g-1' });
    await write('z-groups.json', { usergroups: [{ id: 'g-1', group: 'undergrad', desc: 'Undergraduate' }], totalRecords: 1 });
    const batch = await read();
    expect(batch.users[0]?.userGroup).toBe('undergrad');
    expect(batch.groups).toEqual([{ code: 'undergrad', description: 'Undergraduate', sourceKey: 'g-1' }]);
    expect(batch.warnings).toEqual([
      'this input carries no loans: users are judged on the loans already in the database',
      'this input carries no fees: users are judged on the fees already in the database',
    ]);
  });

  it('maps every request status', async () => {
    const statuses = [
      ['Open - Not yet filled', 'PLACED'],
      ['Open - Awaiting pickup', 'ON_HOLD_SHELF'],
      ['Open - In transit', 'IN_TRANSIT'],
      ['Open - Awaiting delivery', 'PLACED'],
      ['Closed - Filled', 'FULFILLED'],
      ['Closed - Cancelled', 'CANCELLED'],
      ['Closed - Unfilled', 'EXPIRED'],
      ['Closed - Pickup expired', 'EXPIRED'],
    ];
    await write('requests.json', {
      requests: statuses.map(([status], i) => ({ id: `r-${i}`, requesterId: 'u-1', requestType: 'Hold', requestDate: '2020-01-01T10:00:00Z', status })),
      totalRecords: statuses.length,
    });
    const batch = await read();
    expect(batch.requests.map((r) => r.status)).toEqual(statuses.map(([, mapped]) => mapped));
    expect(batch.requests[0]?.location).toEqual({ file: path.join(dir, 'requests.json'), record: 'requests[0] r-0' });
  });

  it('maps open accounts to ACTIVE with the remaining balance, closed ones to CLOSED with a close reason', async () => {
    const account = (id: string, status: string, payment: string, amount: number, remaining: number) => ({
      id,
      userId: 'u-1',
      amount,
      remaining,
      status: { name: status },
      paymentStatus: { name: payment },
      feeFineType: 'Overdue',
      dateCreated: '2024-03-01T00:00:01Z',
      dateUpdated: '2024-03-02T15:00:00Z',
    });
    await write('accounts.json', {
      accounts: [
        account('a-1', 'Open', 'Paid partially', 12.5, 0.3),
        account('a-2', 'Closed', 'Paid fully', 12.5, 0),
        account('a-3', 'Closed', 'Waived fully', 3, 0),
        account('a-4', 'Closed', 'Transferred fully', 4, 0),
        account('a-5', 'Closed', 'Cancelled as error', 5, 0),
        account('a-6', 'Closed', 'Cancelled item returned', 6, 0),
        account('a-7', 'Closed', 'Refunded fully', 7, 0),
      ],
      totalRecords: 7,
    });
    const fees = (await read()).fees;
    expect(fees[0]).toMatchObject({ status: 'ACTIVE', originalAmount: 1250, balance: 30, createdDate: '2024-03-01', feeType: 'Overdue' });
    expect(fees[0]?.closeReason).toBeUndefined();
    expect(fees.slice(1).map((f) => [f.status, f.closeReason, f.balance, f.closedDate])).toEqual([
      ['CLOSED', 'PAID', 0, '2024-03-02'],
      ['CLOSED', 'WAIVED', 0, '2024-03-02'],
      ['CLOSED', 'TRANSFERRED', 0, '2024-03-02'],
      ['CLOSED', 'CANCELLED', 0, '2024-03-02'],
      ['CLOSED', 'CANCELLED', 0, '2024-03-02'],
      ['CLOSED', 'PAID', 0, '2024-03-02'],
    ]);
  });

  it('parses amounts with the currency digits: JPY has none', async () => {
    await write('a.json', { id: 'a-1', userId: 'u-1', amount: 500, remaining: 250, status: { name: 'Open' } });
    expect((await read('JPY')).fees[0]).toMatchObject({ originalAmount: 500, balance: 250 });
  });

  it('keeps lost and claimed-returned open loans apart, and takes a loan without status as out unless returned', async () => {
    await write('loans.json', {
      loans: [
        { id: 'l-1', userId: 'u-1', itemId: 'i-1', loanDate: '2020-01-01', status: { name: 'Open' }, itemStatus: 'Declared lost' },
        { id: 'l-2', userId: 'u-1', itemId: 'i-2', loanDate: '2020-01-01', status: { name: 'Open' }, itemStatus: 'Claimed returned' },
        { id: 'l-3', userId: 'u-1', itemId: 'i-3', loanDate: '2020-01-01' },
        { id: 'l-4', userId: 'u-1', itemId: 'i-4', loanDate: '2020-01-01', returnDate: '2020-02-01' },
      ],
      totalRecords: 4,
    });
    expect((await read()).loans.map((l) => l.status)).toEqual(['LOST', 'CLAIMED_RETURNED', 'ON_LOAN', 'RETURNED']);
  });

  it('maps a proxyfor collection to PROXY relationships from sponsor to proxy, with the end date', async () => {
    await write('proxies.json', {
      proxiesFor: [{ id: 'p-1', userId: 'sponsor', proxyUserId: 'proxy', expirationDate: '2025-06-30T00:00:00Z' }],
      totalRecords: 1,
    });
    expect((await read()).relationships).toMatchObject([{ externalId: 'p-1', kind: 'PROXY', fromUserKey: 'sponsor', toUserKey: 'proxy', endDate: '2025-06-30' }]);
  });

  it('skips non-JSON files that are not named .json, and unrecognised JSON, with a warning naming the file', async () => {
    const readme = await write('README.md', '# not JSON');
    const item = await write('item.json', { id: 'i-1', barcode: '1234567890', itemStatus: 'Checked out', callNumber: 'X 1' });
    const batch = await read();
    expect(batch.warnings).toEqual([`${readme}: skipped: not JSON, not a FOLIO record`, `${item}: skipped: not a FOLIO record this importer reads`]);
    expect(batch.users).toEqual([]);
  });
});
