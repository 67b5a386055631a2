/** Look-ups of reference data and of users by primary id (case-insensitive keys). */
import type { Kysely } from 'kysely';
import { toKey } from '../domain/user.ts';
import type { Database } from './schema.ts';

/** The configured spelling of a group code, or undefined when no such group exists. */
export async function findGroupCode(db: Kysely<Database>, code: string): Promise<string | undefined> {
  const row = await db.selectFrom('user_groups').select('code').where('code_key', '=', toKey(code)).executeTakeFirst();
  return row?.code;
}

/** The configured spelling of a library code, or undefined when no such library exists. */
export async function findLibraryCode(db: Kysely<Database>, code: string): Promise<string | undefined> {
  const row = await db.selectFrom('libraries').select('code').where('code_key', '=', toKey(code)).executeTakeFirst();
  return row?.code;
}

/** A user that is not a tombstone, by primary id. */
export async function findLiveUser(db: Kysely<Database>, primaryId: string): Promise<{ id: number; primaryId: string } | undefined> {
  const row = await db.selectFrom('users').select(['id', 'primary_id']).where('primary_id_key', '=', toKey(primaryId)).executeTakeFirst();
  return row ? { id: row.id, primaryId: row.primary_id } : undefined;
}
