/** The service refuses a database whose schema is newer than it knows (STYLE.md), on both engines. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.ts';
import { AppError } from '../../src/domain/errors.ts';
import { freshDatabaseUrl, testDatabases } from '../helpers/test-app.ts';

describe.each(testDatabases())('on %s', (database) => {
  it('migrates a new database, reopens it unchanged, and refuses one migrated by a newer version', async () => {
    const url = await freshDatabaseUrl(database);
    const first = await openDatabase(url);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(first.kysely);
    expect(applied.rows.map((r) => r.name)).toEqual(['001-initial']);
    await sql`insert into kysely_migration (name, timestamp) values ('999-from-the-future', ${new Date().toISOString()})`.execute(first.kysely);
    await first.close();

    const error = await openDatabase(url).then(
      async (db) => {
        await db.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SCHEMA_TOO_NEW');
    expect((error as AppError).message).toContain('999-from-the-future');
  });
});
