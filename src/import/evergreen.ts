/**
 * Evergreen importer (SPEC.md section 8): PostgreSQL `COPY schema.table (cols) FROM stdin;` dumps, one or
 * more tables per file, recognised by their COPY line (the file name is only a hint). Older hand-written
 * INSERT scripts (Concerto's `concerto/`) call sequences and functions, so they are skipped with a warning.
 *
 * Money: a transaction is a circulation or a `money.grocery`; its balance is its non-voided billings
 * (`money.billing`) minus its non-voided payments. When the billings are not in the input, an open
 * transaction's balance cannot be worked out and its user gets doNotPurge, so nobody who may owe money
 * is purged.
 */
import { addDays, type CalendarDate } from '../domain/calendar-date.ts';
import {
  emptyBatch,
  type ImportBatch,
  type ImportedIdentifier,
  type ImportedUser,
  type SourceLocation,
} from '../domain/import-batch.ts';
import { currencyDigits, parseMoney } from '../domain/money.ts';
import { toKey, type LoanStatus, type RequestStatus } from '../domain/user.ts';
import { checkDate } from './field-checks.ts';
import { checkImportOptions, type ImportOptions } from './import-options.ts';
import { warnUncarriedRecords } from './input-coverage.ts';
import { malformed, readSourceFiles, type SourceFile } from './source-files.ts';

/** The reason given to a user whose open transactions have no billings in the input. */
export const BALANCE_UNKNOWN_REASON = 'balance unknown at import';

/** Evergreen's stock permission group of patrons; it and the groups under it are PUBLIC. */
const PATRONS_PROFILE = '2';

/** One data row of a COPY block; `fields` holds exactly the columns the COPY line names. */
interface CopyRow {
  file: string;
  line: number;
  fields: ReadonlyMap<string, string | null>;
}

const USED_TABLES = new Set([
  'actor.usr',
  'actor.card',
  'actor.usr_address',
  'actor.org_unit',
  'permission.grp_tree',
  'action.circulation',
  'action.hold_request',
  'money.grocery',
  'money.billing',
  'money.account_adjustment',
  'actor.usr_standing_penalty',
]);

/** Payment tables: `money.payment` and its children (`cash_payment`, `bnm_desk_payment`, ...). */
const PAYMENT_TABLE = /^money\.([a-z_]+_)?payment$/;

function isUsedTable(name: string): boolean {
  return USED_TABLES.has(name) || PAYMENT_TABLE.test(name);
}

/** Reads Evergreen COPY dumps from `paths` (files or directories) into one batch, or throws IMPORT_MALFORMED. */
export async function readEvergreen(paths: string[], options: ImportOptions): Promise<ImportBatch> {
  checkImportOptions(options);
  const files = await readSourceFiles(paths);
  const batch = emptyBatch('evergreen');
  const tables = new Map<string, CopyRow[]>();
  for (const file of files) collectCopyBlocks(file, tables, batch.warnings);
  buildBatch(tables, options, batch);
  // Fees are worked out from the billings: without money.billing no balance is known.
  warnUncarriedRecords(batch, { loans: tables.has('action.circulation'), fees: tables.has('money.billing') });
  return batch;
}

// ---------------------------------------------------------------------------------------------------
// COPY text format

const COPY_LINE = /^COPY\s+((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?)\s*(?:\(([^)]*)\))?\s*FROM\s+stdin\b\s*(.*?);\s*$/i;

function unquoteIdentifier(name: string): string {
  const trimmed = name.trim();
  return trimmed.startsWith('"') ? trimmed.slice(1, -1) : trimmed.toLowerCase();
}

/** Qualifies a bare table name (a dump made with a search_path) when it names a table we read. */
function qualify(name: string): string {
  if (name.includes('.')) return name;
  for (const known of USED_TABLES) if (known.endsWith(`.${name}`)) return known;
  if (/^([a-z_]+_)?payment$/.test(name)) return `money.${name}`;
  return name;
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Decodes one field of COPY text format: `\N` is NULL, backslash escapes are undone. */
function decodeCopyField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|([\s\S]))/g, (_m, octal?: string, hex?: string, char?: string) => {
    if (octal !== undefined) return String.fromCharCode(parseInt(octal, 8));
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return ESCAPES[char as string] ?? (char as string);
  });
}

/** Adds the COPY blocks of `file` to `tables`; warns about files and tables that are not read. */
function collectCopyBlocks(file: SourceFile, tables: Map<string, CopyRow[]>, warnings: string[]): void {
  const lines = file.text.split(/\r?\n/);
  let foundCopy = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    i += 1;
    // Only a COPY ... FROM stdin line starts data; prose that begins with "COPY" is not one.
    if (!/^COPY\s.*\sFROM\s+stdin\b/i.test(line)) continue;
    const header = COPY_LINE.exec(line);
    const headerLine = i;
    if (!header) throw malformed(file.name, `line ${headerLine}`, 'COPY', 'is not a COPY ... FROM stdin; line');
    foundCopy = true;
    const name = qualify(
      (header[1] as string)
        .split('.')
        .map(unquoteIdentifier)
        .join('.'),
    );
    const used = isUsedTable(name);
    if (used && header[2] === undefined) throw malformed(file.name, `line ${headerLine}`, 'COPY', `${name} has no column list`);
    if (used && (header[3] ?? '').trim() !== '') {
      throw malformed(file.name, `line ${headerLine}`, 'COPY', `${name}: only the default text format is supported`);
    }
    const columns = used ? (header[2] as string).split(',').map(unquoteIdentifier) : [];
    if (!used) warnings.push(`${file.name}: table ${name} is not used by the import; skipped`);
    const rows = tables.get(name) ?? [];
    while (i < lines.length) {
      const data = lines[i] as string;
      i += 1;
      if (data === '\\.') break;
      // A dump may end without `\.`; the split leaves one empty string after the final newline.
      if (i === lines.length && data === '') break;
      if (!used) continue;
      const raw = data.split('\t');
      if (raw.length !== columns.length) {
        throw malformed(file.name, `line ${i}`, 'row', `has ${raw.length} fields, the COPY line names ${columns.length}`);
      }
      const fields = new Map<string, string | null>();
      columns.forEach((column, index) => fields.set(column, decodeCopyField(raw[index] as string)));
      rows.push({ file: file.name, line: i, fields });
    }
    if (used) tables.set(name, rows);
  }
  if (!foundCopy) {
    const insert = /^\s*INSERT\s+INTO\s/im.test(file.text);
    warnings.push(
      insert
        ? `${file.name}: skipped: an SQL INSERT script, not a COPY dump (it calls sequences and functions)`
        : `${file.name}: skipped: not an Evergreen COPY dump`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Field readers: undefined = the column is not in the dump, null = NULL or empty.

function recordOf(row: CopyRow): string {
  const id = row.fields.get('id');
  return id ? `line ${row.line} (id ${id})` : `line ${row.line}`;
}

function locationOf(row: CopyRow): SourceLocation {
  return { file: row.file, record: recordOf(row) };
}

function text(row: CopyRow, column: string): string | null | undefined {
  if (!row.fields.has(column)) return undefined;
  const value = row.fields.get(column);
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function required(row: CopyRow, column: string): string {
  const value = text(row, column);
  if (value === undefined) throw malformed(row.file, recordOf(row), column, 'the column is missing from the COPY line');
  if (value === null) throw malformed(row.file, recordOf(row), column, 'is empty');
  return value;
}

/** A date column; `personal` (the birth date): a refusal does not repeat the value. */
function date(row: CopyRow, column: string, { personal = false } = {}): CalendarDate | null | undefined {
  const value = text(row, column);
  if (value === undefined || value === null) return value;
  return checkDate(value, { file: row.file, record: recordOf(row), field: column, personal });
}

function bool(row: CopyRow, column: string): boolean | null | undefined {
  const value = text(row, column);
  if (value === undefined || value === null) return value;
  const lower = value.toLowerCase();
  if (['t', 'true', '1', 'y', 'yes', 'on'].includes(lower)) return true;
  if (['f', 'false', '0', 'n', 'no', 'off'].includes(lower)) return false;
  throw malformed(row.file, recordOf(row), column, `"${value}" is not a boolean`);
}

function amount(row: CopyRow, column: string, digits: number): number {
  const value = required(row, column);
  // Evergreen stores signed numerics: a refund is a negative payment.
  const parsed = parseMoney(value, digits, { allowNegative: true });
  if (!parsed.ok) throw malformed(row.file, recordOf(row), column, parsed.message);
  return parsed.minor;
}

/** Throws when `key` was already seen in this table (or sequence): a duplicate id within one input. */
function checkUnique(seen: Map<string, CopyRow>, key: string, row: CopyRow, column: string): void {
  const first = seen.get(key);
  if (first) {
    throw malformed(row.file, recordOf(row), column, `duplicate ${column} "${key}" (first at ${first.file} line ${first.line})`);
  }
  seen.set(key, row);
}

function groupBy(rows: readonly CopyRow[], column: string): Map<string, CopyRow[]> {
  const map = new Map<string, CopyRow[]>();
  for (const row of rows) {
    const key = required(row, column);
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------------
// Mapping

interface Transaction {
  row: CopyRow;
  userKey: string;
  open: boolean;
  start: CalendarDate | null | undefined;
}

function buildBatch(tables: Map<string, CopyRow[]>, options: ImportOptions, batch: ImportBatch): void {
  const digits = currencyDigits(options.currency);
  const rowsOf = (name: string): CopyRow[] => tables.get(name) ?? [];

  // Libraries: org unit id -> shortname.
  const orgUnits = tables.has('actor.org_unit') ? new Map<string, string>() : null;
  const orgIds = new Map<string, CopyRow>();
  const orgCodes = new Map<string, CopyRow>();
  for (const row of rowsOf('actor.org_unit')) {
    const id = required(row, 'id');
    const shortname = required(row, 'shortname');
    checkUnique(orgIds, id, row, 'id');
    checkUnique(orgCodes, toKey(shortname), row, 'shortname');
    orgUnits?.set(id, shortname);
    batch.libraries.push({ code: shortname, name: text(row, 'name') ?? shortname });
  }
  const libraryOf = (ou: string | null | undefined): string | null | undefined =>
    ou === undefined || ou === null ? ou : (orgUnits?.get(ou) ?? `ou-${ou}`);

  // Permission groups: id -> name and parent.
  const groups = new Map<string, { name: string; parent: string | null }>();
  const groupIds = new Map<string, CopyRow>();
  const groupNames = new Map<string, CopyRow>();
  for (const row of rowsOf('permission.grp_tree')) {
    const id = required(row, 'id');
    const name = required(row, 'name');
    checkUnique(groupIds, id, row, 'id');
    checkUnique(groupNames, toKey(name), row, 'name');
    groups.set(id, { name, parent: text(row, 'parent') ?? null });
    batch.groups.push({ code: name, description: text(row, 'description') ?? name });
  }
  const isPatronProfile = (profile: string): boolean => {
    const visited = new Set<string>();
    let current: string | null = profile;
    while (current !== null && !visited.has(current)) {
      if (current === PATRONS_PROFILE) return true;
      visited.add(current);
      current = groups.get(current)?.parent ?? null;
    }
    return false;
  };

  // Cards and addresses belong to their user's record.
  const cardsByUser = tables.has('actor.card') ? groupBy(rowsOf('actor.card'), 'usr') : null;
  const addressesByUser = tables.has('actor.usr_address') ? groupBy(rowsOf('actor.usr_address'), 'usr') : null;
  checkIds(rowsOf('actor.card'));
  checkIds(rowsOf('actor.usr_address'));

  // Users.
  const userIds = new Map<string, CopyRow>();
  const usernames = new Map<string, CopyRow>();
  const deleted = new Set<string>();
  const users = new Map<string, ImportedUser>();
  for (const row of rowsOf('actor.usr')) {
    const id = required(row, 'id');
    const primaryId = required(row, 'usrname');
    checkUnique(userIds, id, row, 'id');
    checkUnique(usernames, toKey(primaryId), row, 'usrname');
    if (bool(row, 'deleted') === true) {
      deleted.add(id);
      batch.warnings.push(`${row.file}: record ${recordOf(row)}: user ${primaryId} is marked deleted in Evergreen; skipped`);
      continue;
    }
    const user = mapUser(row, id, primaryId, options, libraryOf, groups, isPatronProfile);
    if (cardsByUser) user.identifiers = identifiersOf(cardsByUser.get(id) ?? []);
    if (addressesByUser) user.addresses = (addressesByUser.get(id) ?? []).map(addressLine).filter((a) => a !== '');
    users.set(id, user);
    batch.users.push(user);
  }
  warnOrphans(cardsByUser, userIds, 'card', batch.warnings);
  warnOrphans(addressesByUser, userIds, 'address', batch.warnings);

  /** False (with a warning) for a record of a user the source marks deleted: it goes with the user. */
  const keep = (row: CopyRow, userKey: string, what: string): boolean => {
    if (!deleted.has(userKey)) return true;
    batch.warnings.push(`${row.file}: record ${recordOf(row)}: ${what} of user id ${userKey}, who is marked deleted; skipped`);
    return false;
  };

  // Transactions: circulations and grocery bills share one id sequence (money.billable_xact).
  const transactions = new Map<string, Transaction>();
  const transactionIds = new Map<string, CopyRow>();
  for (const row of rowsOf('action.circulation')) {
    const id = required(row, 'id');
    const userKey = required(row, 'usr');
    checkUnique(transactionIds, id, row, 'id');
    const checkin = date(row, 'checkin_time');
    const finish = date(row, 'xact_finish');
    const start = date(row, 'xact_start');
    const open = !finish;
    transactions.set(id, { row, userKey, open, start });
    if (!keep(row, userKey, 'circulation')) continue;
    batch.loans.push({
      externalId: id,
      userKey,
      library: libraryOf(text(row, 'circ_lib')),
      loanDate: start,
      dueDate: date(row, 'due_date'),
      returnDate: checkin,
      status: !checkin && !finish ? activeLoanStatus(text(row, 'stop_fines')) : 'RETURNED',
      location: locationOf(row),
    });
  }
  for (const row of rowsOf('money.grocery')) {
    const id = required(row, 'id');
    const userKey = required(row, 'usr');
    checkUnique(transactionIds, id, row, 'id');
    transactions.set(id, { row, userKey, open: !date(row, 'xact_finish'), start: date(row, 'xact_start') });
  }

  // Payments (voided ones do not count) and billings, per transaction.
  const paid = new Map<string, number>();
  const paymentIds = new Map<string, CopyRow>();
  for (const [name, rows] of tables) {
    if (!PAYMENT_TABLE.test(name) && name !== 'money.account_adjustment') continue;
    for (const row of rows) {
      const id = required(row, 'id');
      checkUnique(paymentIds, id, row, 'id');
      const xact = required(row, 'xact');
      const minor = amount(row, 'amount', digits);
      if (bool(row, 'voided') === true) continue;
      paid.set(xact, (paid.get(xact) ?? 0) + minor);
    }
  }
  const haveBillings = tables.has('money.billing');
  const billed = new Map<string, { total: number; type: string | null }>();
  const billingIds = new Map<string, CopyRow>();
  for (const row of rowsOf('money.billing')) {
    const id = required(row, 'id');
    checkUnique(billingIds, id, row, 'id');
    const xact = required(row, 'xact');
    const minor = amount(row, 'amount', digits);
    const type = text(row, 'billing_type') ?? null;
    if (bool(row, 'voided') === true) continue;
    const current = billed.get(xact);
    billed.set(xact, { total: (current?.total ?? 0) + minor, type: current?.type ?? type });
  }

  const unknownBalance = new Set<string>();
  for (const [id, xact] of transactions) {
    if (!xact.open || deleted.has(xact.userKey)) continue;
    if (!haveBillings) {
      unknownBalance.add(xact.userKey);
      continue;
    }
    const billing = billed.get(id);
    const balance = (billing?.total ?? 0) - (paid.get(id) ?? 0);
    if (balance === 0) continue;
    batch.fees.push({
      externalId: id,
      userKey: xact.userKey,
      feeType: billing?.type ?? 'BILL',
      status: 'ACTIVE',
      createdDate: xact.start,
      originalAmount: billing?.total ?? 0,
      balance,
      location: locationOf(xact.row),
    });
  }
  for (const userKey of unknownBalance) {
    const user = users.get(userKey);
    if (user) user.doNotPurgeReason = BALANCE_UNKNOWN_REASON;
    else {
      batch.warnings.push(
        `user id ${userKey} has open transactions whose billings are not in the input and is not in the input itself; its doNotPurge flag was not set`,
      );
    }
  }

  // Holds.
  const holdIds = new Map<string, CopyRow>();
  for (const row of rowsOf('action.hold_request')) {
    const id = required(row, 'id');
    const userKey = required(row, 'usr');
    checkUnique(holdIds, id, row, 'id');
    const status = requestStatus(row);
    if (!keep(row, userKey, 'hold request')) continue;
    batch.requests.push({
      externalId: id,
      userKey,
      requestType: text(row, 'hold_type'),
      requestDate: date(row, 'request_time'),
      status,
      location: locationOf(row),
    });
  }

  // Standing penalties.
  const penaltyIds = new Map<string, CopyRow>();
  for (const row of rowsOf('actor.usr_standing_penalty')) {
    const id = required(row, 'id');
    const userKey = required(row, 'usr');
    checkUnique(penaltyIds, id, row, 'id');
    const penalty = required(row, 'standing_penalty');
    const expiryDate = date(row, 'stop_date');
    if (!keep(row, userKey, 'standing penalty')) continue;
    batch.blocks.push({ externalId: id, userKey, blockType: `PENALTY-${penalty}`, expiryDate, location: locationOf(row) });
  }
}

function checkIds(rows: readonly CopyRow[]): void {
  const seen = new Map<string, CopyRow>();
  for (const row of rows) {
    const id = text(row, 'id');
    if (id) checkUnique(seen, id, row, 'id');
  }
}

function mapUser(
  row: CopyRow,
  id: string,
  primaryId: string,
  options: ImportOptions,
  libraryOf: (ou: string | null | undefined) => string | null | undefined,
  groups: ReadonlyMap<string, { name: string }>,
  isPatronProfile: (profile: string) => boolean,
): ImportedUser {
  const expiryDate = date(row, 'expire_date');
  const profile = text(row, 'profile');
  const active = bool(row, 'active');
  const user: ImportedUser = {
    sourceKey: id,
    primaryId,
    firstName: text(row, 'first_given_name'),
    middleName: text(row, 'second_given_name'),
    lastName: text(row, 'family_name'),
    birthDate: date(row, 'dob', { personal: true }),
    expiryDate,
    homeLibrary: libraryOf(text(row, 'home_ou')),
    location: locationOf(row),
  };
  if (profile) {
    user.recordType = isPatronProfile(profile) ? 'PUBLIC' : 'STAFF';
    user.userGroup = groups.get(profile)?.name ?? `profile-${profile}`;
  }
  if (active !== undefined && active !== null) user.status = active ? 'ACTIVE' : 'INACTIVE';
  if (options.purgeDaysAfterExpiry !== null && expiryDate) user.purgeDate = addDays(expiryDate, options.purgeDaysAfterExpiry);
  const email = text(row, 'email');
  if (email !== undefined) user.emails = email === null ? [] : [email];
  const phoneColumns = ['day_phone', 'evening_phone', 'other_phone'];
  if (phoneColumns.some((column) => row.fields.has(column))) {
    const phones = phoneColumns.map((column) => text(row, column)).filter((p): p is string => !!p);
    user.phones = [...new Set(phones)];
  }
  return user;
}

function identifiersOf(cards: readonly CopyRow[]): ImportedIdentifier[] {
  const identifiers: ImportedIdentifier[] = [];
  for (const card of cards) {
    const barcode = text(card, 'barcode');
    if (barcode && !identifiers.some((i) => i.value === barcode)) identifiers.push({ type: 'BARCODE', value: barcode });
  }
  return identifiers;
}

function addressLine(row: CopyRow): string {
  return ['street1', 'street2', 'city', 'state', 'post_code', 'country']
    .map((column) => text(row, column))
    .filter((part): part is string => !!part)
    .join(', ');
}

function warnOrphans(byUser: Map<string, CopyRow[]> | null, userIds: ReadonlyMap<string, CopyRow>, what: string, warnings: string[]): void {
  if (!byUser) return;
  for (const [userKey, rows] of byUser) {
    if (userIds.has(userKey)) continue;
    for (const row of rows) warnings.push(`${row.file}: record ${recordOf(row)}: ${what} of user id ${userKey}, who is not in the input; skipped`);
  }
}

/** Status of a circulation that is still open, from the reason its fines stopped. */
function activeLoanStatus(stopFines: string | null | undefined): LoanStatus {
  switch (stopFines) {
    case 'LOST':
    case 'LONGOVERDUE':
      return 'LOST';
    case 'CLAIMSRETURNED':
      return 'CLAIMED_RETURNED';
    default:
      return 'ON_LOAN';
  }
}

function requestStatus(row: CopyRow): RequestStatus {
  if (date(row, 'fulfillment_time')) return 'FULFILLED';
  if (date(row, 'cancel_time')) return 'CANCELLED';
  if (date(row, 'shelf_time')) return 'ON_HOLD_SHELF';
  if (date(row, 'capture_time')) return 'IN_TRANSIT';
  return 'PLACED';
}
