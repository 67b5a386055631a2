/**
 * What an importer produces from its source files (SPEC.md section 8), before anything is written.
 * A field left `undefined` is one the source does not carry: a re-import leaves it as it is. References
 * between records use the source's own user key (`sourceKey`), resolved first within the batch, then
 * against users imported earlier from the same source.
 */
import type { CalendarDate } from './calendar-date.ts';
import type {
  AccountType,
  AssignmentKind,
  FeeCloseReason,
  FeeStatus,
  LoanStatus,
  RecordType,
  RelationshipKind,
  RequestStatus,
  UserStatus,
} from './user.ts';

/** Where a record came from, for messages: the file and the record within it (index, line or id). */
export interface SourceLocation {
  file: string;
  record: string;
}

/** An identifier of a user: type (BARCODE, UNIV_ID, ...) and value. */
export interface ImportedIdentifier {
  type: string;
  value: string;
}

/** A user as read from a source. */
export interface ImportedUser {
  /** The source's own key for this user (FOLIO `id`, Evergreen `id`, Koha `borrowernumber`, Alma `primary_id`). */
  sourceKey: string;
  primaryId: string;
  recordType?: RecordType;
  /** Group code as the source spells it; null for none (a CONTACT). */
  userGroup?: string | null;
  accountType?: AccountType;
  status?: Exclude<UserStatus, 'DELETED'>;
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  birthDate?: CalendarDate | null;
  expiryDate?: CalendarDate | null;
  purgeDate?: CalendarDate | null;
  homeLibrary?: string | null;
  lastActivityDate?: CalendarDate | null;
  emails?: string[];
  phones?: string[];
  /** Each address as one line of text. */
  addresses?: string[];
  identifiers?: ImportedIdentifier[];
  notes?: string[];
  statisticalCategories?: string[];
  /** Set doNotPurge with this reason (e.g. "balance unknown at import"); undefined leaves the flag. */
  doNotPurgeReason?: string;
  location: SourceLocation;
}

/** A reference group (code + description). */
export interface ImportedGroup {
  code: string;
  description: string;
  /** The source's own key for the group (FOLIO uuid), used to resolve users' group references. */
  sourceKey?: string;
}

/** A reference library (code + name). */
export interface ImportedLibrary {
  code: string;
  name: string;
}

/** A loan. */
export interface ImportedLoan {
  externalId: string;
  userKey: string;
  itemBarcode?: string | null;
  library?: string | null;
  loanDate?: CalendarDate | null;
  dueDate?: CalendarDate | null;
  returnDate?: CalendarDate | null;
  status: LoanStatus;
  location: SourceLocation;
}

/** A request (hold, recall, resource-sharing request). */
export interface ImportedRequest {
  externalId: string;
  userKey: string;
  requestType?: string | null;
  requestDate?: CalendarDate | null;
  status: RequestStatus;
  location: SourceLocation;
}

/** A fee, fine or credit; amounts in minor units of the institution's currency. */
export interface ImportedFee {
  externalId: string;
  userKey: string;
  feeType: string;
  status: FeeStatus;
  closeReason?: FeeCloseReason | null;
  closedDate?: CalendarDate | null;
  createdDate?: CalendarDate | null;
  originalAmount: number;
  /** Still owed: positive a debt, negative a credit; 0 when closed. */
  balance: number;
  location: SourceLocation;
}

/** A block on a user (manual block, standing penalty). */
export interface ImportedBlock {
  externalId: string;
  userKey: string;
  blockType: string;
  description?: string | null;
  expiryDate?: CalendarDate | null;
  location: SourceLocation;
}

/** A proxy or guarantor relationship. */
export interface ImportedRelationship {
  externalId: string;
  kind: RelationshipKind;
  /** Sponsor or guarantor. */
  fromUserKey: string;
  /** Proxy or guarantee. */
  toUserKey: string;
  endDate?: CalendarDate | null;
  location: SourceLocation;
}

/** An assignment that makes a staff user indispensable. */
export interface ImportedAssignment {
  externalId: string;
  userKey: string;
  kind: AssignmentKind;
  description?: string | null;
  location: SourceLocation;
}

/** Everything one import call read, validated, ready to be written in one transaction. */
export interface ImportBatch {
  /** The source format: it namespaces external ids. */
  source: 'folio' | 'alma' | 'koha' | 'evergreen' | 'csv' | 'synthetic';
  groups: ImportedGroup[];
  libraries: ImportedLibrary[];
  users: ImportedUser[];
  loans: ImportedLoan[];
  requests: ImportedRequest[];
  fees: ImportedFee[];
  blocks: ImportedBlock[];
  relationships: ImportedRelationship[];
  assignments: ImportedAssignment[];
  /** Non-fatal findings: skipped files, skipped source records. */
  warnings: string[];
}

/** An empty batch for `source`. */
export function emptyBatch(source: ImportBatch['source']): ImportBatch {
  return { source, groups: [], libraries: [], users: [], loans: [], requests: [], fees: [], blocks: [], relationships: [], assignments: [], warnings: [] };
}
