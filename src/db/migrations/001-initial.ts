/** The initial schema. Forward-only: never edit once merged; add a new numbered migration instead. */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';

const ACTIVE_LOANS = sql<boolean>`status in ('ON_LOAN', 'LOST', 'CLAIMED_RETURNED', 'IN_TRANSIT_HOME')`;
const ACTIVE_REQUESTS = sql<boolean>`status in ('PLACED', 'IN_TRANSIT', 'ON_HOLD_SHELF')`;

/** Creates every table of schema.ts. */
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const id = dialect.identityColumn;

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_groups')
    .addColumn('id', 'integer', id)
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('code_key', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text')
    .execute();

  await db.schema
    .createTable('libraries')
    .addColumn('id', 'integer', id)
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('code_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', id)
    .addColumn('primary_id', 'text', (c) => c.notNull())
    .addColumn('primary_id_key', 'text', (c) => c.unique())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('user_group', 'text')
    .addColumn('user_group_key', 'text')
    .addColumn('account_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('middle_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('last_name_key', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('expiry_date', 'text')
    .addColumn('purge_date', 'text')
    .addColumn('home_library', 'text')
    .addColumn('home_library_key', 'text')
    .addColumn('last_activity_date', 'text')
    .addColumn('do_not_purge', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('do_not_purge_reason', 'text')
    .addColumn('source', 'text')
    .addColumn('source_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The tombstone keeps purge_date, so this index is never churned by a purge (PERFORMANCE.md rule 2).
  await db.schema.createIndex('users_purge_date').on('users').column('purge_date').execute();
  await db.schema.createIndex('users_source_key').on('users').columns(['source', 'source_key']).execute();

  const userChild = (name: string) =>
    db.schema.createTable(name).addColumn('id', 'integer', id).addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'));

  await userChild('user_identifiers')
    .addColumn('id_type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_identifiers_user').on('user_identifiers').column('user_id').execute();
  await db.schema.createIndex('user_identifiers_value').on('user_identifiers').column('value_key').execute();

  await userChild('user_contacts')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_key', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_contacts_user').on('user_contacts').column('user_id').execute();
  await db.schema.createIndex('user_contacts_value').on('user_contacts').column('value_key').execute();

  await userChild('user_notes')
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_notes_user').on('user_notes').column('user_id').execute();

  await userChild('user_stat_categories').addColumn('category', 'text', (c) => c.notNull()).execute();
  await db.schema.createIndex('user_stat_categories_user').on('user_stat_categories').column('user_id').execute();

  await userChild('user_blocks')
    .addColumn('source', 'text')
    .addColumn('external_id', 'text')
    .addColumn('block_type', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('expiry_date', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_blocks_user').on('user_blocks').column('user_id').execute();
  await db.schema.createIndex('user_blocks_external').on('user_blocks').columns(['source', 'external_id']).execute();

  // History tables: the user link is nullable (FULLY_REMOVE unlinks) and survives the user row.
  const history = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'integer', id)
      .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('source', 'text')
      .addColumn('external_id', 'text');

  await history('loans')
    .addColumn('item_barcode', 'text')
    .addColumn('library', 'text')
    .addColumn('loan_date', 'text')
    .addColumn('due_date', 'text')
    .addColumn('return_date', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_group', 'text')
    .execute();
  await history('requests')
    .addColumn('request_type', 'text')
    .addColumn('request_date', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_group', 'text')
    .execute();
  await history('fees')
    .addColumn('fee_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('close_reason', 'text')
    .addColumn('closed_date', 'text')
    .addColumn('created_date', 'text')
    .addColumn('original_amount', 'bigint', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull())
    .addColumn('waived_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('user_group', 'text')
    .execute();
  for (const table of ['loans', 'requests', 'fees']) {
    await db.schema.createIndex(`${table}_user`).on(table).column('user_id').execute();
    await db.schema.createIndex(`${table}_external`).on(table).columns(['source', 'external_id']).execute();
  }
  // Partial indexes on the active rows serve the criteria as index-only scans (PERFORMANCE.md rule 3).
  await db.schema.createIndex('loans_active_user').on('loans').column('user_id').where(ACTIVE_LOANS).execute();
  await db.schema.createIndex('requests_active_user').on('requests').column('user_id').where(ACTIVE_REQUESTS).execute();
  await db.schema.createIndex('fees_active_user').on('fees').columns(['user_id', 'balance']).where(sql<boolean>`status = 'ACTIVE'`).execute();

  await db.schema
    .createTable('relationships')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('to_user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('end_date', 'text')
    .addColumn('source', 'text')
    .addColumn('external_id', 'text')
    .execute();
  await db.schema.createIndex('relationships_from').on('relationships').columns(['from_user_id', 'end_date']).execute();
  await db.schema.createIndex('relationships_to').on('relationships').columns(['to_user_id', 'end_date']).execute();

  await userChild('assignments')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('source', 'text')
    .addColumn('external_id', 'text')
    .execute();
  await db.schema.createIndex('assignments_user').on('assignments').column('user_id').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', id)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('operator', 'text')
    .addColumn('operator_user_id', 'integer')
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('today', 'text')
    .addColumn('cutoff', 'text')
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('total_users', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_bulks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('counters', 'text')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_reached', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('settings', 'text')
    .execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'id']).execute();

  await db.schema
    .createTable('job_bulks')
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('bulk_no', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('user_count', 'integer', (c) => c.notNull())
    .addColumn('purged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('counters', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'text')
    .addPrimaryKeyConstraint('job_bulks_pk', ['job_id', 'bulk_no'])
    .execute();

  await db.schema
    .createTable('job_candidates')
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('bulk_no', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_candidates_pk', ['job_id', 'bulk_no', 'user_id'])
    .execute();

  await db.schema
    .createTable('job_report_rows')
    .addColumn('id', 'integer', id)
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('bulk_no', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('primary_id', 'text', (c) => c.notNull())
    .addColumn('user_group', 'text')
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('active_loans', 'integer', (c) => c.notNull())
    .addColumn('active_requests', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('job_report_rows_job').on('job_report_rows').columns(['job_id', 'outcome', 'id']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', id)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('job_id', 'integer')
    .addColumn('target_user_id', 'integer')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}
