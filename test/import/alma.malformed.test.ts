/**
 * A malformed Alma input refuses the whole import with IMPORT_MALFORMED, naming file, record and field
 * (SPEC.md section 8).
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
  dir = await mkdtemp(path.join(tmpdir(), 'alma-malformed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content, 'utf8');
  return file;
}

async function expectRefused(paths: string[], expected: { file: string; record: string; field: string }): Promise<void> {
  const error = await readAlma(paths, USD).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('IMPORT_MALFORMED');
  const message = (error as AppError).message;
  expect(message).toContain(expected.file);
  expect(message).toContain(`record ${expected.record}`);
  expect(message).toContain(`field ${expected.field}`);
}

describe('malformed Alma input', () => {
  it('refuses broken XML, naming the file, the line and the XML', async () => {
    const file = await write('broken.xml', '<user>\n  <primary_id>x</user>\n');
    await expectRefused([file], { file, record: 'line 2', field: 'XML' });
  });

  it('refuses broken JSON, naming the file, the line and the JSON', async () => {
    const file = await write('broken.json', '{\n  "primary_id": "x",\n  "user_group": ');
    await expectRefused([file], { file, record: 'line 3', field: 'JSON' });
  });

  it('refuses broken JSON without quoting the input, which may hold personal data', async () => {
    const file = await write('broken-quoted.json', '{"first_name": "Secretname", "x": }');
    const error = await readAlma([file], USD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('IMPORT_MALFORMED');
    expect((error as AppError).message).toContain(file);
    expect((error as AppError).message).toContain('field JSON');
    expect((error as AppError).message).not.toContain('Secretname');
  });

  it('refuses a JSON user without primary_id', async () => {
    const file = await write('no-id.json', JSON.stringify({ first_name: 'A', user_group: { value: 'UG' }, record_type: { value: 'PUBLIC' } }));
    await expectRefused([file], { file, record: '1', field: 'primary_id' });
  });

  it('refuses a user list whose second user has no primary_id, naming its index', async () => {
    const file = await write('list-no-id.json', JSON.stringify({ total_record_count: 2, user: [{ primary_id: 'a' }, { first_name: 'B' }] }));
    await expectRefused([file], { file, record: '2', field: 'primary_id' });
  });

  it('refuses an XML user with a purge_date that is not a date', async () => {
    const file = await write('bad-purge.xml', '<user><primary_id>p1</primary_id><purge_date>2025-13-01Z</purge_date></user>');
    await expectRefused([file], { file, record: 'p1', field: 'purge_date' });
  });

  it('refuses a JSON user with a bad birth_date without repeating the date (personal data)', async () => {
    const file = await write('bad-birth.json', JSON.stringify({ primary_id: 'jdoe', last_name: 'Doe', birth_date: '1987-02-30' }));
    const error = await readAlma([file], USD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const { message } = error as AppError;
    expect(message).toBe(`${file}: record jdoe: field birth_date: is not a date (value not shown: personal data); nothing was imported`);
    expect(message).not.toContain('1987-02-30');
  });

  it('refuses a SOAP-era user with a bad birthDate without repeating the date', async () => {
    const file = await write(
      'bad-birth-soap.xml',
      '<userRecord xmlns="http://com/exlibris/urm/user_record/xmlbeans"><userDetails><userName>u7</userName><birthDate>19870230</birthDate></userDetails></userRecord>',
    );
    const error = await readAlma([file], USD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const { message } = error as AppError;
    expect(message).toContain(`${file}: record u7: field userDetails.birthDate: is not a date (value not shown: personal data)`);
    expect(message).not.toContain('19870230');
  });

  it('keeps showing a non-personal date, which helps find it', async () => {
    const file = await write('bad-expiry.json', JSON.stringify({ primary_id: 'e1', expiry_date: '2025-02-30' }));
    const error = await readAlma([file], USD).catch((e: unknown) => e);
    expect((error as AppError).message).toContain('record e1: field expiry_date: "2025-02-30" is not a date');
  });

  it('refuses long broken JSON without quoting any of it', async () => {
    const file = await write('long-broken.json', `{"primary_id": "x", "first_name": Johnathan Secretname the third, "note": "${'x'.repeat(40)}"}`);
    const error = await readAlma([file], USD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const { message } = error as AppError;
    expect(message).toContain('field JSON: not valid JSON (unexpected token)');
    expect(message).not.toMatch(/Johnathan|Secretname|'J'/);
  });

  it('refuses broken XML without quoting stray text as a tag name', async () => {
    const file = await write('stray.xml', '<user><primary_id>x</primary_id><user_note><note_text>a <3Secretname</note_text></user_note></user>');
    const error = await readAlma([file], USD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const { message } = error as AppError;
    expect(message).toContain('field XML: not well-formed XML (');
    expect(message).not.toContain('Secretname');
  });

  it('refuses an unknown user status', async () => {
    const file = await write('bad-status.json', JSON.stringify({ primary_id: 's1', status: { value: 'SUSPENDED' } }));
    await expectRefused([file], { file, record: 's1', field: 'status' });
  });

  it('refuses a primary id seen twice in one input, compared case-insensitively', async () => {
    const first = await write('dup-a.json', JSON.stringify({ primary_id: 'Twice' }));
    const second = await write('dup-b.xml', '<user><primary_id>twice</primary_id></user>');
    await expectRefused([first, second], { file: second, record: 'twice', field: 'primary_id' });
  });

  it('refuses a fee amount with more fraction digits than the currency has', async () => {
    const file = await write(
      'bad-amount.json',
      JSON.stringify({ fee: [{ id: 'F1', type: { value: 'OTHER' }, status: { value: 'ACTIVE' }, balance: '1.234', original_amount: 2, link: 'https://x/almaws/v1/users/u1/fees/F1' }] }),
    );
    await expectRefused([file], { file, record: 'F1', field: 'balance' });
  });

  it('refuses a fee whose user cannot be told', async () => {
    const file = await write('orphan-fee.json', JSON.stringify({ fee: [{ id: 'F2', type: { value: 'OTHER' }, status: { value: 'ACTIVE' }, balance: 1, original_amount: 1 }] }));
    await expectRefused([file], { file, record: 'F2', field: 'link' });
  });

  it('refuses an unknown request status and an unknown loan status', async () => {
    const requests = await write('bad-request.json', JSON.stringify({ user_request: [{ request_id: 'R1', user_primary_id: 'u1', request_status: 'WAITING' }] }));
    await expectRefused([requests], { file: requests, record: 'R1', field: 'request_status' });
    const loans = await write('bad-loan.json', JSON.stringify({ item_loan: [{ loan_id: 'L1', user_id: 'u1', loan_status: 'PAUSED' }] }));
    await expectRefused([loans], { file: loans, record: 'L1', field: 'loan_status' });
  });
});
