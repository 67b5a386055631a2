/**
 * The Alma importer on the real example files of ../shared/data/alma. Every expected value below was read
 * from the files themselves (see that folder's README), never from the importer's output.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
import { readAlma } from '../../src/import/alma.ts';
import type { ImportOptions } from '../../src/import/import-options.ts';

const DATA = path.resolve('../shared/data/alma');
const SCRIPTOTEK = path.join(DATA, 'scriptotek-php-alma-client');
const KTH = path.join(DATA, 'kth-camel-alma');
const BC = path.join(DATA, 'bclibraries-php-alma');
const MIT = path.join(DATA, 'mitlibraries-alma-bursartransfer');

const USD: ImportOptions = { currency: 'USD', purgeDaysAfterExpiry: null };
const NOK: ImportOptions = { currency: 'NOK', purgeDaysAfterExpiry: null };

beforeAll(() => {
  // The shared examples are part of the test: a missing folder is a failure, not a skip.
  if (!existsSync(DATA)) throw new Error(`the Alma example data is missing: ${DATA}`);
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('IMPORT_MALFORMED');
  return error as AppError;
}

describe('Alma REST users', () => {
  it('reads the full JSON user of user_response.json with its group, type, names, contacts and identifiers', async () => {
    const batch = await readAlma([path.join(SCRIPTOTEK, 'user_response.json')], USD);
    expect(batch.source).toBe('alma');
    expect(batch.users).toHaveLength(1);
    const user = batch.users[0]!;
    expect(user).toMatchObject({
      sourceKey: '12345',
      primaryId: '12345',
      recordType: 'PUBLIC',
      userGroup: '1',
      accountType: 'INTERNAL',
      status: 'ACTIVE',
      firstName: 'Dan',
      middleName: null,
      lastName: 'Banan',
      birthDate: '1990-03-01',
      homeLibrary: 'BLINDERN',
      emails: ['dan@banan.com'],
      phones: ['12345678', '87654321'],
      addresses: ['Niels Henrik Abels hus, Oslo, 0316'],
      identifiers: [
        { type: 'BARCODE', value: 'ub12345' },
        { type: 'BARCODE', value: 'ub54321' },
        { type: 'BARCODE', value: 'ntb12897787' },
        { type: 'UNIV_ID', value: 'test@uio.no' },
      ],
      notes: [],
      statisticalCategories: [],
      location: { file: path.join(SCRIPTOTEK, 'user_response.json'), record: '12345' },
    });
    // Both dates are optional in Alma and this user has neither: nothing is invented.
    expect(user.expiryDate).toBeUndefined();
    expect(user.purgeDate).toBeUndefined();
    expect(batch.groups).toEqual([{ code: '1', description: 'Egne studenter' }]);
    expect(batch.libraries).toEqual([{ code: 'BLINDERN', name: 'UiO Blindern' }]);
    expect(batch.blocks).toEqual([]);
    // A user file alone: the input says nothing about loans or fees.
    expect(batch.warnings).toEqual([
      'this input carries no loans: users are judged on the loans already in the database',
      'this input carries no fees: users are judged on the fees already in the database',
    ]);
  });

  it('reads the brief list form of users_response.json without inventing the fields it lacks', async () => {
    const batch = await readAlma([path.join(SCRIPTOTEK, 'users_response.json')], USD);
    expect(batch.users).toHaveLength(1);
    const user = batch.users[0]!;
    expect(user).toMatchObject({ primaryId: '1234567', sourceKey: '1234567', status: 'ACTIVE', firstName: 'Dan', lastName: 'Banan' });
    expect(user.recordType).toBeUndefined();
    expect(user.userGroup).toBeUndefined();
    expect(user.emails).toBeUndefined();
    expect(batch.groups).toEqual([]);
  });

  it('reads the XML user of grodan.xml', async () => {
    const batch = await readAlma([path.join(KTH, 'grodan.xml')], USD);
    expect(batch.users).toHaveLength(1);
    const user = batch.users[0]!;
    expect(user).toMatchObject({
      primaryId: 'grodan.boll@domain.nu',
      sourceKey: 'grodan.boll@domain.nu',
      recordType: 'PUBLIC',
      userGroup: '10',
      accountType: 'EXTERNAL',
      firstName: 'Grodan',
      middleName: null,
      lastName: 'Boll',
    });
    expect(user.status).toBeUndefined();
    expect(user.purgeDate).toBeUndefined();
    expect(batch.groups).toEqual([{ code: '10', description: '10' }]);
  });

  it('reads the SOAP-era user record with its compact-timestamp expiry and purge dates', async () => {
    const batch = await readAlma([path.join(BC, 'user-details-response-01.xml')], USD);
    expect(batch.users).toHaveLength(1);
    expect(batch.users[0]).toMatchObject({
      primaryId: 'BOYDL9',
      recordType: 'PUBLIC',
      userGroup: '08',
      accountType: 'EXTERNAL',
      status: 'ACTIVE',
      firstName: 'Lamont',
      middleName: 'Scott',
      lastName: 'Boyd',
      birthDate: null,
      // 20140508035959 and 20140507040000: the literal date part, whatever the time.
      expiryDate: '2014-05-08',
      purgeDate: '2014-05-07',
      emails: ['LamontEBoyd@exammple.com'],
      phones: ['6175555555', '6175551234'],
      addresses: ['4597 Liberty Avenue, Apartment 7, Los Angeles, CA, 90071'],
      identifiers: [
        { type: '01', value: '12345678' },
        { type: '05', value: '87654321' },
      ],
      notes: ['Bor Status: BC Staff'],
      statisticalCategories: ['STAC_EXPECT_GRAD_TERM'],
    });
    expect(batch.blocks.map((b) => [b.userKey, b.blockType, b.description])).toEqual([
      ['BOYDL9', 'OTHER', 'Second test block'],
      ['BOYDL9', 'CR', 'Test block'],
    ]);
  });
});

describe('Alma REST loans, requests and fees', () => {
  it('reads the 2 active loans of loans_response.json, both of user 123435', async () => {
    const batch = await readAlma([path.join(SCRIPTOTEK, 'loans_response.json')], USD);
    expect(batch.users).toEqual([]);
    expect(batch.loans).toHaveLength(2);
    expect(batch.loans).toEqual([
      {
        externalId: '1822301570002204',
        userKey: '123435',
        itemBarcode: '025986na0',
        library: '1030310',
        loanDate: '2013-11-18',
        dueDate: '2018-08-14',
        status: 'ON_LOAN',
        location: { file: path.join(SCRIPTOTEK, 'loans_response.json'), record: '1822301570002204' },
      },
      {
        externalId: '7378239410002204',
        userKey: '123435',
        itemBarcode: '303011kj0',
        library: '1030300',
        loanDate: '2018-07-23',
        dueDate: '2018-08-20',
        status: 'ON_LOAN',
        location: { file: path.join(SCRIPTOTEK, 'loans_response.json'), record: '7378239410002204' },
      },
    ]);
    expect(batch.libraries).toEqual([
      { code: '1030310', name: 'UiO Realfagsbiblioteket' },
      { code: '1030300', name: 'UiO HumSam-biblioteket' },
    ]);
  });

  it('reads the single loan of create_loan_response.json and the one-loan list of item_loan_response.json', async () => {
    const single = await readAlma([path.join(SCRIPTOTEK, 'create_loan_response.json')], USD);
    expect(single.loans.map((l) => [l.externalId, l.userKey, l.status, l.loanDate, l.dueDate])).toEqual([
      ['7329587120002204', 'Dan Michael', 'ON_LOAN', '2018-07-13', '2018-08-10'],
    ]);
    const list = await readAlma([path.join(SCRIPTOTEK, 'item_loan_response.json')], USD);
    expect(list.loans.map((l) => [l.externalId, l.userKey, l.status])).toEqual([['7378239410002204', 'Dan Michael', 'ON_LOAN']]);
  });

  it('reads an empty loan list and an empty fee list as nothing, without warnings', async () => {
    const batch = await readAlma([path.join(SCRIPTOTEK, 'zero_loans_response.json'), path.join(SCRIPTOTEK, 'zero_fees_response.json')], USD);
    expect(batch.loans).toEqual([]);
    expect(batch.fees).toEqual([]);
    expect(batch.warnings).toEqual([]);
  });

  it('maps the NOT_STARTED hold of item_requests_response.json to a placed request of its user', async () => {
    const batch = await readAlma([path.join(SCRIPTOTEK, 'item_requests_response.json')], USD);
    expect(batch.requests).toEqual([
      {
        externalId: '1403795240001204',
        userKey: 'Some User',
        requestType: 'HOLD',
        requestDate: '2018-07-31',
        status: 'PLACED',
        location: { file: path.join(SCRIPTOTEK, 'item_requests_response.json'), record: '1403795240001204' },
      },
    ]);
  });

  it('reads the NOK fee of fees_response.json exactly, in minor units, for the user of its link', async () => {
    const batch = await readAlma([path.join(SCRIPTOTEK, 'fees_response.json')], NOK);
    expect(batch.fees).toEqual([
      {
        externalId: '9854064491211104',
        userKey: '12345',
        feeType: 'LOSTITEMREPLACEMENTFEE',
        status: 'ACTIVE',
        closeReason: null,
        closedDate: null,
        createdDate: '2018-01-05',
        originalAmount: 75000,
        balance: 75000,
        location: { file: path.join(SCRIPTOTEK, 'fees_response.json'), record: '9854064491211104' },
      },
    ]);
  });

  it('refuses the NOK fee list when the institution currency is USD, naming file, record and field', async () => {
    const file = path.join(SCRIPTOTEK, 'fees_response.json');
    const error = await refusal(readAlma([file], USD));
    expect(error.message).toContain(file);
    expect(error.message).toContain('record 9854064491211104');
    expect(error.message).toContain('field currency');
    expect(error.message).toContain('NOK');
  });

  it('reads the same fee from fee_response.json and fees_response.json once, with a warning', async () => {
    const batch = await readAlma([path.join(SCRIPTOTEK, 'fees_response.json'), path.join(SCRIPTOTEK, 'fee_response.json')], NOK);
    expect(batch.fees).toHaveLength(1);
    expect(batch.fees[0]).toMatchObject({ externalId: '9854064491211104', userKey: '12345', balance: 75000 });
    expect(batch.warnings).toHaveLength(1);
    expect(batch.warnings[0]).toContain('fee_response.json');
    expect(batch.warnings[0]).toContain('9854064491211104');
  });
});

describe('Alma files that are not REST records', () => {
  it('skips XSDs, loose SOAP fragments, the bursar export, its CSV and the requested-resources list, naming each file', async () => {
    const skipped = [
      path.join(KTH, 'rest_user.xsd'),
      path.join(KTH, 'rest_users.xsd'),
      path.join(KTH, 'web_service_result.xsd'),
      path.join(BC, 'block-01.xml'),
      path.join(BC, 'identifier-01.xml'),
      path.join(MIT, 'test.xml'),
      path.join(MIT, 'test.csv'),
      path.join(SCRIPTOTEK, 'requested-resources_response.json'),
    ];
    const batch = await readAlma(skipped, USD);
    expect(batch.users).toEqual([]);
    expect(batch.fees).toEqual([]);
    expect(batch.requests).toEqual([]);
    expect(batch.blocks).toEqual([]);
    expect(batch.warnings).toHaveLength(skipped.length);
    skipped.forEach((file, i) => expect(batch.warnings[i]).toContain(file));
  });
});

describe('the whole Alma folder', () => {
  it('refuses the folder: loan 7378239410002204 belongs to 123435 in one file and to Dan Michael in another', async () => {
    const error = await refusal(readAlma([DATA], NOK));
    expect(error.message).toContain(path.join(SCRIPTOTEK, 'loans_response.json'));
    expect(error.message).toContain('record 7378239410002204');
    expect(error.message).toContain('field user_id');
  });

  it('refuses the folder in USD at the NOK fee list before anything else', async () => {
    const error = await refusal(readAlma([DATA], USD));
    expect(error.message).toContain(path.join(SCRIPTOTEK, 'fees_response.json'));
    expect(error.message).toContain('field currency');
  });

  it('reads every other file of the folder with exact counts per kind', async () => {
    const scriptotekFiles = [
      'create_loan_response.json',
      'fee_response.json',
      'fees_response.json',
      'item_requests_response.json',
      'loans_response.json',
      'requested-resources_response.json',
      'user_response.json',
      'users_response.json',
      'zero_fees_response.json',
      'zero_loans_response.json',
    ].map((name) => path.join(SCRIPTOTEK, name));
    const batch = await readAlma([BC, KTH, MIT, ...scriptotekFiles], NOK);
    expect(batch.users.map((u) => u.primaryId)).toEqual(['BOYDL9', 'grodan.boll@domain.nu', '12345', '1234567']);
    expect(batch.loans.map((l) => l.externalId)).toEqual(['7329587120002204', '1822301570002204', '7378239410002204']);
    expect(batch.requests.map((r) => r.externalId)).toEqual(['1403795240001204']);
    expect(batch.fees.map((f) => f.externalId)).toEqual(['9854064491211104']);
    expect(batch.blocks).toHaveLength(2);
    expect(batch.relationships).toEqual([]);
    expect(batch.assignments).toEqual([]);
    expect(batch.groups.map((g) => g.code)).toEqual(['08', '10', '1']);
    expect(batch.libraries.map((l) => l.code).sort()).toEqual(['1030300', '1030310', 'BLINDERN']);
    // 3 XSDs, 2 SOAP fragments, bursar XML and CSV, requested resources, the fee read twice.
    expect(batch.warnings).toHaveLength(9);
  });
});
