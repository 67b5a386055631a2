/** Reading one user and everything linked to it. */
import type { Kysely } from 'kysely';
import { toKey } from '../domain/user.ts';
import type { Database } from './schema.ts';

/** A user by primary id (case-insensitive); a tombstone that kept its primary id is found too. */
export async function findUserRow(db: Kysely<Database>, primaryId: string) {
  const live = await db.selectFrom('users').selectAll().where('primary_id_key', '=', toKey(primaryId)).executeTakeFirst();
  if (live) return live;
  return db.selectFrom('users').selectAll().where('status', '=', 'DELETED').where('primary_id', '=', primaryId).orderBy('id', 'desc').executeTakeFirst();
}

/** The related records of one user. */
export async function readUserRecords(db: Kysely<Database>, userId: number) {
  const [identifiers, contacts, loans, requests, fees, relationships, blocks, notes, categories] = await Promise.all([
    db.selectFrom('user_identifiers').select(['id_type', 'value', 'status']).where('user_id', '=', userId).orderBy('id').execute(),
    db.selectFrom('user_contacts').select(['kind', 'value']).where('user_id', '=', userId).orderBy('id').execute(),
    db.selectFrom('loans').select(['item_barcode', 'library', 'loan_date', 'due_date', 'return_date', 'status']).where('user_id', '=', userId).orderBy('id').execute(),
    db.selectFrom('requests').select(['request_type', 'request_date', 'status']).where('user_id', '=', userId).orderBy('id').execute(),
    db
      .selectFrom('fees')
      .select(['fee_type', 'status', 'close_reason', 'closed_date', 'created_date', 'original_amount', 'balance', 'waived_amount'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('relationships')
      .innerJoin('users as a', 'a.id', 'relationships.from_user_id')
      .innerJoin('users as b', 'b.id', 'relationships.to_user_id')
      .select(['relationships.kind', 'a.primary_id as from', 'b.primary_id as to', 'relationships.end_date'])
      .where((eb) => eb.or([eb('relationships.from_user_id', '=', userId), eb('relationships.to_user_id', '=', userId)]))
      .execute(),
    db.selectFrom('user_blocks').select(['block_type', 'description', 'expiry_date']).where('user_id', '=', userId).orderBy('id').execute(),
    db.selectFrom('user_notes').select(['note', 'created_at']).where('user_id', '=', userId).orderBy('id').execute(),
    db.selectFrom('user_stat_categories').select('category').where('user_id', '=', userId).orderBy('id').execute(),
  ]);
  return { identifiers, contacts, loans, requests, fees, relationships, blocks, notes, categories };
}
