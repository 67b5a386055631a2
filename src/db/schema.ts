/**
 * Row types of the database, one Kysely `Database` type for SQLite and PostgreSQL. Calendar dates are
 * `YYYY-MM-DD` text; instants are ISO 8601 UTC text (`...Z`); money is integer minor units; booleans are
 * integers 0/1 so that both dialects store them alike.
 */
import type { Generated } from 'kysely';

/** Institution settings: one row per key that differs from its default. */
export interface SettingsTable {
  key: string;
  /** The normalised value as text. */
  value: string;
  updated_at: string;
}

/** Reference data: user groups. */
export interface UserGroupsTable {
  id: Generated<number>;
  /** The code as the source spells it (`undergrad`). */
  code: string;
  /** Lower-cased code: groups are matched case-insensitively. */
  code_key: string;
  description: string;
  /** The source's own key for the group (FOLIO uuid), for resolving references on later imports. */
  source_key: string | null;
}

/** Reference data: libraries. */
export interface LibrariesTable {
  id: Generated<number>;
  code: string;
  code_key: string;
  name: string;
}

/** Users, and tombstones of purged users. */
export interface UsersTable {
  id: Generated<number>;
  /** As given; for a tombstone under KEEP_STATISTICS_REMOVE_PRIMARY_ID, the opaque `DEL-...` id. */
  primary_id: string;
  /** Lower-cased primary id, unique; NULL on tombstones and deleted users so imports never match them. */
  primary_id_key: string | null;
  record_type: string;
  /** Group code as configured, or NULL (a CONTACT has none). */
  user_group: string | null;
  user_group_key: string | null;
  account_type: string;
  status: string;
  first_name: string | null;
  middle_name: string | null;
  last_name: string | null;
  /** Lower-cased last name, for prefix search. */
  last_name_key: string | null;
  birth_date: string | null;
  expiry_date: string | null;
  purge_date: string | null;
  home_library: string | null;
  home_library_key: string | null;
  last_activity_date: string | null;
  /** 0/1. */
  do_not_purge: number;
  do_not_purge_reason: string | null;
  /** Import source (`folio`, `alma`, ...) and its own key of this user, for later references. */
  source: string | null;
  source_key: string | null;
  created_at: string;
  updated_at: string;
}

/** Identifiers (barcode, university id...). */
export interface UserIdentifiersTable {
  id: Generated<number>;
  user_id: number;
  id_type: string;
  value: string;
  value_key: string;
  /** ACTIVE or INACTIVE (deactivated under KEEP_FULLY_REPORTABLE). */
  status: string;
}

/** Contact details: emails, phones, addresses. */
export interface UserContactsTable {
  id: Generated<number>;
  user_id: number;
  /** EMAIL, PHONE or ADDRESS. */
  kind: string;
  value: string;
  /** Lower-cased value, for lookups by email. */
  value_key: string;
}

/** Free-text notes on a user (personal data). */
export interface UserNotesTable {
  id: Generated<number>;
  user_id: number;
  note: string;
  created_at: string;
}

/** Statistical categories (kept on tombstones). */
export interface UserStatCategoriesTable {
  id: Generated<number>;
  user_id: number;
  category: string;
}

/** Blocks on users. */
export interface UserBlocksTable {
  id: Generated<number>;
  user_id: number;
  source: string | null;
  external_id: string | null;
  block_type: string;
  description: string | null;
  expiry_date: string | null;
  created_at: string;
}

/** Loans; history rows survive the user under every policy. */
export interface LoansTable {
  id: Generated<number>;
  /** NULL once unlinked by FULLY_REMOVE. */
  user_id: number | null;
  source: string | null;
  external_id: string | null;
  item_barcode: string | null;
  library: string | null;
  loan_date: string | null;
  due_date: string | null;
  return_date: string | null;
  status: string;
  /** The borrower's group, copied when the row is unlinked from the person, for statistics. */
  user_group: string | null;
}

/** Requests (holds, recalls, resource sharing). */
export interface RequestsTable {
  id: Generated<number>;
  user_id: number | null;
  source: string | null;
  external_id: string | null;
  request_type: string | null;
  request_date: string | null;
  status: string;
  user_group: string | null;
}

/** Fees, fines and credits. */
export interface FeesTable {
  id: Generated<number>;
  user_id: number | null;
  source: string | null;
  external_id: string | null;
  fee_type: string;
  status: string;
  close_reason: string | null;
  closed_date: string | null;
  created_date: string | null;
  original_amount: number;
  /** Still owed; positive a debt, negative a credit; 0 once closed. */
  balance: number;
  /** The part of the debt forgiven when the line was closed by a purge (minor units). */
  waived_amount: Generated<number>;
  user_group: string | null;
}

/** Proxy and guarantor relationships. */
export interface RelationshipsTable {
  id: Generated<number>;
  kind: string;
  /** Sponsor or guarantor. */
  from_user_id: number;
  /** Proxy or guarantee. */
  to_user_id: number;
  end_date: string | null;
  source: string | null;
  external_id: string | null;
}

/** Acquisitions assignments, import profiles and locked records held by staff users. */
export interface AssignmentsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  description: string | null;
  source: string | null;
  external_id: string | null;
}

/** Jobs: the row says everything about a job. */
export interface JobsTable {
  id: Generated<number>;
  type: string;
  status: string;
  /** JSON of the job's parameters (PurgeParameters for purge jobs). */
  parameters: string;
  /** Operator's primary id as given (display), and internal id (for the SYSTEM_USER criterion). */
  operator: string | null;
  operator_user_id: number | null;
  /** Who submitted it (CLI user name or account). */
  submitted_by: string;
  /** Calendar date in the institution's time zone when the job started; fixed at initialization. */
  today: string | null;
  cutoff: string | null;
  submitted_at: string;
  started_at: string | null;
  ended_at: string | null;
  /** Candidates fixed at initialization. */
  total_users: number;
  total_bulks: number;
  /** JSON counters: final once the job has ended (while running they are summed from the bulks). */
  counters: string | null;
  /** 0/1: cancel requested; honoured at the next bulk boundary. */
  cancel_requested: number;
  /** 0/1: the maximum number of users to purge was reached. */
  max_reached: number;
  error: string | null;
  /** Worker holding the job during INITIALIZING/FINALIZING, and when that lease expires. */
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** JSON snapshot of the settings the job runs with, fixed at initialization. */
  settings: string | null;
}

/** A bulk of a job: a slice of the candidate list processed in one transaction. */
export interface JobBulksTable {
  job_id: number;
  bulk_no: number;
  /** PENDING, DONE, or SKIPPED (cancelled or past the maximum before it ran). */
  state: string;
  user_count: number;
  /** Users this bulk purged (summed in SQL to honour the job's maximum). */
  purged: number;
  /** JSON counters this bulk added, written in the bulk's own transaction. */
  counters: string | null;
  attempts: number;
  last_error: string | null;
  done_at: string | null;
}

/** The candidate list of a job: user ids by bulk, fixed at initialization. */
export interface JobCandidatesTable {
  job_id: number;
  bulk_no: number;
  user_id: number;
}

/** Report rows: one per candidate not purged or failed, and (if enabled) per purged user. */
export interface JobReportRowsTable {
  id: Generated<number>;
  job_id: number;
  bulk_no: number;
  /** NOT_PURGED, FAILED or PURGED. */
  outcome: string;
  /** Internal id of the user (of the tombstone where one remains). */
  user_id: number | null;
  primary_id: string;
  user_group: string | null;
  /** Reason codes joined by `;`. */
  reasons: string;
  /** Net amount in minor units: owed positive, credit negative. */
  amount: number;
  active_loans: number;
  active_requests: number;
  error: string | null;
}

/** The append-only audit log; no personal data beyond the actor. */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  job_id: number | null;
  /** Internal id of the user or tombstone concerned. */
  target_user_id: number | null;
  /** JSON details (parameters, counts, the setting changed). */
  details: string | null;
}

/** The database as Kysely sees it. */
export interface Database {
  settings: SettingsTable;
  user_groups: UserGroupsTable;
  libraries: LibrariesTable;
  users: UsersTable;
  user_identifiers: UserIdentifiersTable;
  user_contacts: UserContactsTable;
  user_notes: UserNotesTable;
  user_stat_categories: UserStatCategoriesTable;
  user_blocks: UserBlocksTable;
  loans: LoansTable;
  requests: RequestsTable;
  fees: FeesTable;
  relationships: RelationshipsTable;
  assignments: AssignmentsTable;
  jobs: JobsTable;
  job_bulks: JobBulksTable;
  job_candidates: JobCandidatesTable;
  job_report_rows: JobReportRowsTable;
  audit_log: AuditLogTable;
}
