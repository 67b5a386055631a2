/** The synthetic library written into a real SQLite database: every record lands, nothing is skipped. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateLibrary, generateLibraryChunks } from '../../src/app/synthetic-library.ts';
import { inWriteTransaction, openDatabase, type Db } from '../../src/db/connection.ts';
import { applyImportBatch } from '../../src/db/import-store.ts';
import type { Database } from '../../src/db/schema.ts';
import type { ImportBatch } from '../../src/domain/import-batch.ts';

const today = '2025-06-01';
const now = '2025-06-01T10:00:00.000Z';
let dir: string;
let db: Db;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'synthetic-library-'));
  db = await openDatabase(path.join(dir, 'library.sqlite'));
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function count(table: keyof Database, where?: [string, number]): Promise<number> {
  let query = db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (where) query = query.where(where[0] as never, '=', where[1] as never);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The row counts `batch` should produce in a fresh database. */
function expectedCounts(batch: ImportBatch) {
  const sum = (f: (u: ImportBatch['users'][number]) => number) => batch.users.reduce((n, u) => n + f(u), 0);
  return {
    user_groups: batch.groups.length,
    libraries: batch.libraries.length,
    users: batch.users.length,
    user_identifiers: sum((u) => u.identifiers?.length ?? 0),
    user_contacts: sum((u) => (u.emails?.length ?? 0) + (u.phones?.length ?? 0) + (u.addresses?.length ?? 0)),
    user_notes: sum((u) => u.notes?.length ?? 0),
    user_stat_categories: sum((u) => u.statisticalCategories?.length ?? 0),
    user_blocks: batch.blocks.length,
    loans: batch.loans.length,
    requests: batch.requests.length,
    fees: batch.fees.length,
    relationships: batch.relationships.length,
    assignments: batch.assignments.length,
    protected: batch.users.filter((u) => u.doNotPurgeReason !== undefined).length,
  };
}

async function actualCounts(): Promise<ReturnType<typeof expectedCounts>> {
  return {
    user_groups: await count('user_groups'),
    libraries: await count('libraries'),
    users: await count('users'),
    user_identifiers: await count('user_identifiers'),
    user_contacts: await count('user_contacts'),
    user_notes: await count('user_notes'),
    user_stat_categories: await count('user_stat_categories'),
    user_blocks: await count('user_blocks'),
    loans: await count('loans'),
    requests: await count('requests'),
    fees: await count('fees'),
    relationships: await count('relationships'),
    assignments: await count('assignments'),
    protected: await count('users', ['do_not_purge', 1]),
  };
}

describe('synthetic library in SQLite', () => {
  it('writes 5,000 users and every related record in one transaction', async () => {
    const started = performance.now();
    const batch = generateLibrary({ users: 5000, seed: 1, today });
    const generated = performance.now();
    const summary = await inWriteTransaction(db, (trx) => applyImportBatch(trx, batch, now));
    const written = performance.now();
    console.info(
      `synthetic library, 5,000 users: generated in ${Math.round(generated - started)} ms, written to SQLite in ${Math.round(written - generated)} ms ` +
        `(${batch.loans.length} loans, ${batch.fees.length} fees, ${batch.requests.length} requests, ${batch.relationships.length} relationships)`,
    );
    expect(summary.warnings).toEqual([]);
    expect(summary.usersCreated).toBe(5000);
    expect(summary.groupsCreated).toBe(6);
    expect(summary.librariesCreated).toBe(4);
    expect(await actualCounts()).toEqual(expectedCounts(batch));
    const held = await db.kysely.selectFrom('users').select('do_not_purge_reason').where('do_not_purge', '=', 1).execute();
    expect(new Set(held.map((r) => r.do_not_purge_reason))).toEqual(new Set(['legal hold']));
  });

  it('writes the chunks, one transaction each, to the same rows as the whole batch', async () => {
    const options = { users: 1000, seed: 5, today };
    for (const chunk of generateLibraryChunks(options, 250)) {
      const summary = await inWriteTransaction(db, (trx) => applyImportBatch(trx, chunk, now));
      expect(summary.warnings).toEqual([]);
    }
    expect(await actualCounts()).toEqual(expectedCounts(generateLibrary(options)));
  });
});
