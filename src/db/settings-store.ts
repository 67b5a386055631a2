/** Reading and writing institution settings. */
import type { Kysely } from 'kysely';
import { toSettings, type SettingKey, type Settings } from '../domain/settings.ts';
import type { Database } from './schema.ts';

/** The stored setting texts (only keys that were set). */
export async function readStoredSettings(db: Kysely<Database>): Promise<Partial<Record<SettingKey, string>>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value])) as Partial<Record<SettingKey, string>>;
}

/** The effective settings. */
export async function readSettings(db: Kysely<Database>): Promise<Settings> {
  return toSettings(await readStoredSettings(db));
}

/** Stores one already-validated setting value. */
export async function writeSetting(db: Kysely<Database>, key: SettingKey, value: string, at: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}

/**
 * Whether the database already holds amounts in minor units of the current currency: any fee line
 * (balances, original amounts) or any job (waive thresholds, report amounts). Changing the currency
 * would silently rescale all of them.
 */
export async function findStoredAmounts(db: Kysely<Database>): Promise<{ fees: boolean; jobs: boolean }> {
  const fee = await db.selectFrom('fees').select('id').limit(1).executeTakeFirst();
  const job = await db.selectFrom('jobs').select('id').limit(1).executeTakeFirst();
  return { fees: fee !== undefined, jobs: job !== undefined };
}
