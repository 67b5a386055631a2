/**
 * FOLIO importer (SPEC.md section 8): reads FOLIO JSON exports (users, patron groups, loans, requests,
 * fee/fine accounts, manual blocks, proxy relationships), one record or one collection per file, and
 * turns them into an ImportBatch. Nothing is written here.
 *
 * Each file is recognised by its shape, never by its name or folder: a collection by its array key
 * (`{users: [...], totalRecords}`), a single record by the fields only that kind of record has, a bare
 * list (`[{...}, {...}]`) by the shape of each element. A file is skipped (with a warning naming it)
 * only when nothing in it is a record of a kind this importer reads; one that holds such records in a
 * shape it does not read refuses the input (see collectRecords).
 */
import { addDays, type CalendarDate } from '../domain/calendar-date.ts';
import {
  emptyBatch,
  type ImportBatch,
  type ImportedBlock,
  type ImportedFee,
  type ImportedGroup,
  type ImportedLoan,
  type ImportedRelationship,
  type ImportedRequest,
  type ImportedUser,
  type SourceLocation,
} from '../domain/import-batch.ts';
import { currencyDigits, parseMoney } from '../domain/money.ts';
import { toKey, type FeeCloseReason, type LoanStatus, type RequestStatus } from '../domain/user.ts';
import { checkDate } from './field-checks.ts';
import { checkImportOptions, type ImportOptions } from './import-options.ts';
import { warnUncarriedRecords } from './input-coverage.ts';
import { malformed, readSourceFiles } from './source-files.ts';

type JsonObject = Record<string, unknown>;

/** The kinds of FOLIO record this importer reads. */
type RecordKind = 'user' | 'group' | 'loan' | 'request' | 'account' | 'manualblock' | 'proxyfor';

/** The array key of each FOLIO collection response and the kind of its elements. */
const COLLECTION_KEYS: Readonly<Record<string, RecordKind>> = {
  users: 'user',
  usergroups: 'group',
  loans: 'loan',
  requests: 'request',
  accounts: 'account',
  manualblocks: 'manualblock',
  proxiesFor: 'proxyfor',
};

/** One record found in a file, with where it was found. */
interface FoundRecord {
  kind: RecordKind;
  value: unknown;
  location: SourceLocation;
}

/**
 * Reads FOLIO JSON files and directories (read recursively) into one batch for source `folio`.
 * Throws AppError `IMPORT_MALFORMED` naming file, record and field when any record we use is malformed
 * (nothing is then imported), and `VALIDATION_FAILED` for invalid options.
 */
export async function readFolio(paths: readonly string[], options: ImportOptions): Promise<ImportBatch> {
  checkImportOptions(options);
  const batch = emptyBatch('folio');
  const found: FoundRecord[] = [];
  /** The kinds the input holds a collection of (even an empty one) or a record of. */
  const carried = new Set<RecordKind>();
  for (const file of await readSourceFiles(paths)) {
    const parsed = parseFile(file.name, file.text);
    if (!parsed.ok) {
      refuseJsonLines(file.name, file.text);
      batch.warnings.push(`${file.name}: skipped: ${parsed.reason}`);
      continue;
    }
    collectRecords(file.name, parsed.value, found, carried, batch.warnings);
  }
  for (const record of found) carried.add(record.kind);

  const digits = currencyDigits(options.currency);
  const reader = new FolioReader(digits, options.purgeDaysAfterExpiry);
  // Groups first: users name their group by uuid, and a group's file may sort after the users.
  for (const record of found) if (record.kind === 'group') reader.readGroup(record, batch.groups);
  for (const record of found) {
    switch (record.kind) {
      case 'group':
        break;
      case 'user':
        batch.users.push(reader.readUser(record));
        break;
      case 'loan':
        batch.loans.push(reader.readLoan(record));
        break;
      case 'request':
        batch.requests.push(reader.readRequest(record));
        break;
      case 'account':
        batch.fees.push(reader.readAccount(record));
        break;
      case 'manualblock':
        batch.blocks.push(reader.readManualBlock(record));
        break;
      case 'proxyfor':
        batch.relationships.push(reader.readProxyFor(record));
        break;
    }
  }
  batch.warnings.push(...reader.unresolvedGroupWarnings());
  warnUncarriedRecords(batch, { loans: carried.has('loan'), fees: carried.has('account') });
  return batch;
}

/**
 * Parses one file. A `.json` file that is not valid JSON is malformed; any other file (a README, an
 * XSD) that does not parse is simply not a record of the format. FOLIO's own examples are JSON named
 * `.sample`, so those are read when they parse.
 */
function parseFile(file: string, text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    if (!/\.json$/i.test(file)) return { ok: false, reason: 'not JSON, not a FOLIO record' };
    // The parser's own message can quote the text around the error (personal data): give a position only.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const where = position ? lineOf(text, Number(position[1])) : null;
    throw malformed(file, where === null ? '(file)' : `at line ${where}`, '(JSON)', 'not valid JSON');
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `record` has `field` with a value (JSON null counts as absent). */
function has(record: JsonObject, field: string): boolean {
  return record[field] !== undefined && record[field] !== null;
}

/** The kind of a single record, from the fields only that kind has; undefined when it is none of ours. */
function kindOf(record: JsonObject): RecordKind | undefined {
  // A loan also has `proxyUserId` when a proxy borrowed, so loans are told apart before proxy records.
  if (has(record, 'userId') && has(record, 'itemId') && has(record, 'loanDate')) return 'loan';
  if (has(record, 'requesterId') && (has(record, 'requestType') || has(record, 'requestDate'))) return 'request';
  if (has(record, 'userId') && has(record, 'amount') && has(record, 'remaining')) return 'account';
  if (has(record, 'userId') && has(record, 'proxyUserId')) return 'proxyfor';
  if (has(record, 'userId') && ['borrowing', 'renewals', 'requests', 'desc'].some((f) => has(record, f))) {
    return 'manualblock';
  }
  if (has(record, 'group') && has(record, 'id') && !has(record, 'username')) return 'group';
  // `barcode` alone is not enough: item records (mod-patron's chargeitem files) have `id` and `barcode`
  // too. A user record without `id` is still recognised here, so that it is refused rather than skipped.
  if (['username', 'personal', 'patronGroup'].some((f) => has(record, f))) return 'user';
  if (has(record, 'barcode') && ['active', 'type', 'expirationDate', 'externalSystemId'].some((f) => has(record, f))) {
    return 'user';
  }
  return undefined;
}

function idOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.id === 'string' && value.id !== '' ? value.id : undefined;
}

/**
 * A record that has fields of one of our kinds but not all of those that recognise it (a loan without
 * `loanDate`): it is neither read nor skipped, it refuses the input. Undefined for anything else.
 */
function partialKindOf(record: JsonObject): { kind: RecordKind; needs: string } | undefined {
  if (kindOf(record) !== undefined) return undefined;
  if (has(record, 'requesterId')) return { kind: 'request', needs: 'requesterId with requestType or requestDate' };
  if (has(record, 'userId') && (has(record, 'amount') || has(record, 'remaining'))) return { kind: 'account', needs: 'userId, amount and remaining' };
  if (has(record, 'userId') && ['itemId', 'loanDate', 'dueDate'].some((f) => has(record, f))) return { kind: 'loan', needs: 'userId, itemId and loanDate' };
  if (has(record, 'proxyUserId')) return { kind: 'proxyfor', needs: 'userId and proxyUserId' };
  return undefined;
}

/** True when `value` is a record of a kind we read, complete or not. */
function isOurRecord(value: unknown): boolean {
  return isObject(value) && (kindOf(value) !== undefined || partialKindOf(value) !== undefined);
}

/** The array keys of the collections `value` holds (a file may hold more than one). */
function collectionKeysOf(value: JsonObject): string[] {
  return Object.keys(COLLECTION_KEYS).filter((key) => Array.isArray(value[key]));
}

/** The refusal of an element of a bare list that is not a record we read, while others are. */
function unrecognisedElement(file: string, record: string, element: unknown): Error {
  const partial = isObject(element) ? partialKindOf(element) : undefined;
  if (partial) return malformed(file, record, '(record)', `has fields of a FOLIO ${partial.kind} but not ${partial.needs}`);
  return malformed(file, record, '(record)', 'is not a FOLIO record this importer reads, while other elements of the list are');
}

/**
 * Finds the records in one parsed file, or explains with a warning why the file is not one.
 *
 * The rule: a file is skipped only when it clearly holds no record of a kind we read (a JSON Schema,
 * address types, fee/fine types, owners, fee/fine actions, a README); a file that holds such records in a
 * shape we do not read refuses the input, because skipping it would silently drop loans or fees and make
 * their users purgeable. Read: collections, single records, and bare lists whose elements are all
 * records. Refused: a bare list mixing our records with other values, a record with fields of one of our
 * kinds but not all that recognise it, and, one level down in an object we do not otherwise read, a list
 * of our records or a collection under a key we do not know (`{"data": [...]}`). A record embedded in
 * another one (the `loan` of a loan-history entry) is part of that record, not one of ours.
 */
function collectRecords(file: string, value: unknown, found: FoundRecord[], carried: Set<RecordKind>, warnings: string[]): void {
  if (Array.isArray(value)) {
    if (!value.some(isOurRecord)) {
      if (value.length > 0) warnings.push(`${file}: skipped: a list of values that are not FOLIO records this importer reads`);
      return;
    }
    value.forEach((element, index) => {
      const id = idOf(element);
      const record = id === undefined ? `[${index}]` : `[${index}] ${id}`;
      const kind = isObject(element) ? kindOf(element) : undefined;
      if (kind === undefined) throw unrecognisedElement(file, record, element);
      found.push({ kind, value: element, location: { file, record } });
    });
    return;
  }
  if (!isObject(value)) {
    warnings.push(`${file}: skipped: not a FOLIO record or collection`);
    return;
  }
  if (has(value, '$schema')) {
    warnings.push(`${file}: skipped: a JSON Schema, not a FOLIO record`);
    return;
  }
  const collectionKeys = collectionKeysOf(value);
  for (const collectionKey of collectionKeys) {
    const kind = COLLECTION_KEYS[collectionKey] as RecordKind;
    carried.add(kind);
    (value[collectionKey] as unknown[]).forEach((element, index) => {
      const id = idOf(element);
      const record = id === undefined ? `${collectionKey}[${index}]` : `${collectionKey}[${index}] ${id}`;
      found.push({ kind, value: element, location: { file, record } });
    });
  }
  if (collectionKeys.length > 0) return;
  const kind = kindOf(value);
  if (kind !== undefined) {
    found.push({ kind, value, location: { file, record: idOf(value) ?? '0' } });
    return;
  }
  const partial = partialKindOf(value);
  if (partial) throw malformed(file, idOf(value) ?? '0', '(record)', `has fields of a FOLIO ${partial.kind} but not ${partial.needs}`);
  for (const [key, inner] of Object.entries(value)) {
    const nested = Array.isArray(inner) ? inner.findIndex(isOurRecord) : -1;
    const nestedCollection = isObject(inner) ? collectionKeysOf(inner)[0] : undefined;
    if (nested === -1 && nestedCollection === undefined) continue;
    const record = nested === -1 ? `${key}.${nestedCollection as string}` : `${key}[${nested}]`;
    throw malformed(
      file,
      record,
      key,
      `holds FOLIO records under "${key}", a shape this importer does not read: give it a collection ({"users": [...]}, {"loans": [...]}, ...), one record, or a list of records`,
    );
  }
  warnings.push(`${file}: skipped: not a FOLIO record this importer reads`);
}

/**
 * A file that is not one JSON document but whose first line is a record we read: JSON Lines (one record
 * per line), which this importer does not read. Refused rather than skipped, for the same reason as in
 * collectRecords.
 */
function refuseJsonLines(file: string, text: string): void {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '');
  if (first === undefined) return;
  let value: unknown;
  try {
    value = JSON.parse(first) as unknown;
  } catch {
    return;
  }
  if (isOurRecord(value)) {
    throw malformed(file, 'line 1', '(JSON)', 'holds one JSON record per line (JSON Lines), a shape this importer does not read: give it one JSON document per file (a collection, one record or a list of records)');
  }
}

/** Reads records of each kind, checking the fields we use and that ids are unique within the input. */
class FolioReader {
  private readonly groupsById = new Map<string, { code: string; location: SourceLocation }>();
  private readonly groupsByCode = new Map<string, SourceLocation>();
  private readonly userIds = new Map<string, SourceLocation>();
  private readonly primaryIds = new Map<string, SourceLocation>();
  private readonly externalIds = new Map<string, SourceLocation>();
  /** Group uuids users refer to that no group in the input defines, with how many users do. */
  private readonly unresolvedGroups = new Map<string, number>();

  constructor(
    private readonly digits: number,
    private readonly purgeDaysAfterExpiry: number | null,
  ) {}

  readGroup(found: FoundRecord, out: ImportedGroup[]): void {
    const { location } = found;
    const record = this.object(found);
    const code = requiredString(record, 'group', location);
    const id = optionalString(record, 'id', location);
    const description = optionalString(record, 'desc', location) || code;
    if (id !== undefined && id !== null) {
      const earlier = this.groupsById.get(id);
      if (earlier) {
        // The same group exported twice (a single record and a collection) is harmless; two names for
        // one uuid are not.
        if (earlier.code === code) return;
        throw malformed(location.file, location.record, 'group', `group id ${id} is also named "${earlier.code}" in ${where(earlier.location)}`);
      }
    }
    const earlierCode = this.groupsByCode.get(toKey(code));
    if (earlierCode) {
      throw malformed(location.file, location.record, 'group', `group "${code}" is defined twice (also ${where(earlierCode)})`);
    }
    this.groupsByCode.set(toKey(code), location);
    if (id) this.groupsById.set(id, { code, location });
    out.push(id ? { code, description, sourceKey: id } : { code, description });
  }

  readUser(found: FoundRecord): ImportedUser {
    const { location } = found;
    const record = this.object(found);
    const id = optionalString(record, 'id', location);
    if (!id) throw malformed(location.file, location.record, 'id', 'missing: a user needs the id that loans, requests and fees point to');
    const username = optionalString(record, 'username', location);
    const barcode = optionalString(record, 'barcode', location);
    const [primaryId, primaryField] = username ? [username, 'username'] : barcode ? [barcode, 'barcode'] : [id, 'id'];

    const earlierId = this.userIds.get(id);
    if (earlierId) throw malformed(location.file, location.record, 'id', `duplicate user id (also ${where(earlierId)})`);
    this.userIds.set(id, location);
    const earlierPrimary = this.primaryIds.get(toKey(primaryId));
    if (earlierPrimary) {
      throw malformed(location.file, location.record, primaryField, `duplicate primary id "${primaryId}" (also ${where(earlierPrimary)})`);
    }
    this.primaryIds.set(toKey(primaryId), location);

    const type = optionalString(record, 'type', location);
    const active = record.active;
    if (active !== undefined && active !== null && typeof active !== 'boolean') {
      throw malformed(location.file, location.record, 'active', 'is not true or false');
    }
    const expiryDate = this.date(record, 'expirationDate', location);
    const user: ImportedUser = {
      sourceKey: id,
      primaryId,
      recordType: type?.trim().toLowerCase() === 'staff' ? 'STAFF' : 'PUBLIC',
      status: active === false ? 'INACTIVE' : 'ACTIVE',
      expiryDate,
      identifiers: barcode ? [{ type: 'BARCODE', value: barcode }] : [],
      location,
    };
    // FOLIO has no purge date. Without the option the field is not carried at all, so a re-import never
    // erases a purge date that Update/Notify or another source set.
    if (this.purgeDaysAfterExpiry !== null && expiryDate) user.purgeDate = addDays(expiryDate, this.purgeDaysAfterExpiry);

    const patronGroup = optionalString(record, 'patronGroup', location);
    if (patronGroup) {
      const group = this.groupsById.get(patronGroup);
      if (group) {
        user.userGroup = group.code;
      } else {
        // The group is not in this input: pass its uuid on. The writer resolves it against the groups
        // already in the database by their source key (imported earlier from FOLIO); only if none
        // matches does SPEC section 8 apply (a referenced group is created with its code as description).
        user.userGroup = patronGroup;
        this.unresolvedGroups.set(patronGroup, (this.unresolvedGroups.get(patronGroup) ?? 0) + 1);
      }
    }

    const personal = record.personal;
    if (personal !== undefined && personal !== null) {
      if (!isObject(personal)) throw malformed(location.file, location.record, 'personal', 'is not an object');
      // A FOLIO user is always exported whole, so inside `personal` an absent value means "none".
      user.lastName = optionalString(personal, 'lastName', location, 'personal.') || null;
      user.firstName = optionalString(personal, 'firstName', location, 'personal.') || null;
      user.middleName = optionalString(personal, 'middleName', location, 'personal.') || null;
      user.birthDate = this.date(personal, 'dateOfBirth', location, 'personal.', { personal: true });
      const email = optionalString(personal, 'email', location, 'personal.');
      user.emails = email ? [email] : [];
      user.phones = (['phone', 'mobilePhone'] as const)
        .map((field) => optionalString(personal, field, location, 'personal.'))
        .filter((phone): phone is string => Boolean(phone));
      user.addresses = this.addresses(personal, location);
    }
    return user;
  }

  readLoan(found: FoundRecord): ImportedLoan {
    const { location } = found;
    const record = this.object(found);
    const externalId = this.externalId('loan', record, location);
    const returnDate = this.date(record, 'returnDate', location);
    const statusName = this.statusName(record, location);
    let status: LoanStatus;
    if (statusName === undefined) {
      // `status` is optional in the loan schema (mod-patron's open-loan lists leave it out): a loan with
      // no return date is taken as still out, so nobody who still has an item is purged.
      status = returnDate ? 'RETURNED' : 'ON_LOAN';
    } else if (statusName.toLowerCase() === 'open') {
      status = openLoanStatus(record.itemStatus);
    } else if (statusName.toLowerCase() === 'closed') {
      status = 'RETURNED';
    } else {
      throw malformed(location.file, location.record, 'status.name', `unknown loan status "${statusName}" (expected Open or Closed)`);
    }
    const item = record.item;
    const itemBarcode = isObject(item) && typeof item.barcode === 'string' && item.barcode !== '' ? item.barcode : undefined;
    return {
      externalId,
      userKey: requiredString(record, 'userId', location),
      ...(itemBarcode === undefined ? {} : { itemBarcode }),
      loanDate: this.date(record, 'loanDate', location),
      dueDate: this.date(record, 'dueDate', location),
      returnDate,
      status,
      location,
    };
  }

  readRequest(found: FoundRecord): ImportedRequest {
    const { location } = found;
    const record = this.object(found);
    const externalId = this.externalId('request', record, location);
    const statusText = requiredString(record, 'status', location);
    return {
      externalId,
      userKey: requiredString(record, 'requesterId', location),
      requestType: optionalString(record, 'requestType', location) || null,
      requestDate: this.date(record, 'requestDate', location),
      status: requestStatus(statusText, location),
      location,
    };
  }

  readAccount(found: FoundRecord): ImportedFee {
    const { location } = found;
    const record = this.object(found);
    const externalId = this.externalId('account', record, location);
    const userKey = requiredString(record, 'userId', location);
    const statusName = this.statusName(record, location);
    if (statusName === undefined) throw malformed(location.file, location.record, 'status.name', 'missing');
    const originalAmount = this.money(record, 'amount', location);
    const createdDate = this.date(record, 'dateCreated', location);
    const feeType = optionalString(record, 'feeFineType', location) || 'FEE';
    if (statusName.toLowerCase() === 'open') {
      return {
        externalId,
        userKey,
        feeType,
        status: 'ACTIVE',
        createdDate,
        originalAmount,
        balance: this.money(record, 'remaining', location),
        location,
      };
    }
    if (statusName.toLowerCase() !== 'closed') {
      throw malformed(location.file, location.record, 'status.name', `unknown account status "${statusName}" (expected Open or Closed)`);
    }
    const paymentStatus = record.paymentStatus;
    const paymentName = isObject(paymentStatus) && typeof paymentStatus.name === 'string' ? paymentStatus.name : '';
    return {
      externalId,
      userKey,
      feeType,
      status: 'CLOSED',
      closeReason: closeReason(paymentName),
      // FOLIO keeps no separate closing date: the last update of a closed account is when it closed.
      closedDate: this.date(record, 'dateUpdated', location),
      createdDate,
      originalAmount,
      balance: 0,
      location,
    };
  }

  readManualBlock(found: FoundRecord): ImportedBlock {
    const { location } = found;
    const record = this.object(found);
    return {
      externalId: this.externalId('manualblock', record, location),
      userKey: requiredString(record, 'userId', location),
      blockType: 'MANUAL',
      description: optionalString(record, 'desc', location) || null,
      expiryDate: this.date(record, 'expirationDate', location),
      location,
    };
  }

  readProxyFor(found: FoundRecord): ImportedRelationship {
    const { location } = found;
    const record = this.object(found);
    const fromUserKey = requiredString(record, 'userId', location);
    const toUserKey = requiredString(record, 'proxyUserId', location);
    // `id` is optional in the proxyfor schema; a sponsor has a given proxy at most once.
    const externalId = has(record, 'id') ? this.externalId('proxyfor', record, location) : this.uniqueExternalId('proxyfor', `${fromUserKey}:${toUserKey}`, location);
    return { externalId, kind: 'PROXY', fromUserKey, toUserKey, endDate: this.date(record, 'expirationDate', location), location };
  }

  /** One warning per group uuid that users refer to and the input does not define. */
  unresolvedGroupWarnings(): string[] {
    return [...this.unresolvedGroups].map(
      ([uuid, count]) =>
        `patron group ${uuid} (${count} user${count === 1 ? '' : 's'}) is not in the input: it is matched against groups imported earlier`,
    );
  }

  private object(found: FoundRecord): JsonObject {
    if (!isObject(found.value)) throw malformed(found.location.file, found.location.record, '(record)', 'is not a JSON object');
    return found.value;
  }

  private externalId(kind: RecordKind, record: JsonObject, location: SourceLocation): string {
    return this.uniqueExternalId(kind, requiredString(record, 'id', location), location);
  }

  private uniqueExternalId(kind: RecordKind, id: string, location: SourceLocation): string {
    const key = `${kind}:${id}`;
    const earlier = this.externalIds.get(key);
    // SPEC section 8: a duplicate id refuses the input. Keeping one of two fees with the same id would
    // silently drop a debt (mod-patron's accounts fixture reuses ids for different fees).
    if (earlier) throw malformed(location.file, location.record, 'id', `duplicate ${kind} id ${id} (also ${where(earlier)})`);
    this.externalIds.set(key, location);
    return id;
  }

  private statusName(record: JsonObject, location: SourceLocation): string | undefined {
    const status = record.status;
    if (status === undefined || status === null) return undefined;
    if (!isObject(status) || typeof status.name !== 'string') {
      throw malformed(location.file, location.record, 'status.name', 'is not a status name');
    }
    return status.name.trim();
  }

  /** A date field; `personal` (the birth date): a refusal does not repeat the value. */
  private date(record: JsonObject, field: string, location: SourceLocation, prefix = '', { personal = false } = {}): CalendarDate | null {
    return checkDate(record[field], { file: location.file, record: location.record, field: prefix + field, personal });
  }

  private money(record: JsonObject, field: string, location: SourceLocation): number {
    const value = record[field];
    if (value === undefined || value === null) throw malformed(location.file, location.record, field, 'missing');
    const parsed = parseMoney(value, this.digits);
    if (!parsed.ok) throw malformed(location.file, location.record, field, parsed.message);
    return parsed.minor;
  }

  private addresses(personal: JsonObject, location: SourceLocation): string[] {
    const addresses = personal.addresses;
    if (addresses === undefined || addresses === null) return [];
    if (!Array.isArray(addresses)) throw malformed(location.file, location.record, 'personal.addresses', 'is not a list');
    return addresses
      .map((address, index) => {
        if (!isObject(address)) throw malformed(location.file, location.record, `personal.addresses[${index}]`, 'is not an object');
        return ['addressLine1', 'addressLine2', 'city', 'region', 'postalCode', 'countryId']
          .map((field) => address[field])
          .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
          .map((part) => part.trim())
          .join(', ');
      })
      .filter((line) => line !== '');
  }
}

function where(location: SourceLocation): string {
  return `${location.file} record ${location.record}`;
}

/** A string field, or undefined/null when absent; any other type is malformed. */
function optionalString(record: JsonObject, field: string, location: SourceLocation, prefix = ''): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw malformed(location.file, location.record, prefix + field, 'is not text');
  return value.trim();
}

function requiredString(record: JsonObject, field: string, location: SourceLocation): string {
  const value = optionalString(record, field, location);
  if (!value) throw malformed(location.file, location.record, field, 'missing');
  return value;
}

/** An open loan's status, refined by FOLIO's item status (all of these keep the user). */
function openLoanStatus(itemStatus: unknown): LoanStatus {
  const text = typeof itemStatus === 'string' ? itemStatus.trim().toLowerCase() : '';
  if (text === 'declared lost' || text === 'aged to lost') return 'LOST';
  if (text === 'claimed returned') return 'CLAIMED_RETURNED';
  return 'ON_LOAN';
}

function requestStatus(status: string, location: SourceLocation): RequestStatus {
  const text = status.toLowerCase();
  if (text.startsWith('open')) {
    if (text === 'open - awaiting pickup') return 'ON_HOLD_SHELF';
    if (text === 'open - in transit') return 'IN_TRANSIT';
    return 'PLACED';
  }
  if (text.startsWith('closed')) {
    if (text === 'closed - filled') return 'FULFILLED';
    if (text === 'closed - cancelled') return 'CANCELLED';
    return 'EXPIRED';
  }
  throw malformed(location.file, location.record, 'status', `unknown request status "${status}" (expected "Open - ..." or "Closed - ...")`);
}

/** Why a closed account closed, from its payment status; a fully paid (or refunded) account is PAID. */
function closeReason(paymentStatus: string): FeeCloseReason {
  const text = paymentStatus.trim().toLowerCase();
  if (text === 'waived fully') return 'WAIVED';
  if (text === 'transferred fully') return 'TRANSFERRED';
  // "Cancelled as error" and the "Cancelled item returned/renewed/declared lost" variants: the charge
  // was withdrawn, not paid, and financial totals must not count it as paid.
  if (text.startsWith('cancelled')) return 'CANCELLED';
  return 'PAID';
}
