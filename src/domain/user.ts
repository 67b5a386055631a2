/** User vocabulary of SPEC.md section 2. */

/** Record types of a user. */
export const RECORD_TYPES = ['PUBLIC', 'STAFF', 'CONTACT'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Account types: managed here, or loaded from an external system. */
export const ACCOUNT_TYPES = ['INTERNAL', 'EXTERNAL'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** User statuses; `DELETED` marks a tombstone or a deleted user kept for reporting. */
export const USER_STATUSES = ['ACTIVE', 'INACTIVE', 'DELETED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * Loan statuses. Active (blocking): on loan (overdue included), lost and not resolved, claimed returned,
 * returned elsewhere and in transit home. Closed: returned. `NOT_STARTED` is an aborted checkout that
 * never began and does not block (case C08).
 */
export const LOAN_STATUSES = ['ON_LOAN', 'LOST', 'CLAIMED_RETURNED', 'IN_TRANSIT_HOME', 'RETURNED', 'NOT_STARTED'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];
/** The loan statuses that keep a user. */
export const ACTIVE_LOAN_STATUSES: readonly LoanStatus[] = ['ON_LOAN', 'LOST', 'CLAIMED_RETURNED', 'IN_TRANSIT_HOME'];

/** Request statuses. Active: placed, in transit, on hold shelf. Closed: fulfilled, cancelled, expired. */
export const REQUEST_STATUSES = ['PLACED', 'IN_TRANSIT', 'ON_HOLD_SHELF', 'FULFILLED', 'CANCELLED', 'EXPIRED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** The request statuses that keep a user (when `block_on_requests` is on). */
export const ACTIVE_REQUEST_STATUSES: readonly RequestStatus[] = ['PLACED', 'IN_TRANSIT', 'ON_HOLD_SHELF'];

/** Fee statuses. */
export const FEE_STATUSES = ['ACTIVE', 'CLOSED'] as const;
export type FeeStatus = (typeof FEE_STATUSES)[number];
/** Why a fee was closed. */
export const FEE_CLOSE_REASONS = ['PAID', 'WAIVED', 'TRANSFERRED', 'CANCELLED'] as const;
export type FeeCloseReason = (typeof FEE_CLOSE_REASONS)[number];

/** Relationship kinds: `from` is the sponsor (proxy) or the guarantor; `to` is the proxy or the guarantee. */
export const RELATIONSHIP_KINDS = ['PROXY', 'GUARANTOR'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

/** Kinds of assignment that make a staff user indispensable (criterion ASSIGNMENTS). */
export const ASSIGNMENT_KINDS = ['PO_LINE', 'PURCHASE_ORDER', 'INVOICE', 'IMPORT_PROFILE', 'LOCKED_RECORD'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

/** Lower-cases a primary id or a code into the key used for case-insensitive matching. */
export function toKey(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * The opaque id of a tombstone: derived from the internal id, so it is ordered and carries nothing of
 * the person (PERFORMANCE.md rule 1). The database layer builds the same value in SQL.
 */
export function tombstonePrimaryId(internalId: number): string {
  return `DEL-${internalId}`;
}
