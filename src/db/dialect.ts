/**
 * Where SQL must differ between SQLite and PostgreSQL, the difference is a named capability decided here,
 * once, from the connection URL: never `if (postgres)` scattered around.
 */
import type { ColumnDefinitionBuilder } from 'kysely';

/** The database engines the product runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** Capabilities of the engine in use. */
export interface DialectCapabilities {
  name: DialectName;
  /** `FOR UPDATE SKIP LOCKED` for claiming rows (PostgreSQL); SQLite serialises writers instead. */
  skipLocked: boolean;
  /** Row locks (`SELECT ... FOR UPDATE`): writers run concurrently and must lock what they decide on. */
  rowLocks: boolean;
  /** A write transaction must start as `BEGIN IMMEDIATE` to take the write lock up front (SQLite). */
  immediateTransactions: boolean;
  /** Largest number of bound parameters in one statement. */
  maxParameters: number;
}

/** What a migration needs to know of the dialect. */
export interface MigrationDialect {
  /** Builds the auto-generated integer primary key column. */
  identityColumn: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

/** True when `url` selects PostgreSQL (SPEC.md section 8). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The capabilities of `name`. */
export function capabilitiesOf(name: DialectName): DialectCapabilities {
  return name === 'postgres'
    ? { name, skipLocked: true, rowLocks: true, immediateTransactions: false, maxParameters: 30_000 }
    : { name, skipLocked: false, rowLocks: false, immediateTransactions: true, maxParameters: 30_000 };
}

/** The migration helpers of `name`. */
export function migrationDialectOf(name: DialectName): MigrationDialect {
  return {
    identityColumn:
      name === 'postgres'
        ? (c) => c.primaryKey().generatedByDefaultAsIdentity()
        : // AUTOINCREMENT: an id is never reused, so a removed user's id never comes back as another user.
          (c) => c.primaryKey().autoIncrement(),
  };
}
