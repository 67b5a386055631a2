/**
 * The Koha importer on small inputs written to a temporary directory: the patron import CSV, and the
 * installer YAML's issues, reserves and accountlines tables.
 */
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-files.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';
import { PROTECTED_REASON, readKoha } from '../../src/import/koha.ts';

const usd: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
const temp = useTempDir('koha-');
const write = temp.write;


const CSV = [
  'cardnumber,surname,firstname,branchcode,categorycode,dateofbirth,dateenrolled,dateexpiry,email,phone,address,city,zipcode,userid,sort1,sort2,patron_attributes,favourite_colour,protected',
  '2100001,Smith,Ann,CPL,PT,1990-05-01,2020-01-01,2026-05-01,ann@example.org,555-0101,1 Main St,Centerville,12345,asmith,,,"UNIV_ID:A123,SHOW_BCODE:1",blue,0',
  ',Jones,"Bob ""Bobby""",MPL,S,,2020-01-01,2024-12-31,,,,,,bjones,dept-7,,,green,1',
  '"2100003",Lee,Cy,FRL,ZZ,2001-02-03,,2025-02-24 09:55:29,,,"12 Long Rd, Apt 4",Town,,,,,,,',
].join('\n');

const CATEGORIES = `tables:
  - categories:
      rows:
        - categorycode: PT
          description: Patron
          category_type: A
        - categorycode: S
          description: Staff
          category_type: S
`;

describe('Koha patron import CSV', () => {
  it('reads patrons, ignores unknown columns, and maps the fields we use', async () => {
    await write('patrons.csv', CSV);
    await write('categories.yml', CATEGORIES);
    const batch = await readKoha([temp.dir()], { currency: 'USD', purgeDaysAfterExpiry: 365 });
    expect(batch.users).toHaveLength(3);
    const [ann, bob, cy] = batch.users;
    expect(ann).toMatchObject({
      sourceKey: '2100001',
      primaryId: '2100001',
      recordType: 'PUBLIC',
      userGroup: 'PT',
      firstName: 'Ann',
      lastName: 'Smith',
      birthDate: '1990-05-01',
      expiryDate: '2026-05-01',
      purgeDate: '2027-05-01',
      homeLibrary: 'CPL',
      emails: ['ann@example.org'],
      phones: ['555-0101'],
      addresses: ['1 Main St, Centerville, 12345'],
      statisticalCategories: [],
      identifiers: [
        { type: 'BARCODE', value: '2100001' },
        { type: 'UNIV_ID', value: 'A123' },
        { type: 'SHOW_BCODE', value: '1' },
      ],
    });
    expect(ann?.doNotPurgeReason).toBeUndefined();
    expect(ann?.location.record).toBe('line 2');
    // No card number: the userid is the primary id; a category of type S makes a STAFF user.
    expect(bob).toMatchObject({
      sourceKey: 'bjones',
      primaryId: 'bjones',
      firstName: 'Bob "Bobby"',
      recordType: 'STAFF',
      userGroup: 'S',
      statisticalCategories: ['dept-7'],
      identifiers: [],
      doNotPurgeReason: PROTECTED_REASON,
    });
    // A category the input does not define: PUBLIC, and the group keeps its code.
    expect(cy).toMatchObject({
      primaryId: '2100003',
      recordType: 'PUBLIC',
      userGroup: 'ZZ',
      expiryDate: '2025-02-24',
      addresses: ['12 Long Rd, Apt 4, Town'],
    });
  });

  it('skips a CSV that is not a patron import file, with a warning', async () => {
    const file = await write('items.csv', 'barcode,title\n1,A book\n');
    const batch = await readKoha([temp.dir()], usd);
    expect(batch.users).toEqual([]);
    expect(batch.warnings).toEqual([expect.stringContaining(file)]);
  });
});

describe('Koha installer YAML: issues, reserves and accountlines', () => {
  const YAML = `tables:
  - borrowers:
      rows:
        - borrowernumber: 7
          cardnumber: 0042
          surname: Doe
          dateexpiry: 2030-01-01
  - issues:
      rows:
        - issue_id: 1
          borrowernumber: 7
          itemnumber: 900
          issuedate: "2025-01-02 10:00:00"
          date_due: "2025-01-30 23:59:00"
          branchcode: CPL
        - issue_id: 2
          borrowernumber: 8
          itemnumber: 901
  - reserves:
      rows:
        - { reserve_id: 10, borrowernumber: 7, reservedate: 2025-01-01, found: ~ }
        - { reserve_id: 11, borrowernumber: 7, reservedate: 2025-01-01, found: W }
        - { reserve_id: 12, borrowernumber: 7, reservedate: 2025-01-01, found: T }
        - { reserve_id: 13, borrowernumber: ~, reservedate: 2025-01-01, found: P }
  - accountlines:
      rows:
        - { accountlines_id: 20, borrowernumber: 7, debit_type_code: OVERDUE, amount: 5.000000, amountoutstanding: 3.500000, date: 2025-01-05 }
        - { accountlines_id: 21, borrowernumber: 7, credit_type_code: PAYMENT, amount: -2.000000, amountoutstanding: -2.000000 }
        - { accountlines_id: 22, borrowernumber: 7, debit_type_code: LOST, amount: 20.000000, amountoutstanding: 0.000000, status: WRITTEN_OFF }
sql_statements:
  - "DELETE FROM borrowers"
`;

  it('maps every issue to an active loan, reserves by found, account lines by amountoutstanding', async () => {
    await write('data.yaml', YAML);
    const batch = await readKoha([temp.dir()], usd);
    // Leading zeros of a card number written as a plain YAML number are kept.
    expect(batch.users.map((u) => [u.sourceKey, u.primaryId])).toEqual([['7', '0042']]);
    expect(batch.loans.map((l) => [l.externalId, l.userKey, l.status, l.loanDate, l.dueDate, l.library])).toEqual([
      ['1', '7', 'ON_LOAN', '2025-01-02', '2025-01-30', 'CPL'],
      ['2', '8', 'ON_LOAN', undefined, undefined, undefined],
    ]);
    expect(batch.requests.map((r) => [r.externalId, r.status])).toEqual([
      ['10', 'PLACED'],
      ['11', 'ON_HOLD_SHELF'],
      ['12', 'IN_TRANSIT'],
    ]);
    expect(batch.warnings.some((w) => w.includes('reserve_id 13') && w.includes('borrowernumber'))).toBe(true);
    expect(batch.fees.map((f) => [f.externalId, f.feeType, f.status, f.closeReason, f.originalAmount, f.balance])).toEqual([
      ['20', 'OVERDUE', 'ACTIVE', null, 500, 350],
      ['21', 'PAYMENT', 'ACTIVE', null, -200, -200],
      ['22', 'LOST', 'CLOSED', 'WAIVED', 2000, 0],
    ]);
    expect(batch.fees[0]?.createdDate).toBe('2025-01-05');
  });
});
