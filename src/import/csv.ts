/**
 * Users CSV importer: our own documented format (docs/import-csv.md). One header row, then one user per
 * row. Being our own format, it is strict: an unknown column, a bad value or a duplicate primary id
 * refuses the whole input, naming file, line and field. An empty cell is not carried (a re-import leaves
 * that field as it is). The format carries no money.
 */
import { parse } from 'csv-parse/sync';
import { addDays, type CalendarDate } from '../domain/calendar-date.ts';
import { AppError } from '../domain/errors.ts';
import { emptyBatch, type ImportBatch, type ImportedUser } from '../domain/import-batch.ts';
import { ACCOUNT_TYPES, RECORD_TYPES, toKey, type AccountType, type RecordType } from '../domain/user.ts';
import { checkDate } from './field-checks.ts';
import { checkImportOptions, type ImportOptions } from './import-options.ts';
import { readSourceFiles } from './source-files.ts';

/** The columns of the users CSV, in the documented order. */
export const USER_CSV_COLUMNS = [
  'primary_id',
  'record_type',
  'user_group',
  'account_type',
  'status',
  'first_name',
  'middle_name',
  'last_name',
  'email',
  'phone',
  'address',
  'birth_date',
  'expiry_date',
  'purge_date',
  'home_library',
  'barcode',
  'last_activity_date',
  'do_not_purge',
  'do_not_purge_reason',
  'statistical_category',
] as const;
export type UserCsvColumn = (typeof USER_CSV_COLUMNS)[number];

/** The reason recorded when `do_not_purge` is true and no reason is given. */
export const DEFAULT_DO_NOT_PURGE_REASON = 'set by CSV import';

/** Separates several values in the `email`, `phone` and `statistical_category` cells. */
const LIST_SEPARATOR = ';';

/** The statuses a CSV may set (`DELETED` is the product's own tombstone mark, never imported). */
const IMPORTABLE_STATUSES = ['ACTIVE', 'INACTIVE'] as const;

/** The failure of a malformed CSV: names file, line and (when there is one) field. Nothing is written. */
function malformedLine(file: string, line: number, field: string | null, problem: string): AppError {
  const at = field === null ? '' : ` field ${field}:`;
  return new AppError('IMPORT_MALFORMED', `${file}: line ${line}:${at} ${problem}; nothing was imported`);
}

/**
 * Reads users CSV files and directories (read recursively; files not named `.csv` are skipped with a
 * warning) into one batch for source `csv`. Throws AppError `IMPORT_MALFORMED` naming file, line and
 * field for a malformed input, and `VALIDATION_FAILED` for invalid options.
 */
export async function readUsersCsv(paths: readonly string[], options: ImportOptions): Promise<ImportBatch> {
  checkImportOptions(options);
  const batch = emptyBatch('csv');
  const seen = new Map<string, { file: string; line: number }>();
  for (const file of await readSourceFiles(paths)) {
    if (!/\.csv$/i.test(file.name)) {
      batch.warnings.push(`${file.name}: skipped: not a .csv file`);
      continue;
    }
    for (const row of parseRows(file.name, file.text)) {
      const user = readUser(file.name, row, options);
      const key = toKey(user.primaryId);
      const earlier = seen.get(key);
      if (earlier) {
        throw malformedLine(file.name, row.line, 'primary_id', `duplicate primary id "${user.primaryId}" (also ${earlier.file} line ${earlier.line})`);
      }
      seen.set(key, { file: file.name, line: row.line });
      batch.users.push(user);
    }
  }
  return batch;
}

/** One data row: its first line in the file and its non-empty cells by column. */
interface Row {
  line: number;
  cells: Partial<Record<UserCsvColumn, string>>;
}

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

function parseRows(file: string, text: string): Row[] {
  let records: ParsedRecord[];
  try {
    records = parse(text, { bom: true, info: true, raw: true, skip_empty_lines: true }) as unknown as ParsedRecord[];
  } catch (error) {
    throw syntaxError(file, error);
  }
  const [header, ...data] = records;
  if (!header) throw malformedLine(file, 1, null, 'no header row (the first line names the columns)');
  const headerLine = firstLine(header);
  const columns = header.record.map((name) => name.trim().toLowerCase());
  const known = new Set<string>(USER_CSV_COLUMNS);
  columns.forEach((name, index) => {
    if (name === '') throw malformedLine(file, headerLine, `#${index + 1}`, 'the header names no column here');
    if (!known.has(name)) {
      throw malformedLine(file, headerLine, name, `unknown column (the columns are ${USER_CSV_COLUMNS.join(', ')})`);
    }
    if (columns.indexOf(name) !== index) throw malformedLine(file, headerLine, name, 'column given twice');
  });
  if (!columns.includes('primary_id')) throw malformedLine(file, headerLine, 'primary_id', 'required column missing');

  return data.map((parsed) => {
    const cells: Row['cells'] = {};
    parsed.record.forEach((value, index) => {
      const text = value.trim();
      if (text !== '') cells[columns[index] as UserCsvColumn] = text;
    });
    return { line: firstLine(parsed), cells };
  });
}

/** The line a record starts on: csv-parse counts to its last line, and a quoted cell may span lines. */
function firstLine(parsed: ParsedRecord): number {
  const body = parsed.raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
  return parsed.info.lines - (body.match(/\n/g)?.length ?? 0);
}

/** A CSV syntax error, without csv-parse's own message (it quotes cell values: personal data). */
function syntaxError(file: string, error: unknown): AppError {
  const details = (error ?? {}) as { code?: unknown; lines?: unknown };
  const line = typeof details.lines === 'number' ? details.lines : 1;
  const problems: Record<string, string> = {
    CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'the row has a different number of cells than the header',
    CSV_QUOTE_NOT_CLOSED: 'a quoted cell is not closed',
    INVALID_OPENING_QUOTE: 'a quote inside a cell that does not start with a quote',
    CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a cell',
  };
  const code = typeof details.code === 'string' ? details.code : 'CSV_ERROR';
  return new AppError('IMPORT_MALFORMED', `${file}: line ${line}: ${problems[code] ?? `not valid CSV (${code})`}; nothing was imported`, {
    cause: error,
  });
}

function readUser(file: string, row: Row, options: ImportOptions): ImportedUser {
  const { cells, line } = row;
  const fail = (field: UserCsvColumn, problem: string) => malformedLine(file, line, field, problem);
  /** A date cell; `personal` (the birth date): a refusal does not repeat the value. */
  const date = (field: UserCsvColumn, { personal = false } = {}): CalendarDate | undefined => {
    const value = cells[field];
    if (value === undefined) return undefined;
    // Cells are trimmed and never empty here, so a null (no date) cannot come back.
    return checkDate(value, { file, record: `line ${line}`, field, personal, refuse: (problem) => fail(field, problem) }) ?? undefined;
  };
  const choice = <T extends string>(field: UserCsvColumn, allowed: readonly T[]): T | undefined => {
    const value = cells[field];
    if (value === undefined) return undefined;
    const upper = value.toUpperCase();
    const match = allowed.find((candidate) => candidate === upper);
    if (!match) throw fail(field, `"${value}" is not one of ${allowed.join(', ')}`);
    return match;
  };

  const primaryId = cells.primary_id;
  if (primaryId === undefined) throw fail('primary_id', 'missing');
  const user: ImportedUser = { sourceKey: toKey(primaryId), primaryId, location: { file, record: `line ${line}` } };

  const recordType: RecordType | undefined = choice('record_type', RECORD_TYPES);
  if (recordType !== undefined) user.recordType = recordType;
  if (cells.user_group !== undefined) {
    if (recordType === 'CONTACT') throw fail('user_group', 'a CONTACT has no user group');
    user.userGroup = cells.user_group;
  } else if (recordType === 'CONTACT') {
    user.userGroup = null;
  }
  const accountType: AccountType | undefined = choice('account_type', ACCOUNT_TYPES);
  if (accountType !== undefined) user.accountType = accountType;
  const status = choice('status', IMPORTABLE_STATUSES);
  if (status !== undefined) user.status = status;

  if (cells.first_name !== undefined) user.firstName = cells.first_name;
  if (cells.middle_name !== undefined) user.middleName = cells.middle_name;
  if (cells.last_name !== undefined) user.lastName = cells.last_name;
  if (cells.email !== undefined) user.emails = splitList(cells.email);
  if (cells.phone !== undefined) user.phones = splitList(cells.phone);
  if (cells.address !== undefined) user.addresses = [cells.address.replace(/\s*\r?\n\s*/g, ', ')];
  if (cells.home_library !== undefined) user.homeLibrary = cells.home_library;
  if (cells.barcode !== undefined) user.identifiers = [{ type: 'BARCODE', value: cells.barcode }];
  if (cells.statistical_category !== undefined) user.statisticalCategories = splitList(cells.statistical_category);

  const birthDate = date('birth_date', { personal: true });
  if (birthDate !== undefined) user.birthDate = birthDate;
  const expiryDate = date('expiry_date');
  if (expiryDate !== undefined) user.expiryDate = expiryDate;
  const lastActivityDate = date('last_activity_date');
  if (lastActivityDate !== undefined) user.lastActivityDate = lastActivityDate;
  const purgeDate = date('purge_date');
  if (purgeDate !== undefined) {
    user.purgeDate = purgeDate;
  } else if (options.purgeDaysAfterExpiry !== null && expiryDate !== undefined) {
    user.purgeDate = addDays(expiryDate, options.purgeDaysAfterExpiry);
  }

  const doNotPurge = cells.do_not_purge;
  if (doNotPurge !== undefined && !/^(true|false)$/i.test(doNotPurge)) throw fail('do_not_purge', `"${doNotPurge}" is not true or false`);
  const protect = doNotPurge?.toLowerCase() === 'true';
  if (cells.do_not_purge_reason !== undefined && !protect) {
    throw fail('do_not_purge_reason', 'given, but do_not_purge is not true');
  }
  // The batch can set the flag (with a reason) but not clear it: `false` leaves the flag as it is.
  if (protect) user.doNotPurgeReason = cells.do_not_purge_reason ?? DEFAULT_DO_NOT_PURGE_REASON;
  return user;
}

function splitList(cell: string): string[] {
  return cell
    .split(LIST_SEPARATOR)
    .map((value) => value.trim())
    .filter((value) => value !== '');
}
