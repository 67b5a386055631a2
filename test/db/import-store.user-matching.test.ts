/**
 * Which existing user a re-import updates (SPEC.md section 8), through real FOLIO and CSV files and a real
 * database: first the user imported earlier from the same source under the source's own key (a FOLIO
 * uuid), then the user with the same primary id. A FOLIO user whose username changed stays one user with
 * its loans; a tombstone is never matched.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/imports.ts';
import { AppError } from '../../src/domain/errors.ts';
import { openTestApp, runPurge, testDatabases, type TestApp } from '../helpers/test-app.ts';

const NOW = '2026-03-01T12:00:00Z';

describe.each(testDatabases())('on %s', (database) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function open(settings: Record<string, string> = {}): Promise<TestApp> {
    app = await openTestApp(NOW, settings, database);
    return app;
  }

  /** Writes FOLIO users (and loans) to a fresh folder and imports it; returns the summary. */
  async function importFolio(a: TestApp, users: Array<{ id: string; username: string; expirationDate?: string }>, loans: Array<{ id: string; userId: string }> = []) {
    const dir = await mkdtemp(path.join(tmpdir(), 'folio-match-'));
    await writeFile(path.join(dir, 'users.json'), JSON.stringify({ users: users.map((u) => ({ active: true, ...u })), totalRecords: users.length }));
    const loanRecords = loans.map((l) => ({ ...l, itemId: `item-${l.id}`, loanDate: '2026-01-10', status: { name: 'Open' } }));
    await writeFile(path.join(dir, 'loans.json'), JSON.stringify({ loans: loanRecords, totalRecords: loans.length }));
    return importFiles(a, 'folio', [dir], { purgeDaysAfterExpiry: null, actor: 'test' });
  }

  async function importCsv(a: TestApp, text: string) {
    const dir = await mkdtemp(path.join(tmpdir(), 'csv-match-'));
    await writeFile(path.join(dir, 'users.csv'), text);
    return importFiles(a, 'csv', [dir], { purgeDaysAfterExpiry: null, actor: 'test' });
  }

  async function users(a: TestApp) {
    return a.db.kysely.selectFrom('users').select(['id', 'primary_id', 'primary_id_key', 'status', 'source', 'source_key', 'purge_date']).orderBy('id').execute();
  }

  async function loanOwners(a: TestApp) {
    const rows = await a.db.kysely.selectFrom('loans').innerJoin('users', 'users.id', 'loans.user_id').select(['loans.external_id', 'users.primary_id']).orderBy('loans.external_id').execute();
    return rows.map((r) => [r.external_id, r.primary_id]);
  }

  async function refusal(run: Promise<unknown>): Promise<string> {
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('IMPORT_MALFORMED');
    return (error as AppError).message;
  }

  it('updates a FOLIO user whose username changed (same uuid) instead of creating a second user', async () => {
    const a = await open();
    await importFolio(a, [{ id: 'uuid-1', username: 'alice' }, { id: 'uuid-2', username: 'bob' }], [{ id: 'loan-1', userId: 'uuid-1' }]);
    const [alice] = await users(a);

    const summary = await importFolio(a, [{ id: 'uuid-1', username: 'Alice.Smith' }, { id: 'uuid-2', username: 'bob' }], [{ id: 'loan-1', userId: 'uuid-1' }]);
    expect(summary).toMatchObject({ usersCreated: 0, usersUpdated: 2, loans: 1 });
    expect(await users(a)).toMatchObject([
      { id: alice?.id, primary_id: 'Alice.Smith', primary_id_key: 'alice.smith', status: 'ACTIVE', source: 'folio', source_key: 'uuid-1' },
      { primary_id: 'bob', source_key: 'uuid-2' },
    ]);
    expect(await loanOwners(a)).toEqual([['loan-1', 'Alice.Smith']]);
  });

  it('lets users trade usernames in one import (a rotation of three)', async () => {
    const a = await open();
    await importFolio(a, [
      { id: 'uuid-1', username: 'alice' },
      { id: 'uuid-2', username: 'bob' },
      { id: 'uuid-3', username: 'carol' },
    ]);
    const before = await users(a);
    // Each takes a username another one gives up in the same import.
    const summary = await importFolio(a, [
      { id: 'uuid-1', username: 'bob' },
      { id: 'uuid-2', username: 'carol' },
      { id: 'uuid-3', username: 'alice' },
    ]);
    expect(summary).toMatchObject({ usersCreated: 0, usersUpdated: 3 });
    expect((await users(a)).map((u) => [u.id, u.primary_id, u.source_key])).toEqual([
      [before[0]?.id, 'bob', 'uuid-1'],
      [before[1]?.id, 'carol', 'uuid-2'],
      [before[2]?.id, 'alice', 'uuid-3'],
    ]);
  });

  it('refuses a rename to a primary id another live user keeps, naming the record; nothing is written', async () => {
    const a = await open();
    await importFolio(a, [{ id: 'uuid-1', username: 'alice' }]);
    await importCsv(a, 'primary_id,last_name\nbob,Builder\n');
    const before = await users(a);

    const message = await refusal(importFolio(a, [{ id: 'uuid-1', username: 'BOB', expirationDate: '2030-01-01' }]));
    expect(message).toMatch(/users\.json: record users\[0\] uuid-1: field primary id: "BOB" belongs to another user already; this user was imported from folio as uuid-1 with primary id "alice"; nothing was imported$/);
    expect(await users(a)).toEqual(before);
  });

  it('matches by primary id a user that the source key does not find (created by hand or by another source)', async () => {
    const a = await open();
    await importCsv(a, 'primary_id,purge_date\nalice,2027-01-01\n');
    const [csvAlice] = await users(a);
    const summary = await importFolio(a, [{ id: 'uuid-1', username: 'alice' }]);
    expect(summary).toMatchObject({ usersCreated: 0, usersUpdated: 1 });
    expect(await users(a)).toMatchObject([{ id: csvAlice?.id, primary_id: 'alice', source: 'folio', source_key: 'uuid-1', purge_date: '2027-01-01' }]);
  });

  it('keeps the FOLIO source key when our CSV sets a purge date, so a later rename still finds the user', async () => {
    const a = await open();
    await importFolio(a, [{ id: 'uuid-1', username: 'alice' }], [{ id: 'loan-1', userId: 'uuid-1' }]);
    await importCsv(a, 'primary_id,purge_date\nalice,2027-01-01\n');
    expect(await users(a)).toMatchObject([{ primary_id: 'alice', source: 'folio', source_key: 'uuid-1', purge_date: '2027-01-01' }]);

    const summary = await importFolio(a, [{ id: 'uuid-1', username: 'alice2' }], [{ id: 'loan-1', userId: 'uuid-1' }]);
    expect(summary).toMatchObject({ usersCreated: 0, usersUpdated: 1 });
    expect(await users(a)).toMatchObject([{ primary_id: 'alice2', source_key: 'uuid-1', purge_date: '2027-01-01' }]);
    expect(await loanOwners(a)).toEqual([['loan-1', 'alice2']]);
  });

  for (const policy of ['KEEP_STATISTICS', 'KEEP_FULLY_REPORTABLE']) {
    it(`never matches a tombstone, by source key or primary id (${policy})`, async () => {
      const a = await open({ delete_policy: policy });
      await importFolio(a, [{ id: 'uuid-1', username: 'alice' }]);
      await importCsv(a, 'primary_id,purge_date\nalice,2026-01-01\n');
      const { view } = await runPurge(a, { daysAfterPurgeDate: 0 });
      expect(view.counters.purged).toBe(1);
      const [tombstone] = await users(a);
      expect(tombstone?.status).toBe('DELETED');

      const summary = await importFolio(a, [{ id: 'uuid-1', username: 'alice' }]);
      expect(summary).toMatchObject({ usersCreated: 1, usersUpdated: 0 });
      const after = await users(a);
      expect(after).toHaveLength(2);
      expect(after[0]).toMatchObject({ id: tombstone?.id, status: 'DELETED', primary_id_key: null });
      expect(after[1]).toMatchObject({ primary_id: 'alice', status: 'ACTIVE', source_key: 'uuid-1' });
    });
  }

  it('updates, of two live users left with one FOLIO uuid by earlier imports, the one with the primary id, with a warning', async () => {
    const a = await open();
    await importFolio(a, [{ id: 'uuid-1', username: 'alice' }]);
    await importCsv(a, 'primary_id\nalice2\n');
    // As the earlier matching by primary id alone left them: two live users with the same source key.
    await a.db.kysely.updateTable('users').set({ source: 'folio', source_key: 'uuid-1' }).where('primary_id', '=', 'alice2').execute();

    const summary = await importFolio(a, [{ id: 'uuid-1', username: 'alice2' }]);
    expect(summary).toMatchObject({ usersCreated: 0, usersUpdated: 1 });
    expect(summary.warnings).toContainEqual(expect.stringMatching(/record users\[0\] uuid-1: 2 users were imported from folio as uuid-1 \(alice, alice2\): alice2 was updated; merge or delete the others$/));
    expect((await users(a)).map((u) => u.primary_id)).toEqual(['alice', 'alice2']);
  });
});
