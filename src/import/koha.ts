/**
 * Koha importer (SPEC.md section 8). Reads two shapes:
 * - the installer YAML (`tables: - borrowers: {rows: [...]}`): `borrowers`, `categories` (groups and
 *   their category types), `branches` (libraries), and when present `issues` (every row an active loan),
 *   `reserves` (active requests) and `accountlines` (fees: `amountoutstanding`). Other tables are skipped
 *   with a warning; `sql_statements` are never run.
 * - Koha's patron import CSV: a header row of `borrowers` column names (plus `patron_attributes`).
 *   Columns we do not use are ignored, as this is a third-party format.
 * Files are told apart by their extension (`.yml`/`.yaml`, `.csv`); anything else is skipped with a warning.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { parse as parseCsv } from 'csv-parse/sync';
import { addDays, type CalendarDate } from '../domain/calendar-date.ts';
import { emptyBatch, type ImportBatch, type ImportedIdentifier, type ImportedUser } from '../domain/import-batch.ts';
import { currencyDigits, parseMoney } from '../domain/money.ts';
import { toKey, type FeeCloseReason, type RequestStatus } from '../domain/user.ts';
import { checkDate } from './field-checks.ts';
import { checkImportOptions, type ImportOptions } from './import-options.ts';
import { warnUncarriedRecords } from './input-coverage.ts';
import { malformed, readSourceFiles, type SourceFile } from './source-files.ts';

/** The reason given to a patron Koha marks `protected` (it cannot be deleted there either). */
export const PROTECTED_REASON = 'protected in Koha';

/** The Koha tables this importer reads. */
const TABLES = ['borrowers', 'categories', 'branches', 'issues', 'reserves', 'accountlines'] as const;
type KohaTable = (typeof TABLES)[number];

/** A value that is not a scalar (a nested list or map) where a row should hold a scalar. */
const NOT_SCALAR = Symbol('not a scalar');

/** One row of a Koha table, from a YAML row or a CSV line; `fields` holds exactly the keys the row has. */
interface KohaRow {
  file: string;
  /** `line N`, and the row's key when it has one. */
  record: string;
  fields: ReadonlyMap<string, string | null | typeof NOT_SCALAR>;
}

/** Reads Koha installer YAML and patron CSV files from `paths` into one batch, or throws IMPORT_MALFORMED. */
export async function readKoha(paths: string[], options: ImportOptions): Promise<ImportBatch> {
  checkImportOptions(options);
  const files = await readSourceFiles(paths);
  const batch = emptyBatch('koha');
  const tables = new Map<KohaTable, KohaRow[]>(TABLES.map((t) => [t, []]));
  const present = new Set<KohaTable>();
  for (const file of files) {
    if (/\.ya?ml$/i.test(file.name)) collectYaml(file, tables, present, batch.warnings);
    else if (/\.csv$/i.test(file.name)) collectCsv(file, tables, batch.warnings);
    else batch.warnings.push(`${file.name}: skipped: not a Koha YAML or CSV file`);
  }
  buildBatch(tables, options, batch);
  warnUncarriedRecords(batch, { loans: present.has('issues'), fees: present.has('accountlines') });
  return batch;
}

function isKohaTable(name: string): name is KohaTable {
  return (TABLES as readonly string[]).includes(name);
}

/** The key a row of `table` is known by, for messages. */
const KEY_COLUMN: Record<KohaTable, string> = {
  borrowers: 'borrowernumber',
  categories: 'categorycode',
  branches: 'branchcode',
  issues: 'issue_id',
  reserves: 'reserve_id',
  accountlines: 'accountlines_id',
};

function recordName(table: KohaTable, line: number, fields: ReadonlyMap<string, unknown>): string {
  const column = KEY_COLUMN[table];
  const key = fields.get(column);
  return typeof key === 'string' && key.trim() !== '' ? `line ${line} (${column} ${key.trim()})` : `line ${line}`;
}

// ---------------------------------------------------------------------------------------------------
// Installer YAML

/** The scalar's text as written: numbers keep their digits (`23529000152273`, `5.000000`). */
function scalarText(node: unknown): string | null | typeof NOT_SCALAR {
  if (node === null || node === undefined) return null;
  if (!isScalar(node)) return NOT_SCALAR;
  const value = node.value;
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint') return node.source ?? String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return NOT_SCALAR;
}

/** Adds the rows of the tables we read to `tables`; `present` gets every such table the file has, rows or not. */
function collectYaml(file: SourceFile, tables: Map<KohaTable, KohaRow[]>, present: Set<KohaTable>, warnings: string[]): void {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter, uniqueKeys: false });
  const lineAt = (node: YamlNode | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 0);
  const error = doc.errors[0];
  if (error) {
    // The parser's message quotes the text around the error (personal data): give its code and line only.
    const line = error.linePos?.[0].line;
    throw malformed(file.name, line === undefined ? '(file)' : `line ${line}`, '(YAML)', `not valid YAML (${error.code})`);
  }
  const root = doc.contents;
  const tableList = isMap(root) ? root.get('tables', true) : undefined;
  if (!isSeq(tableList)) {
    warnings.push(`${file.name}: skipped: not a Koha installer YAML (no tables list)`);
    return;
  }
  if (isMap(root) && root.has('sql_statements')) {
    warnings.push(`${file.name}: its sql_statements are not run (they change data after loading in Koha)`);
  }
  for (const entry of tableList.items) {
    if (!isMap(entry)) throw malformed(file.name, `line ${lineAt(entry as YamlNode)}`, 'tables', 'an entry is not a table');
    for (const pair of entry.items) {
      const name = scalarText(pair.key);
      if (typeof name !== 'string') throw malformed(file.name, `line ${lineAt(pair.key as YamlNode)}`, 'tables', 'a table has no name');
      if (!isKohaTable(name)) {
        warnings.push(`${file.name}: table ${name} is not used by the import; skipped`);
        continue;
      }
      present.add(name);
      const body = pair.value;
      const rows = isMap(body) ? body.get('rows', true) : undefined;
      if (rows === undefined || rows === null || (isScalar(rows) && rows.value === null)) continue;
      if (!isSeq(rows)) throw malformed(file.name, `line ${lineAt(body as YamlNode)}`, `${name}.rows`, 'is not a list');
      const target = tables.get(name) as KohaRow[];
      for (const item of rows.items) {
        const line = lineAt(item as YamlNode);
        if (!isMap(item)) throw malformed(file.name, `line ${line}`, name, 'a row is not a map of columns');
        const fields = new Map<string, string | null | typeof NOT_SCALAR>();
        for (const cell of item.items) {
          const column = scalarText(cell.key);
          if (typeof column !== 'string') throw malformed(file.name, `line ${line}`, name, 'a column has no name');
          if (fields.has(column)) throw malformed(file.name, `line ${line}`, column, 'the column appears twice in the row');
          fields.set(column, scalarText(cell.value));
        }
        target.push({ file: file.name, record: recordName(name, line, fields), fields });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Patron import CSV

interface CsvRecord {
  info: { lines: number };
  raw: string;
  record: string[];
}

function collectCsv(file: SourceFile, tables: Map<KohaTable, KohaRow[]>, warnings: string[]): void {
  let records: CsvRecord[];
  try {
    records = parseCsv(file.text, { bom: true, info: true, raw: true, skip_empty_lines: true }) as unknown as CsvRecord[];
  } catch (error) {
    // csv-parse messages can quote field values (personal data): give the code and the line only.
    const { code, lines } = error as { code?: string; lines?: number };
    throw malformed(file.name, lines === undefined ? '(file)' : `line ${lines}`, '(CSV)', `not valid CSV (${code ?? 'parse error'})`);
  }
  const [header, ...rows] = records;
  if (!header) {
    warnings.push(`${file.name}: skipped: empty CSV file`);
    return;
  }
  const columns = header.record.map((name) => name.trim());
  if (!['cardnumber', 'userid', 'borrowernumber'].some((c) => columns.includes(c))) {
    warnings.push(`${file.name}: skipped: not a Koha patron CSV (no cardnumber, userid or borrowernumber column)`);
    return;
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (column !== '' && seen.has(column)) throw malformed(file.name, 'line 1', column, 'the column appears twice in the header');
    seen.add(column);
  }
  const borrowers = tables.get('borrowers') as KohaRow[];
  for (const row of rows) {
    // info.lines is the record's last line; a quoted field may span several.
    const line = row.info.lines - (row.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    const fields = new Map<string, string | null>();
    columns.forEach((column, index) => {
      if (column !== '') fields.set(column, row.record[index] ?? null);
    });
    borrowers.push({ file: file.name, record: recordName('borrowers', line, fields), fields });
  }
}

// ---------------------------------------------------------------------------------------------------
// Field readers: undefined = the row does not carry the column, null = empty.

function text(row: KohaRow, column: string): string | null | undefined {
  if (!row.fields.has(column)) return undefined;
  const value = row.fields.get(column);
  if (value === NOT_SCALAR) throw malformed(row.file, row.record, column, 'is not a single value');
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function required(row: KohaRow, column: string): string {
  const value = text(row, column);
  if (value === undefined || value === null) throw malformed(row.file, row.record, column, 'is empty');
  return value;
}

/** A date column; `personal` (the birth date): a refusal does not repeat the value. */
function date(row: KohaRow, column: string, { personal = false } = {}): CalendarDate | null | undefined {
  const value = text(row, column);
  if (value === undefined || value === null) return value;
  // MySQL's zero date means "none".
  if (/^0000-00-00/.test(value)) return null;
  return checkDate(value, { file: row.file, record: row.record, field: column, personal });
}

function amount(row: KohaRow, column: string, digits: number): number | undefined {
  const value = text(row, column);
  if (value === undefined || value === null) return undefined;
  const parsed = parseMoney(value, digits, { allowNegative: true });
  if (!parsed.ok) throw malformed(row.file, row.record, column, parsed.message);
  return parsed.minor;
}

/** The non-empty values of `columns`, or undefined when the row carries none of them. */
function values(row: KohaRow, columns: readonly string[]): string[] | undefined {
  if (!columns.some((c) => row.fields.has(c))) return undefined;
  const found = columns.map((c) => text(row, c)).filter((v): v is string => !!v);
  return [...new Set(found)];
}

/** One address as one line, from Koha's address columns with `prefix` (`''` or `B_`). */
function addressLine(row: KohaRow, prefix: string): string {
  const street = ['streetnumber', 'streettype', 'address']
    .map((c) => text(row, prefix + c))
    .filter((v): v is string => !!v)
    .join(' ');
  return [street, ...['address2', 'city', 'state', 'zipcode', 'country'].map((c) => text(row, prefix + c))]
    .filter((v): v is string => !!v)
    .join(', ');
}

const ADDRESS_COLUMNS = ['streetnumber', 'streettype', 'address', 'address2', 'city', 'state', 'zipcode', 'country'];

function checkUnique(seen: Map<string, KohaRow>, key: string, row: KohaRow, column: string): void {
  const first = seen.get(key);
  if (first) throw malformed(row.file, row.record, column, `duplicate ${column} "${key}" (first at ${first.file} ${first.record})`);
  seen.set(key, row);
}

/** Koha's `patron_attributes` CSV column: `CODE:value,CODE2:value2`. */
function patronAttributes(row: KohaRow): ImportedIdentifier[] {
  const value = text(row, 'patron_attributes');
  if (!value) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      const type = colon > 0 ? entry.slice(0, colon).trim() : '';
      const attribute = colon > 0 ? entry.slice(colon + 1).trim().replace(/^"(.*)"$/, '$1') : '';
      if (type === '' || attribute === '') throw malformed(row.file, row.record, 'patron_attributes', 'an entry is not CODE:value');
      return { type, value: attribute };
    });
}

// ---------------------------------------------------------------------------------------------------
// Mapping

function buildBatch(tables: Map<KohaTable, KohaRow[]>, options: ImportOptions, batch: ImportBatch): void {
  const digits = currencyDigits(options.currency);
  const rowsOf = (table: KohaTable): KohaRow[] => tables.get(table) ?? [];

  const categoryTypes = new Map<string, string | null>();
  const categories = new Map<string, KohaRow>();
  for (const row of rowsOf('categories')) {
    const code = required(row, 'categorycode');
    checkUnique(categories, toKey(code), row, 'categorycode');
    categoryTypes.set(toKey(code), text(row, 'category_type') ?? null);
    batch.groups.push({ code, description: text(row, 'description') ?? code });
  }

  const branches = new Map<string, KohaRow>();
  for (const row of rowsOf('branches')) {
    const code = required(row, 'branchcode');
    checkUnique(branches, toKey(code), row, 'branchcode');
    batch.libraries.push({ code, name: text(row, 'branchname') ?? code });
  }

  const borrowerNumbers = new Map<string, KohaRow>();
  const primaryIds = new Map<string, KohaRow>();
  for (const row of rowsOf('borrowers')) {
    const borrowernumber = text(row, 'borrowernumber');
    const idColumn = ['cardnumber', 'userid', 'borrowernumber'].find((c) => text(row, c));
    if (idColumn === undefined) {
      throw malformed(row.file, row.record, 'cardnumber', 'no primary id: cardnumber, userid and borrowernumber are empty');
    }
    const primaryId = required(row, idColumn);
    if (borrowernumber) checkUnique(borrowerNumbers, borrowernumber, row, 'borrowernumber');
    checkUnique(primaryIds, toKey(primaryId), row, idColumn);
    batch.users.push(mapBorrower(row, primaryId, borrowernumber ?? primaryId, categoryTypes, options));
  }

  /** The borrower a related row belongs to; undefined (with a warning) when the row names none. */
  const userOf = (row: KohaRow, what: string): string | undefined => {
    const key = text(row, 'borrowernumber');
    if (!key) batch.warnings.push(`${row.file}: record ${row.record}: ${what} without borrowernumber; skipped`);
    return key ?? undefined;
  };

  const issueIds = new Map<string, KohaRow>();
  for (const row of rowsOf('issues')) {
    const externalId = text(row, 'issue_id') ?? required(row, 'itemnumber');
    checkUnique(issueIds, externalId, row, text(row, 'issue_id') ? 'issue_id' : 'itemnumber');
    const loan = {
      externalId,
      library: text(row, 'branchcode'),
      loanDate: date(row, 'issuedate'),
      dueDate: date(row, 'date_due'),
      status: 'ON_LOAN' as const,
      location: { file: row.file, record: row.record },
    };
    const userKey = userOf(row, 'issue');
    if (userKey) batch.loans.push({ ...loan, userKey });
  }

  const reserveIds = new Map<string, KohaRow>();
  for (const row of rowsOf('reserves')) {
    const externalId = required(row, 'reserve_id');
    checkUnique(reserveIds, externalId, row, 'reserve_id');
    const request = {
      externalId,
      requestDate: date(row, 'reservedate'),
      status: reserveStatus(text(row, 'found')),
      location: { file: row.file, record: row.record },
    };
    const userKey = userOf(row, 'reserve');
    if (userKey) batch.requests.push({ ...request, userKey });
  }

  const accountlineIds = new Map<string, KohaRow>();
  for (const row of rowsOf('accountlines')) {
    const externalId = required(row, 'accountlines_id');
    checkUnique(accountlineIds, externalId, row, 'accountlines_id');
    const balance = amount(row, 'amountoutstanding', digits);
    if (balance === undefined) throw malformed(row.file, row.record, 'amountoutstanding', 'is empty');
    const original = amount(row, 'amount', digits) ?? balance;
    const active = balance !== 0;
    const fee = {
      externalId,
      feeType: text(row, 'debit_type_code') ?? text(row, 'credit_type_code') ?? text(row, 'accounttype') ?? 'FEE',
      status: active ? ('ACTIVE' as const) : ('CLOSED' as const),
      closeReason: active ? null : closeReason(text(row, 'status')),
      closedDate: active ? null : date(row, 'updated_on'),
      createdDate: date(row, 'date'),
      originalAmount: original,
      balance,
      location: { file: row.file, record: row.record },
    };
    const userKey = userOf(row, 'account line');
    if (userKey) batch.fees.push({ ...fee, userKey });
  }
}

function mapBorrower(
  row: KohaRow,
  primaryId: string,
  sourceKey: string,
  categoryTypes: ReadonlyMap<string, string | null>,
  options: ImportOptions,
): ImportedUser {
  const expiryDate = date(row, 'dateexpiry');
  const user: ImportedUser = {
    sourceKey,
    primaryId,
    firstName: text(row, 'firstname'),
    middleName: text(row, 'middle_name'),
    lastName: text(row, 'surname'),
    birthDate: date(row, 'dateofbirth', { personal: true }),
    expiryDate,
    homeLibrary: text(row, 'branchcode'),
    lastActivityDate: date(row, 'lastseen'),
    emails: values(row, ['email', 'emailpro', 'B_email']),
    phones: values(row, ['phone', 'mobile', 'phonepro', 'B_phone']),
    notes: values(row, ['borrowernotes']),
    statisticalCategories: values(row, ['sort1', 'sort2']),
    location: { file: row.file, record: row.record },
  };
  const category = text(row, 'categorycode');
  if (category) {
    user.userGroup = category;
    user.recordType = categoryTypes.get(toKey(category)) === 'S' ? 'STAFF' : 'PUBLIC';
  } else if (category === null) {
    // Without a category there is no category type to say otherwise.
    user.recordType = 'PUBLIC';
  }
  if (options.purgeDaysAfterExpiry !== null && expiryDate) user.purgeDate = addDays(expiryDate, options.purgeDaysAfterExpiry);
  if ([...ADDRESS_COLUMNS, ...ADDRESS_COLUMNS.map((c) => `B_${c}`)].some((c) => row.fields.has(c))) {
    user.addresses = [addressLine(row, ''), addressLine(row, 'B_')].filter((a) => a !== '');
  }
  if (row.fields.has('cardnumber') || row.fields.has('patron_attributes')) {
    const card = text(row, 'cardnumber');
    user.identifiers = [...(card ? [{ type: 'BARCODE', value: card }] : []), ...patronAttributes(row)];
  }
  const isProtected = text(row, 'protected');
  if (isProtected && isProtected !== '0') user.doNotPurgeReason = PROTECTED_REASON;
  return user;
}

/** A reserve's `found`: W waiting on the hold shelf, T in transit, anything else still placed. */
function reserveStatus(found: string | null | undefined): RequestStatus {
  switch (found?.toUpperCase()) {
    case 'W':
      return 'ON_HOLD_SHELF';
    case 'T':
      return 'IN_TRANSIT';
    default:
      return 'PLACED';
  }
}

/** The close reason of a settled account line, from Koha's debit `status`. */
function closeReason(status: string | null | undefined): FeeCloseReason | null {
  switch (status?.toUpperCase()) {
    case 'PAID':
      return 'PAID';
    case 'WRITTEN_OFF':
    case 'FORGIVEN':
      return 'WAIVED';
    case 'CANCELLED':
    case 'VOID':
      return 'CANCELLED';
    default:
      return null;
  }
}
