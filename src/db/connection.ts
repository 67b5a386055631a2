/** Opens the database chosen by URL (SPEC.md section 8), migrated and ready. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { capabilitiesOf, isPostgresUrl, type DialectCapabilities } from './dialect.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

// int8 and numeric (counts and sums) come back from pg as strings; every such value here is an integer
// count or an amount in minor units well inside Number's safe range.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** An open database. */
export interface Db {
  kysely: Kysely<Database>;
  capabilities: DialectCapabilities;
  /** A redacted description for messages (no password). */
  description: string;
  close(): Promise<void>;
}

/** Options for opening a database. */
export interface OpenOptions {
  /** SQLite page cache in KiB (PERFORMANCE.md rule 6: keep it modest). */
  sqliteCacheKiB?: number;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Opens and migrates the database at `url` (a PostgreSQL URL or an SQLite file path). */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Db> {
  const postgres = isPostgresUrl(url);
  let kysely: Kysely<Database>;
  if (postgres) {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 5 });
    // An idle client's error (server restarted) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
    const sqlite = new SQLite(url);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is safe in WAL mode against a killed process; only a power loss can lose the last commits.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 30000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`cache_size = -${options.sqliteCacheKiB ?? 32_768}`);
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const capabilities = capabilitiesOf(postgres ? 'postgres' : 'sqlite');
  try {
    await migrateToLatest(kysely, capabilities.name);
  } catch (error) {
    await kysely.destroy();
    throw error;
  }
  return { kysely, capabilities, description: postgres ? redact(url) : url, close: () => kysely.destroy() };
}

/**
 * Runs `work` in one write transaction. On SQLite the write lock is taken up front (BEGIN IMMEDIATE), so
 * two processes never deadlock upgrading read locks; the busy timeout makes the second one wait.
 */
export async function inWriteTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (!db.capabilities.immediateTransactions) return db.kysely.transaction().execute(work);
  return db.kysely.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      // Kysely's Transaction type is what the stores take; on a single connection a plain executor works.
      const result = await work(conn as unknown as Transaction<Database>);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
