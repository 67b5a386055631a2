/** Runs the numbered migrations, registered in a static list (no file globbing). */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { AppError } from '../domain/errors.ts';
import { migrationDialectOf, type DialectName } from './dialect.ts';
import * as m001 from './migrations/001-initial.ts';

type DialectMigration = { up(db: Kysely<any>, dialect: ReturnType<typeof migrationDialectOf>): Promise<void> };

const MIGRATIONS: Record<string, DialectMigration> = {
  '001-initial': m001,
};

function providerFor(name: DialectName): MigrationProvider {
  const dialect = migrationDialectOf(name);
  return {
    async getMigrations() {
      const result: Record<string, Migration> = {};
      for (const [key, migration] of Object.entries(MIGRATIONS)) result[key] = { up: (db) => migration.up(db, dialect) };
      return result;
    },
  };
}

/**
 * Brings the schema up to date. Refuses a database whose schema is newer than this program knows
 * (a migration recorded there that is not in our list).
 */
export async function migrateToLatest(db: Kysely<any>, name: DialectName): Promise<void> {
  const known = new Set(Object.keys(MIGRATIONS));
  // On PostgreSQL the schema is the connection's current one (search_path), so several installations
  // can share a database; the migration bookkeeping lives beside the tables it describes.
  const schema =
    name === 'postgres' ? ((await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ?? 'public') : undefined;
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (tables.some((t) => t.name === 'kysely_migration' && (schema === undefined || t.schema === schema))) {
    const applied = await db.withSchema(schema ?? 'main').selectFrom('kysely_migration').select('name').execute();
    const unknown = applied.map((r) => r.name as string).filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new AppError('SCHEMA_TOO_NEW', `the database schema is newer than this program (unknown migrations: ${unknown.join(', ')}); upgrade patron-purge`);
    }
  }
  const migrator = new Migrator({ db, provider: providerFor(name), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new Error('database migration failed', { cause: error });
}
