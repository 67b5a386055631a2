/**
 * The Alma importer's mapping on small hand-written REST files (XML lists with their wrappers, the purge
 * date derived from the expiry date, loan, request and fee statuses, fees beside a user).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
import { readAlma } from '../../src/import/alma.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';

const USD: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alma-mapping-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content, 'utf8');
  return file;
}

const USERS_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<users total_record_count="2">
  <user>
    <record_type desc="Staff">STAFF</record_type>
    <primary_id>00123</primary_id>
    <first_name>Ada</first_name>
    <last_name>Lovelace</last_name>
    <user_group desc="Faculty">FAC</user_group>
    <campus_code desc="Main campus">MAIN</campus_code>
    <account_type desc="Internal">INTERNAL</account_type>
    <status desc="Inactive">INACTIVE</status>
    <birth_date>1970-12-31Z</birth_date>
    <expiry_date>2025-01-15Z</expiry_date>
    <last_patron_activity_date>2024-11-30Z</last_patron_activity_date>
    <contact_info>
      <addresses>
        <address preferred="true" segment_type="Internal">
          <line1>1 Main St</line1>
          <city>Springfield</city>
          <postal_code>12345</postal_code>
          <address_types><address_type desc="Home">home</address_type></address_types>
        </address>
      </addresses>
      <emails>
        <email preferred="true"><email_address>ada@example.org</email_address><email_types><email_type>personal</email_type></email_types></email>
      </emails>
      <phones>
        <phone><phone_number>555-0100</phone_number></phone>
        <phone><phone_number>555-0101</phone_number></phone>
      </phones>
    </contact_info>
    <user_identifiers>
      <user_identifier segment_type="Internal"><id_type desc="Barcode">BARCODE</id_type><value>B-001</value><status>ACTIVE</status></user_identifier>
    </user_identifiers>
    <user_notes>
      <user_note><note_type>CIRCULATION</note_type><note_text>Prefers email</note_text></user_note>
    </user_notes>
    <user_blocks>
      <user_block>
        <block_type desc="General">GENERAL</block_type>
        <block_description desc="Lost card">LOST_CARD</block_description>
        <block_status>ACTIVE</block_status>
        <block_note>reported by phone</block_note>
        <expiry_date>2026-01-01T00:00:00Z</expiry_date>
      </user_block>
      <user_block>
        <block_type>GENERAL</block_type>
        <block_description>OLD_BLOCK</block_description>
        <block_status>INACTIVE</block_status>
      </user_block>
    </user_blocks>
    <user_statistics>
      <user_statistic><statistic_category desc="Graduate">GRAD</statistic_category><category_type desc="Degree">DEGREE</category_type></user_statistic>
    </user_statistics>
  </user>
  <user>
    <record_type>CONTACT</record_type>
    <primary_id>vendor-1</primary_id>
    <user_group>FAC</user_group>
    <expiry_date>2025-01-01Z</expiry_date>
    <purge_date>2025-03-01-05:00</purge_date>
  </user>
</users>
`;

describe('Alma XML user lists', () => {
  it('reads every user of a <users> list, with single and repeated elements alike, keeping ids as text', async () => {
    const file = await write('users.xml', USERS_XML);
    const batch = await readAlma([file], USD);
    expect(batch.users.map((u) => u.primaryId)).toEqual(['00123', 'vendor-1']);
    expect(batch.users[0]).toMatchObject({
      sourceKey: '00123',
      recordType: 'STAFF',
      userGroup: 'FAC',
      accountType: 'INTERNAL',
      status: 'INACTIVE',
      firstName: 'Ada',
      lastName: 'Lovelace',
      birthDate: '1970-12-31',
      expiryDate: '2025-01-15',
      lastActivityDate: '2024-11-30',
      homeLibrary: 'MAIN',
      emails: ['ada@example.org'],
      phones: ['555-0100', '555-0101'],
      addresses: ['1 Main St, Springfield, 12345'],
      identifiers: [{ type: 'BARCODE', value: 'B-001' }],
      notes: ['Prefers email'],
      statisticalCategories: ['GRAD'],
    });
    expect(batch.users[0]!.purgeDate).toBeUndefined();
    // A CONTACT has no user group, whatever the source says.
    expect(batch.users[1]).toMatchObject({ recordType: 'CONTACT', userGroup: null, expiryDate: '2025-01-01', purgeDate: '2025-03-01' });
    // Only the block in force is imported.
    expect(batch.blocks).toEqual([
      {
        externalId: '00123/user_block/1',
        userKey: '00123',
        blockType: 'GENERAL',
        description: 'Lost card: reported by phone',
        expiryDate: '2026-01-01',
        location: { file, record: '00123' },
      },
    ]);
    expect(batch.groups).toEqual([{ code: 'FAC', description: 'Faculty' }]);
    expect(batch.libraries).toEqual([{ code: 'MAIN', name: 'Main campus' }]);
  });

  it('sets purge = expiry + N days for a user without a purge date when the option is on, and never overrides a source purge date', async () => {
    const file = await write('users-purge.xml', USERS_XML);
    const batch = await readAlma([file], { currency: 'USD', purgeDaysAfterExpiry: 30 });
    expect(batch.users[0]).toMatchObject({ primaryId: '00123', expiryDate: '2025-01-15', purgeDate: '2025-02-14' });
    expect(batch.users[1]).toMatchObject({ primaryId: 'vendor-1', expiryDate: '2025-01-01', purgeDate: '2025-03-01' });
  });

  it('leaves the purge date unset when the option is on but the user has no expiry date', async () => {
    const file = await write('no-expiry.xml', '<user><primary_id>p1</primary_id><purge_date/></user>');
    const batch = await readAlma([file], { currency: 'USD', purgeDaysAfterExpiry: 30 });
    expect(batch.users).toHaveLength(1);
    expect(batch.users[0]!.purgeDate).toBeUndefined();
  });

  it('reads 2025-01-15Z-style JSON dates as the literal date', async () => {
    const file = await write(
      'dated.json',
      JSON.stringify({
        primary_id: 'd1',
        birth_date: '2000-02-29Z',
        expiry_date: '2025-01-15Z',
        purge_date: '2025-12-31-08:00',
        last_patron_activity_date: '2024-06-10T23:30:00.000+0000',
      }),
    );
    const batch = await readAlma([file], USD);
    expect(batch.users[0]).toMatchObject({ birthDate: '2000-02-29', expiryDate: '2025-01-15', purgeDate: '2025-12-31', lastActivityDate: '2024-06-10' });
  });
});

describe('Alma loans, requests and fees', () => {
  it('maps loan_status ACTIVE to an active loan (LOST when so processed) and COMPLETE to returned', async () => {
    const file = await write(
      'loans.xml',
      `<item_loans total_record_count="2">
        <item_loan>
          <loan_id>L1</loan_id><user_id>00123</user_id><item_barcode>X1</item_barcode>
          <library desc="Main library">MAINLIB</library>
          <loan_date>2024-01-01T10:00:00Z</loan_date><due_date>2024-02-01T23:59:00Z</due_date>
          <loan_status>ACTIVE</loan_status><process_status>LOST</process_status>
        </item_loan>
        <item_loan>
          <loan_id>L2</loan_id><user_id>00123</user_id><item_barcode>X2</item_barcode>
          <library>MAINLIB</library>
          <loan_date>2024-01-01T10:00:00Z</loan_date><due_date>2024-02-01T23:59:00Z</due_date>
          <return_date>2024-01-20T09:00:00Z</return_date>
          <loan_status>COMPLETE</loan_status><process_status>NORMAL</process_status>
        </item_loan>
      </item_loans>`,
    );
    const batch = await readAlma([file], USD);
    expect(batch.loans.map((l) => [l.externalId, l.userKey, l.itemBarcode, l.library, l.status, l.returnDate ?? null])).toEqual([
      ['L1', '00123', 'X1', 'MAINLIB', 'LOST', null],
      ['L2', '00123', 'X2', 'MAINLIB', 'RETURNED', '2024-01-20'],
    ]);
    expect(batch.libraries).toEqual([{ code: 'MAINLIB', name: 'Main library' }]);
  });

  it('maps every Alma request status: the status alone decides', async () => {
    const statuses = ['NOT_STARTED', 'IN_PROCESS', 'ON_HOLD_SHELF', 'HISTORY', 'COMPLETED', 'CANCELLED'];
    const file = await write(
      'requests.json',
      JSON.stringify({
        total_record_count: statuses.length,
        user_request: statuses.map((status, i) => ({
          request_id: `R${i + 1}`,
          user_primary_id: 'u1',
          request_type: 'HOLD',
          request_status: status,
          expiry_date: '2000-01-01Z',
        })),
      }),
    );
    const batch = await readAlma([file], USD);
    expect(batch.requests.map((r) => [r.externalId, r.status])).toEqual([
      ['R1', 'PLACED'],
      ['R2', 'IN_TRANSIT'],
      ['R3', 'ON_HOLD_SHELF'],
      ['R4', 'FULFILLED'],
      ['R5', 'FULFILLED'],
      ['R6', 'CANCELLED'],
    ]);
  });

  it('reads an XML fee list in the institution currency: active balances exactly, closed fees at 0', async () => {
    const file = await write(
      'fees.xml',
      `<fees total_record_count="2" total_sum="5.5" currency="USD">
        <fee link="https://api-na.hosted.exlibrisgroup.com/almaws/v1/users/00123/fees/F1">
          <id>F1</id><type desc="Overdue fine">OVERDUEFINE</type><status desc="Active">ACTIVE</status>
          <balance>5.50</balance><original_amount>10.00</original_amount>
          <creation_time>2024-05-01T12:00:00Z</creation_time>
        </fee>
        <fee link="https://api-na.hosted.exlibrisgroup.com/almaws/v1/users/00123/fees/F2">
          <id>F2</id><type>OVERDUEFINE</type><status>CLOSED</status>
          <balance>0.3</balance><original_amount>0.3</original_amount>
          <creation_time>2024-01-01T00:00:00Z</creation_time><status_time>2024-02-02T10:00:00Z</status_time>
        </fee>
      </fees>`,
    );
    const batch = await readAlma([file], USD);
    expect(batch.fees.map((f) => [f.externalId, f.userKey, f.feeType, f.status, f.balance, f.originalAmount, f.createdDate, f.closedDate])).toEqual([
      ['F1', '00123', 'OVERDUEFINE', 'ACTIVE', 550, 1000, '2024-05-01', null],
      ['F2', '00123', 'OVERDUEFINE', 'CLOSED', 0, 30, '2024-01-01', '2024-02-02'],
    ]);
  });

  it('refuses an XML fee list in another currency, naming file, record and field', async () => {
    const file = await write(
      'fees-eur.xml',
      `<fees total_record_count="1" currency="EUR"><fee><id>F9</id><type>OVERDUEFINE</type><status>ACTIVE</status><balance>1.00</balance><original_amount>1.00</original_amount></fee></fees>`,
    );
    const error = await readAlma([file], USD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('IMPORT_MALFORMED');
    expect((error as AppError).message).toContain(file);
    expect((error as AppError).message).toContain('record F9');
    expect((error as AppError).message).toContain('field currency');
  });

  it('gives fees without a link to the user beside them in the file', async () => {
    const file = await write(
      'user-and-fees.json',
      JSON.stringify({
        user: { primary_id: 'u7', record_type: { value: 'PUBLIC' }, user_group: { value: 'UG' } },
        fee: [{ id: 'F7', type: { value: 'OTHER' }, status: { value: 'ACTIVE' }, balance: 0.3, original_amount: 12 }],
      }),
    );
    const batch = await readAlma([file], USD);
    expect(batch.users.map((u) => u.primaryId)).toEqual(['u7']);
    expect(batch.fees.map((f) => [f.externalId, f.userKey, f.balance, f.originalAmount])).toEqual([['F7', 'u7', 30, 1200]]);
  });
});
