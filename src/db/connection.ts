/** Opens the database chosen by URL (SPEC.md section 8), migrated and ready. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { AppError } from '../domain/errors.ts';
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

/**
 * Opens the SQLite file at `path`, creating it (and its folder) when missing. A path that cannot be a
 * database (a directory, a file under a file, a file that is not SQLite, no permission) is bad input,
 * not an unexpected failure: it throws VALIDATION_FAILED naming the path and the reason.
 */
function openSqlite(path: string, cacheKiB: number): SQLite.Database {
  const refuse = (reason: string, cause: unknown) => new AppError('VALIDATION_FAILED', `cannot open the SQLite database "${path}": ${reason}`, { cause });
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // mkdir says EEXIST or ENOTDIR when a part of the folder path is a file: say that.
    throw refuse(code === 'EEXIST' || code === 'ENOTDIR' ? `its folder "${dirname(path)}" cannot be created: a part of that path is a file` : errorText(error), error);
  }
  let sqlite: SQLite.Database | undefined;
  try {
    sqlite = new SQLite(path);
    // The first pragma reads the file header: a file that is not a database fails here, not later.
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is safe in WAL mode against a killed process; only a power loss can lose the last commits.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 30000');
    sqlite.pragma('foreign_keys = ON');
    // Deleted content is overwritten with zeros: a purged person's data must not stay readable in free
    // pages of the file (SPEC.md 6, case C13).
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma(`cache_size = -${cacheKiB}`);
    return sqlite;
  } catch (error) {
    sqlite?.close();
    throw refuse(isDirectory(path) ? 'it is a directory, not a file' : errorText(error), error);
  }
}

/** True when `path` is a directory (SQLite only says "unable to open database file"). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens a pool on the PostgreSQL server of `url` and checks that it answers, so that a server that
 * cannot be reached is reported as such (host and port, never the password) rather than as a failed
 * migration.
 */
async function openPostgres(url: string, poolSize: number): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's error (server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    // The client resolves host and port as the driver does (URL, then PGHOST/PGPORT, then defaults).
    const target = new pg.Client({ connectionString: url });
    const reason = errorText(error);
    const password = typeof target.password === 'string' && target.password !== '' ? target.password : null;
    const safeReason = password ? reason.split(password).join('***') : reason;
    throw new AppError('INTERNAL', `could not connect to the PostgreSQL server at ${target.host}:${target.port}: ${safeReason}`, { cause: error });
  }
}

/** Opens and migrates the database at `url` (a PostgreSQL URL or an SQLite file path). */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Db> {
  const postgres = isPostgresUrl(url);
  const kysely = postgres
    ? new Kysely<Database>({ dialect: new PostgresDialect({ pool: await openPostgres(url, options.poolSize ?? 5) }) })
    : new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(url, options.sqliteCacheKiB ?? 32_768) }) });
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

/** Runs `work` inside a savepoint of the caller's transaction: its changes are undone if it throws, and the transaction goes on. */
export async function inSavepoint<T>(
  trx: Kysely<Database>,
  name: string,
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  await sql`savepoint ${sql.raw(name)}`.execute(trx);
  try {
    const value = await work();
    await sql`release savepoint ${sql.raw(name)}`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to savepoint ${sql.raw(name)}`.execute(trx);
    await sql`release savepoint ${sql.raw(name)}`.execute(trx);
    return { ok: false, error };
  }
}

/**
 * After a job that deleted personal data: on SQLite, copy the write-ahead log into the database and
 * truncate it, so that no earlier page images with the deleted data stay in the -wal file. PostgreSQL
 * reclaims dead rows by (auto)vacuum.
 */
export async function flushDeletedData(db: Db): Promise<void> {
  if (db.capabilities.name !== 'sqlite') return;
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db.kysely);
}
