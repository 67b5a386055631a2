/**
 * The import's warnings about purge dates, one line each with at most five example primary ids (never
 * names or emails), through real FOLIO and CSV files and a real database:
 * - users renewed by a re-import that carries no purge date now expire after the purge date they keep,
 *   so they would be purged on the old date;
 * - users left without a purge date cannot be purged at all.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/imports.ts';
import { openTestApp, testDatabases, type TestApp } from '../helpers/test-app.ts';

const NOW = '2026-03-01T12:00:00Z';

/** Seven FOLIO users u1..u7 with personal data that must never reach a warning. */
function folioUsers(expiry: (n: number) => string | undefined): unknown {
  const users = [1, 2, 3, 4, 5, 6, 7].map((n) => ({
    id: `uuid-${n}`,
    username: `u${n}`,
    active: true,
    ...(expiry(n) === undefined ? {} : { expirationDate: expiry(n) }),
    personal: { lastName: `Secretname${n}`, email: `person${n}@example.org` },
  }));
  // Loans and accounts are there (empty): only the purge-date warnings remain.
  return { users, loans: [], accounts: [], totalRecords: users.length };
}

describe.each(testDatabases())('on %s', (database) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function importFolio(a: TestApp, content: unknown, purgeDaysAfterExpiry: number | null) {
    const dir = await mkdtemp(path.join(tmpdir(), 'folio-purge-dates-'));
    await writeFile(path.join(dir, 'export.json'), JSON.stringify(content));
    return importFiles(a, 'folio', [dir], { purgeDaysAfterExpiry, actor: 'test' });
  }

  async function purgeDates(a: TestApp) {
    const rows = await a.db.kysely.selectFrom('users').select(['primary_id', 'purge_date']).orderBy('primary_id').execute();
    return Object.fromEntries(rows.map((r) => [r.primary_id, r.purge_date]));
  }

  it('warns about renewed users who keep an earlier purge date, and leaves their purge dates unchanged', async () => {
    const a = (app = await openTestApp(NOW, {}, database));
    const first = await importFolio(a, folioUsers(() => '2025-01-01'), 30);
    expect(first.warnings).toEqual([]);
    const before = await purgeDates(a);
    expect(before.u1).toBe('2025-01-31');

    // u1..u6 renewed to 2027; u7 unchanged. The re-import carries no purge date.
    const renewed = await importFolio(a, folioUsers((n) => (n === 7 ? '2025-01-01' : '2027-01-01')), null);
    expect(renewed.warnings).toEqual([
      '6 users now expire after their purge date (e.g. u1, u2, u3, u4, u5): their purge dates are unchanged; set them again with --purge-days-after-expiry or Update/Notify',
    ]);
    expect(renewed.warnings.join('\n')).not.toMatch(/Secretname|@example\.org/);
    expect(await purgeDates(a)).toEqual(before);

    // Set again from the new expiry dates: no warning.
    const reset = await importFolio(a, folioUsers((n) => (n === 7 ? '2025-01-01' : '2027-01-01')), 30);
    expect(reset.warnings).toEqual([]);
    expect((await purgeDates(a)).u1).toBe('2027-01-31');
  });

  it('names a single renewed user with its own wording', async () => {
    const a = (app = await openTestApp(NOW, {}, database));
    await importFolio(a, folioUsers(() => '2025-01-01'), 30);
    const one = await importFolio(a, folioUsers((n) => (n === 3 ? '2027-01-01' : '2025-01-01')), null);
    expect(one.warnings).toEqual([
      '1 user now expires after its purge date (u3): its purge date is unchanged; set it again with --purge-days-after-expiry or Update/Notify',
    ]);
  });

  it('warns about users without a purge date, new or updated, counting each once', async () => {
    const a = (app = await openTestApp(NOW, {}, database));
    // u2, u4 and u6 have no expiry date, so the option gives them no purge date.
    const first = await importFolio(a, folioUsers((n) => (n % 2 === 0 ? undefined : '2025-01-01')), 30);
    expect(first.warnings).toEqual([
      '3 users have no purge date (u2, u4, u6) and cannot be purged: import with --purge-days-after-expiry N, or set purge dates later',
    ]);

    const dir = await mkdtemp(path.join(tmpdir(), 'csv-purge-dates-'));
    await writeFile(path.join(dir, 'users.csv'), 'primary_id,purge_date\nu2,2026-06-01\nu8,\n');
    const csv = await importFiles(a, 'csv', [dir], { purgeDaysAfterExpiry: null, actor: 'test' });
    expect(csv.warnings).toEqual(['1 user has no purge date (u8) and cannot be purged: import with --purge-days-after-expiry N, or set its purge date later']);

    // A re-import without expiry dates: the others keep the purge dates set earlier.
    const again = await importFolio(a, folioUsers(() => undefined), null);
    expect(again.warnings).toEqual(['2 users have no purge date (u4, u6) and cannot be purged: import with --purge-days-after-expiry N, or set purge dates later']);
  });
});
