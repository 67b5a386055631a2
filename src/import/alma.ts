/**
 * The Alma importer (SPEC.md section 8). Reads the Alma REST shapes, JSON and XML: a user, user lists,
 * fee lists and single fees, loan lists and single loans, request lists and single requests. Each file's
 * kind is recognised by its shape, not its name. Also reads the older SOAP-era user record
 * (`userRecord`/`userDetails`, namespace `http://com/exlibris/urm/user_record/xmlbeans`), whose fields map
 * one to one onto the REST user's.
 *
 * Files that are not records of the format (XSDs, JSON Schemas, Alma error responses, bursar exports,
 * loose fragments of a SOAP-era record, the "requested resources" list, anything else) are skipped with a
 * warning naming the file. A malformed record refuses the whole input with IMPORT_MALFORMED.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { extname } from 'node:path';
import { addDays, type CalendarDate } from '../domain/calendar-date.ts';
import {
  emptyBatch,
  type ImportBatch,
  type ImportedBlock,
  type ImportedFee,
  type ImportedIdentifier,
  type ImportedLoan,
  type ImportedRequest,
  type ImportedUser,
  type SourceLocation,
} from '../domain/import-batch.ts';
import { currencyDigits, parseMoney } from '../domain/money.ts';
import {
  ACCOUNT_TYPES,
  RECORD_TYPES,
  toKey,
  type FeeCloseReason,
  type FeeStatus,
  type LoanStatus,
  type RequestStatus,
  type UserStatus,
} from '../domain/user.ts';
import { checkDate } from './field-checks.ts';
import { checkImportOptions, type ImportOptions } from './import-options.ts';
import { warnUncarriedRecords, type CarriedRecords } from './input-coverage.ts';
import { malformed, readSourceFiles, type SourceFile } from './source-files.ts';

type Obj = Record<string, unknown>;

/** Alma `request_status` codes and what they mean here; the status alone decides (SPEC section 8). */
const REQUEST_STATUS_MAP: Readonly<Record<string, RequestStatus>> = {
  NOT_STARTED: 'PLACED',
  IN_PROCESS: 'IN_TRANSIT',
  ON_HOLD_SHELF: 'ON_HOLD_SHELF',
  HISTORY: 'FULFILLED',
  COMPLETED: 'FULFILLED',
  CANCELLED: 'CANCELLED',
  CANCELED: 'CANCELLED',
  EXPIRED: 'EXPIRED',
};

/**
 * Alma fee statuses (code table FineFeeStatus). A fee in dispute may still be owed, so it stays active:
 * nobody who may owe money is purged. An exported fee was handed to the bursar.
 */
const FEE_STATUS_MAP: Readonly<Record<string, { status: FeeStatus; closeReason: FeeCloseReason | null }>> = {
  ACTIVE: { status: 'ACTIVE', closeReason: null },
  INDISPUTE: { status: 'ACTIVE', closeReason: null },
  CLOSED: { status: 'CLOSED', closeReason: null },
  EXPORTED: { status: 'CLOSED', closeReason: 'TRANSFERRED' },
};

/** `process_status` values of an active Alma loan that name a more precise active state. */
const LOAN_PROCESS_STATUS_MAP: Readonly<Record<string, LoanStatus>> = {
  LOST: 'LOST',
  CLAIMED_RETURN: 'CLAIMED_RETURNED',
  CLAIMED_RETURNED: 'CLAIMED_RETURNED',
};

const USER_STATUSES_IMPORTED = ['ACTIVE', 'INACTIVE'] as const;

/**
 * XML list wrappers of the REST user and the element each holds. In Alma JSON the same lists appear
 * without the wrapper, under the singular name (`user_identifiers/user_identifier` in XML is
 * `user_identifier: [...]` in JSON), so XML is normalised to the JSON shape and read by one mapper.
 */
const XML_WRAPPERS: Readonly<Record<string, string>> = {
  user_identifiers: 'user_identifier',
  user_roles: 'user_role',
  user_blocks: 'user_block',
  user_notes: 'user_note',
  user_statistics: 'user_statistic',
  proxy_for_users: 'proxy_for_user',
  rs_libraries: 'rs_library',
  library_notices: 'library_notice',
  addresses: 'address',
  emails: 'email',
  phones: 'phone',
  address_types: 'address_type',
  email_types: 'email_type',
  phone_types: 'phone_type',
};

/** Keys by which a JSON object without `primary_id` is still recognised as a user (and refused). */
const USER_SHAPE_KEYS = ['record_type', 'user_group', 'account_type', 'contact_info', 'user_identifier', 'user_role', 'full_name', 'first_name', 'last_name'];

/** Keys of an Alma list response that carry no records (`{"total_record_count": 0}`). */
const LIST_ENVELOPE_KEYS = new Set(['total_record_count', 'total_sum', 'currency', 'link']);

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Values stay strings: a primary id "00123" or an amount "0.30" must not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

/** What a record kind needs for messages and duplicate checks. */
interface RelatedKind {
  label: string;
  idField: string;
  /** Field of ours -> field of the source, to name the field that differs between two copies. */
  sourceFields: Readonly<Record<string, string>>;
}

const LOAN_KIND: RelatedKind = {
  label: 'loan',
  idField: 'loan_id',
  sourceFields: {
    userKey: 'user_id',
    itemBarcode: 'item_barcode',
    library: 'library',
    loanDate: 'loan_date',
    dueDate: 'due_date',
    returnDate: 'return_date',
    status: 'loan_status',
  },
};
const REQUEST_KIND: RelatedKind = {
  label: 'request',
  idField: 'request_id',
  sourceFields: { userKey: 'user_primary_id', requestType: 'request_type', requestDate: 'request_date', status: 'request_status' },
};
const FEE_KIND: RelatedKind = {
  label: 'fee',
  idField: 'id',
  sourceFields: {
    userKey: 'link',
    feeType: 'type',
    status: 'status',
    closeReason: 'status',
    closedDate: 'status_time',
    createdDate: 'creation_time',
    originalAmount: 'original_amount',
    balance: 'balance',
  },
};

/** State of one readAlma call. */
interface Reader {
  batch: ImportBatch;
  options: ImportOptions;
  digits: number;
  /** Users by lower-cased primary id: where each was read, to refuse duplicates. */
  users: Map<string, SourceLocation>;
  /** Related records by kind and external id, to refuse conflicting copies and read identical ones once. */
  related: Map<string, { record: object; location: SourceLocation }>;
  groups: Map<string, { code: string; description: string }>;
  libraries: Map<string, { code: string; name: string }>;
  /** Whether any file held a loan or fee list or record (even an empty list). */
  carried: CarriedRecords;
}

/** The context of records inside one file: the file, its user (for fees without a link), its currency. */
interface Scope {
  file: string;
  defaultUser?: string | undefined;
  currency?: unknown;
  currencyField?: string;
}

/**
 * Reads Alma files and directories (recursively) into one ImportBatch (source `alma`). Throws AppError
 * IMPORT_MALFORMED naming file, record and field for a malformed record (nothing is to be written then),
 * and NOT_FOUND for a path that does not exist.
 */
export async function readAlma(paths: string[], options: ImportOptions): Promise<ImportBatch> {
  checkImportOptions(options);
  const files = await readSourceFiles(paths);
  const reader: Reader = {
    batch: emptyBatch('alma'),
    options,
    digits: currencyDigits(options.currency),
    users: new Map(),
    related: new Map(),
    groups: new Map(),
    libraries: new Map(),
    carried: { loans: false, fees: false },
  };
  for (const file of files) readFile(reader, file);
  reader.batch.groups = [...reader.groups.values()];
  reader.batch.libraries = [...reader.libraries.values()];
  warnUncarriedRecords(reader.batch, reader.carried);
  return reader.batch;
}

function readFile(reader: Reader, source: SourceFile): void {
  const { name: file, text } = source;
  const ext = extname(file).toLowerCase();
  if (ext === '.xsd') {
    warn(reader, file, 'an XML Schema (XSD), not Alma records');
    return;
  }
  const first = text.trimStart().charAt(0);
  if (ext === '.json' || (ext !== '.xml' && (first === '{' || first === '['))) {
    readJsonFile(reader, file, text);
  } else if (ext === '.xml' || first === '<') {
    readXmlFile(reader, file, text);
  } else {
    warn(reader, file, 'not an Alma JSON or XML file');
  }
}

function warn(reader: Reader, file: string, why: string): void {
  reader.batch.warnings.push(`${file}: skipped: ${why}`);
}

// ---------------------------------------------------------------------------------------------------
// JSON

function readJsonFile(reader: Reader, file: string, text: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const message = jsonProblem(error);
    const position = /position (\d+)/.exec(message);
    const atEnd = message.startsWith('Unexpected end of JSON input');
    const record = position ? `line ${lineAt(text, Number(position[1]))}` : atEnd ? `line ${lineAt(text, text.length)}` : '(unparseable)';
    throw withCause(malformed(file, record, 'JSON', `not valid JSON (${message})`), error);
  }
  if (!isObj(doc)) {
    warn(reader, file, 'not an Alma REST record (the top level is not a JSON object)');
    return;
  }
  readRestDocument(reader, file, doc, 'JSON');
}

/**
 * Reads one REST document (JSON, or XML normalised to the JSON shape) by its shape. An object may carry a
 * user and, beside it, that user's fees, loans or requests.
 */
function readRestDocument(reader: Reader, file: string, doc: Obj, format: 'JSON' | 'XML'): void {
  if ('$schema' in doc) return warn(reader, file, 'a JSON Schema, not Alma records');
  if ('requested_resource' in doc) {
    // Requests grouped by item: no request status and the requester only as a link, so it cannot be
    // told which requests are active nor, reliably, whose they are.
    return warn(reader, file, 'an Alma "requested resources" list (no request status, no requester id): not mapped to requests');
  }
  if ('errorsExist' in doc || 'web_service_result' in doc) return warn(reader, file, 'an Alma web service error response, not records');

  let found = false;
  let fileUser: string | undefined;
  if (isUserShaped(doc)) {
    fileUser = readRestUser(reader, file, doc, '1');
    found = true;
  } else if ('user' in doc && (Array.isArray(doc.user) || isObj(doc.user) || doc.user === null)) {
    const users = asArray(doc.user);
    const keys = users.map((user, index) => readListedUser(reader, file, user, String(index + 1)));
    if (keys.length === 1) fileUser = keys[0];
    found = true;
  }
  const scope: Scope = { file, defaultUser: fileUser, currency: doc.currency, currencyField: 'currency' };
  if ('fee' in doc) {
    readEach(doc.fee, (fee, record) => readFee(reader, scope, fee, record));
    reader.carried.fees = true;
    found = true;
  } else if (isFeeShaped(doc)) {
    readFee(reader, { file, defaultUser: fileUser }, doc, '1');
    reader.carried.fees = true;
    found = true;
  }
  if ('item_loan' in doc) {
    readEach(doc.item_loan, (loan, record) => readLoan(reader, scope, loan, record));
    reader.carried.loans = true;
    found = true;
  } else if ('loan_id' in doc) {
    readLoan(reader, scope, doc, '1');
    reader.carried.loans = true;
    found = true;
  }
  if ('user_request' in doc) {
    readEach(doc.user_request, (request, record) => readRequest(reader, scope, request, record));
    found = true;
  } else if ('request_id' in doc) {
    readRequest(reader, scope, doc, '1');
    found = true;
  }
  if (found) return;
  // An empty list response carries only its envelope: nothing to read, nothing to warn about.
  const keys = Object.keys(doc);
  if (keys.length > 0 && keys.every((key) => LIST_ENVELOPE_KEYS.has(key)) && Number(text(doc.total_record_count) ?? 0) === 0) return;
  warn(reader, file, `not a recognised Alma REST ${format} shape (user, user list, fee, loan or request)`);
}

function readListedUser(reader: Reader, file: string, user: unknown, record: string): string {
  if (!isObj(user)) throw malformed(file, record, 'user', 'is not a user object');
  return readRestUser(reader, file, user, record);
}

function readEach(list: unknown, read: (item: Obj, record: string) => void): void {
  asArray(list).forEach((item, index) => {
    read(isObj(item) ? item : {}, String(index + 1));
  });
}

function isUserShaped(doc: Obj): boolean {
  return 'primary_id' in doc || USER_SHAPE_KEYS.some((key) => key in doc);
}

function isFeeShaped(doc: Obj): boolean {
  return 'id' in doc && ('balance' in doc || 'original_amount' in doc);
}

// ---------------------------------------------------------------------------------------------------
// XML

function readXmlFile(reader: Reader, file: string, text: string): void {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    // The validator's message quotes tag and attribute names, which stray text (`<` in a note) turns
    // into fragments of personal data: give its code and line only.
    throw malformed(file, `line ${valid.err.line}`, 'XML', `not well-formed XML (${valid.err.code})`);
  }
  let parsed: unknown;
  try {
    parsed = xmlParser.parse(text);
  } catch (error) {
    // Same for the parser's message.
    throw withCause(malformed(file, '(unparseable)', 'XML', 'not well-formed XML'), error);
  }
  const roots = isObj(parsed) ? Object.keys(parsed) : [];
  if (!isObj(parsed) || roots.length !== 1) {
    throw malformed(file, '(document)', 'XML', `expected one root element, found ${roots.length}`);
  }
  const rootName = roots[0] as string;
  const root = parsed[rootName];
  switch (rootName) {
    case 'schema':
      return warn(reader, file, 'an XML Schema (XSD), not Alma records');
    case 'user':
      readRestUser(reader, file, normaliseXmlElement(root) ?? {}, '1');
      return;
    case 'users':
      return readRestDocument(reader, file, { user: asArray(normaliseXmlElement(root)?.user) }, 'XML');
    case 'fees':
    case 'item_loans':
    case 'user_requests': {
      const list = normaliseXmlElement(root) ?? {};
      const item = { fees: 'fee', item_loans: 'item_loan', user_requests: 'user_request' }[rootName];
      return readRestDocument(reader, file, { ...list, [item]: asArray(list[item]) }, 'XML');
    }
    case 'fee':
    case 'item_loan':
    case 'user_request':
      return readRestDocument(reader, file, { [rootName]: [normaliseXmlElement(root) ?? {}] }, 'XML');
    case 'userRecord':
      readSoapUser(reader, file, normaliseXmlElement(root) ?? {});
      return;
    case 'userBlock':
    case 'userIdentifier':
    case 'userNote':
      return warn(reader, file, `a lone ${rootName} element of the SOAP-era user record, without its user`);
    case 'xml-fragment':
      if (text.includes('externalsysfinesfees')) {
        // Users are named there by an institution-specific identifier type, not the primary id, and the
        // amounts are what was handed to the bursar: not fees the library still holds.
        return warn(reader, file, 'an Alma bursar (fines and fees) export, not the REST fee shape');
      }
      return warn(reader, file, 'an XML fragment that is not an Alma REST record');
    case 'web_service_result':
      return warn(reader, file, 'an Alma web service error response, not records');
    default:
      return warn(reader, file, `XML root element <${rootName}> is not an Alma REST record`);
  }
}

/**
 * Turns a parsed XML element into the JSON shape of the same Alma object: attributes become keys
 * (`<fees currency="NOK">` gives `currency`), an element with text and attributes becomes
 * `{value, ...attributes}` (`<user_group desc="Staff">10</user_group>` gives `{value: "10", desc: "Staff"}`,
 * as in JSON), list wrappers become arrays under the singular name, `xsi:nil` becomes null.
 */
function normaliseXmlElement(node: unknown): Obj | undefined {
  const value = normaliseXml(node);
  return isObj(value) ? value : undefined;
}

function normaliseXml(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseXml);
  if (!isObj(node)) return node;
  if (node['@_nil'] === 'true') return null;
  const out: Obj = {};
  let hasChildren = false;
  for (const [key, child] of Object.entries(node)) {
    if (key.startsWith('@_')) {
      out[key.slice(2)] = child;
    } else if (key === '#text') {
      out.value = child;
    } else {
      hasChildren = true;
      const singular = XML_WRAPPERS[key];
      if (singular !== undefined) {
        const inner = isObj(child) ? child[singular] : undefined;
        out[singular] = asArray(inner).map(normaliseXml);
      } else {
        out[key] = normaliseXml(child);
      }
    }
  }
  // `<x desc="...">` with no text and no children is an empty code.
  if (!hasChildren && !('value' in out)) out.value = '';
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Users

/** Maps a REST user (JSON, or XML normalised) and the fees, loans or requests embedded in it. */
function readRestUser(reader: Reader, file: string, u: Obj, index: string): string {
  const primaryId = text(u.primary_id);
  if (!primaryId) throw malformed(file, index, 'primary_id', u.primary_id === undefined ? 'missing' : 'empty');
  const record = primaryId;
  const recordType = vocabulary(file, record, 'record_type', text(u.record_type), RECORD_TYPES);
  const group = text(u.user_group);
  const expiryDate = date(file, record, 'expiry_date', u.expiry_date);
  const contact = isObj(u.contact_info) ? u.contact_info : undefined;

  const user: ImportedUser = {
    sourceKey: primaryId,
    primaryId,
    recordType,
    userGroup: recordType === 'CONTACT' ? null : group,
    accountType: vocabulary(file, record, 'account_type', text(u.account_type), ACCOUNT_TYPES),
    status: userStatus(file, record, 'status', text(u.status)),
    firstName: text(u.first_name),
    middleName: text(u.middle_name),
    lastName: text(u.last_name),
    birthDate: date(file, record, 'birth_date', u.birth_date, { personal: true }),
    expiryDate,
    purgeDate: purgeDate(reader.options, date(file, record, 'purge_date', u.purge_date), expiryDate),
    homeLibrary: text(u.campus_code),
    lastActivityDate: date(file, record, 'last_patron_activity_date', u.last_patron_activity_date),
    emails: contact && 'email' in contact ? texts(asArray(contact.email).map((e) => field(e, 'email_address'))) : undefined,
    phones: contact && 'phone' in contact ? texts(asArray(contact.phone).map((p) => field(p, 'phone_number'))) : undefined,
    addresses: contact && 'address' in contact ? asArray(contact.address).map(addressLine).filter(isNonEmpty) : undefined,
    identifiers: 'user_identifier' in u ? identifiers(asArray(u.user_identifier), 'id_type', 'value') : undefined,
    notes: 'user_note' in u ? texts(asArray(u.user_note).map((n) => field(n, 'note_text'))) : undefined,
    statisticalCategories: 'user_statistic' in u ? texts(asArray(u.user_statistic).map((s) => field(s, 'statistic_category'))) : undefined,
    location: { file, record },
  };
  addUser(reader, user, recordType === 'CONTACT' ? undefined : group, codeDescription(u.user_group));
  if (user.homeLibrary) addLibrary(reader, user.homeLibrary, codeDescription(u.campus_code));

  asArray(u.user_block).forEach((block, i) => {
    const b = isObj(block) ? block : {};
    const status = text(b.block_status);
    // Only blocks in force are imported; Alma keeps inactive ones as history.
    if (status && status.toUpperCase() !== 'ACTIVE') return;
    const description = [codeDescription(b.block_description) ?? text(b.block_description), text(b.block_note)].filter(isNonEmpty).join(': ');
    addBlock(reader, {
      externalId: `${primaryId}/user_block/${i + 1}`,
      userKey: primaryId,
      blockType: text(b.block_type) ?? 'GENERAL',
      description: description === '' ? null : description,
      expiryDate: date(file, record, `user_block[${i + 1}].expiry_date`, b.expiry_date),
      location: { file, record },
    });
  });

  // A fee, loan or request list carried inside the user belongs to that user.
  const scope: Scope = { file, defaultUser: primaryId };
  if (isObj(u.fees) && 'fee' in u.fees) {
    const fees = u.fees;
    readEach(fees.fee, (fee, i) => readFee(reader, { ...scope, currency: fees.currency, currencyField: 'fees.currency' }, fee, `${record}/fee ${i}`));
    reader.carried.fees = true;
  }
  if (isObj(u.loans) && 'item_loan' in u.loans) {
    readEach(u.loans.item_loan, (loan, i) => readLoan(reader, scope, loan, `${record}/loan ${i}`));
    reader.carried.loans = true;
  }
  if (isObj(u.requests) && 'user_request' in u.requests) {
    readEach(u.requests.user_request, (request, i) => readRequest(reader, scope, request, `${record}/request ${i}`));
  }
  return primaryId;
}

/**
 * Maps the SOAP-era user record (`userRecord`, normalised). Its dates are compact timestamps
 * (`20140508035959`); only the literal date part counts.
 */
function readSoapUser(reader: Reader, file: string, rec: Obj): void {
  const d = isObj(rec.userDetails) ? rec.userDetails : {};
  const primaryId = text(d.userName);
  if (!primaryId) throw malformed(file, '1', 'userDetails.userName', d.userName === undefined ? 'missing' : 'empty');
  const record = primaryId;
  const recordType = vocabulary(file, record, 'userDetails.recordType', text(d.recordType), RECORD_TYPES);
  const group = text(d.userGroup);
  const expiryDate = date(file, record, 'userDetails.expiryDate', d.expiryDate);
  const list = (parent: unknown, name: string): unknown[] => (isObj(parent) ? asArray(parent[name]) : []);
  const contacts = isObj(rec.userAddressList) ? rec.userAddressList : undefined;

  const user: ImportedUser = {
    sourceKey: primaryId,
    primaryId,
    recordType,
    userGroup: recordType === 'CONTACT' ? null : group,
    accountType: vocabulary(file, record, 'userDetails.userType', text(d.userType), ACCOUNT_TYPES),
    status: userStatus(file, record, 'userDetails.status', text(d.status)),
    firstName: text(d.firstName),
    middleName: text(d.middleName),
    lastName: text(d.lastName),
    birthDate: date(file, record, 'userDetails.birthDate', d.birthDate, { personal: true }),
    expiryDate,
    purgeDate: purgeDate(reader.options, date(file, record, 'userDetails.purgeDate', d.purgeDate), expiryDate),
    homeLibrary: text(d.campusCode),
    emails: contacts ? texts(list(contacts, 'userEmail').map((e) => field(e, 'email'))) : undefined,
    phones: contacts ? texts(list(contacts, 'userPhone').map((p) => field(p, 'phone'))) : undefined,
    addresses: contacts ? list(contacts, 'userAddress').map(soapAddressLine).filter(isNonEmpty) : undefined,
    identifiers: 'userIdentifiers' in rec ? identifiers(list(rec.userIdentifiers, 'userIdentifier'), 'type', 'value') : undefined,
    notes: 'userNoteList' in rec ? texts(list(rec.userNoteList, 'userNote').map((n) => field(n, 'note'))) : undefined,
    statisticalCategories:
      'userStatisticalCategoriesList' in rec
        ? texts(list(rec.userStatisticalCategoriesList, 'userCategory').map((c) => field(c, 'statisticalCategory')))
        : undefined,
    location: { file, record },
  };
  addUser(reader, user, recordType === 'CONTACT' ? undefined : group, undefined);
  if (user.homeLibrary) addLibrary(reader, user.homeLibrary, undefined);

  list(rec.userBlockList, 'userBlock').forEach((block, i) => {
    const b = isObj(block) ? block : {};
    const status = text(b.status);
    if (status && status.toUpperCase() !== 'ACTIVE') return;
    addBlock(reader, {
      externalId: `${primaryId}/userBlock/${i + 1}`,
      userKey: primaryId,
      blockType: text(b.blockDefinitionId) ?? text(b.type) ?? 'GENERAL',
      description: text(b.note) ?? null,
      expiryDate: date(file, record, `userBlock[${i + 1}].expiryDate`, b.expiryDate),
      location: { file, record },
    });
  });
}

function addUser(reader: Reader, user: ImportedUser, group: string | null | undefined, groupDescription: string | undefined): void {
  const key = toKey(user.primaryId);
  const earlier = reader.users.get(key);
  if (earlier) {
    throw malformed(
      user.location.file,
      user.location.record,
      'primary_id',
      `duplicate primary id: also in ${earlier.file} (record ${earlier.record})`,
    );
  }
  reader.users.set(key, user.location);
  reader.batch.users.push(dropUndefined(user));
  if (group) {
    const groupKey = toKey(group);
    const known = reader.groups.get(groupKey);
    if (!known || (known.description === known.code && groupDescription)) {
      reader.groups.set(groupKey, { code: known?.code ?? group, description: groupDescription ?? known?.description ?? group });
    }
  }
}

function addLibrary(reader: Reader, code: string, name: string | undefined): void {
  const key = toKey(code);
  const known = reader.libraries.get(key);
  if (!known || (known.name === known.code && name)) {
    reader.libraries.set(key, { code: known?.code ?? code, name: name ?? known?.name ?? code });
  }
}

function addBlock(reader: Reader, block: ImportedBlock): void {
  reader.batch.blocks.push(dropUndefined(block));
}

function userStatus(file: string, record: string, fieldName: string, value: string | null | undefined): Exclude<UserStatus, 'DELETED'> | undefined {
  return vocabulary(file, record, fieldName, value, USER_STATUSES_IMPORTED);
}

/**
 * The purge date: the source's when it has one; else, with `purgeDaysAfterExpiry` set and an expiry date,
 * expiry + N days; else undefined, so that a re-import leaves a purge date set here (by Update/Notify).
 */
function purgeDate(options: ImportOptions, source: CalendarDate | null | undefined, expiry: CalendarDate | null | undefined): CalendarDate | undefined {
  if (source) return source;
  if (options.purgeDaysAfterExpiry !== null && expiry) return addDays(expiry, options.purgeDaysAfterExpiry);
  return undefined;
}

function addressLine(address: unknown): string {
  if (!isObj(address)) return '';
  const parts = ['line1', 'line2', 'line3', 'line4', 'line5', 'city', 'state_province', 'postal_code', 'country'].map((key) => text(address[key]));
  return parts.filter(isNonEmpty).join(', ');
}

function soapAddressLine(address: unknown): string {
  if (!isObj(address)) return '';
  const parts = ['line1', 'line2', 'line3', 'line4', 'line5', 'city', 'stateProvince', 'postalCode', 'country'].map((key) => text(address[key]));
  return parts.filter(isNonEmpty).join(', ');
}

function identifiers(list: unknown[], typeKey: string, valueKey: string): ImportedIdentifier[] {
  const out: ImportedIdentifier[] = [];
  for (const item of list) {
    if (!isObj(item)) continue;
    const value = text(item[valueKey]);
    if (!value) continue;
    // Inactive identifiers are imported too: they still identify the person and go with the user.
    out.push({ type: text(item[typeKey]) ?? 'UNKNOWN', value });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Loans, requests, fees

function readLoan(reader: Reader, scope: Scope, l: Obj, index: string): void {
  const { file } = scope;
  const id = text(l.loan_id);
  if (!id) throw malformed(file, index, 'loan_id', 'missing');
  const userKey = text(l.user_id) ?? scope.defaultUser;
  if (!userKey) throw malformed(file, id, 'user_id', 'missing');
  const rawStatus = text(l.loan_status)?.toUpperCase();
  let status: LoanStatus;
  if (rawStatus === 'ACTIVE') {
    status = LOAN_PROCESS_STATUS_MAP[text(l.process_status)?.toUpperCase() ?? ''] ?? 'ON_LOAN';
  } else if (rawStatus === 'COMPLETE' || rawStatus === 'COMPLETED') {
    status = 'RETURNED';
  } else {
    throw malformed(file, id, 'loan_status', rawStatus ? `"${rawStatus}" is not ACTIVE or COMPLETE` : 'missing');
  }
  const library = text(l.library);
  if (library) addLibrary(reader, library, codeDescription(l.library));
  const loan: ImportedLoan = {
    externalId: id,
    userKey,
    itemBarcode: text(l.item_barcode),
    library,
    loanDate: date(file, id, 'loan_date', l.loan_date),
    dueDate: date(file, id, 'due_date', l.due_date),
    returnDate: date(file, id, 'return_date', l.return_date),
    status,
    location: { file, record: id },
  };
  if (addRelated(reader, LOAN_KIND, loan)) reader.batch.loans.push(dropUndefined(loan));
}

function readRequest(reader: Reader, scope: Scope, r: Obj, index: string): void {
  const { file } = scope;
  const id = text(r.request_id);
  if (!id) throw malformed(file, index, 'request_id', 'missing');
  const userKey = text(r.user_primary_id) ?? scope.defaultUser;
  if (!userKey) throw malformed(file, id, 'user_primary_id', 'missing');
  const rawStatus = text(r.request_status)?.toUpperCase();
  const status = rawStatus === undefined ? undefined : REQUEST_STATUS_MAP[rawStatus];
  if (!status) {
    throw malformed(file, id, 'request_status', rawStatus ? `"${rawStatus}" is not a known Alma request status` : 'missing');
  }
  const request: ImportedRequest = {
    externalId: id,
    userKey,
    requestType: text(r.request_type),
    requestDate: date(file, id, 'request_date', r.request_date),
    status,
    location: { file, record: id },
  };
  if (addRelated(reader, REQUEST_KIND, request)) reader.batch.requests.push(dropUndefined(request));
}

function readFee(reader: Reader, scope: Scope, f: Obj, index: string): void {
  const { file } = scope;
  const id = text(f.id);
  if (!id) throw malformed(file, index, 'id', 'missing');
  checkCurrency(reader, file, id, scope.currencyField ?? 'currency', scope.currency);
  checkCurrency(reader, file, id, 'currency', f.currency);
  checkCurrency(reader, file, id, 'balance.currency', isObj(f.balance) ? f.balance.currency : undefined);
  checkCurrency(reader, file, id, 'original_amount.currency', isObj(f.original_amount) ? f.original_amount.currency : undefined);

  const userKey = text(f.user_primary_id) ?? userFromFeeLink(text(f.link)) ?? scope.defaultUser;
  if (!userKey) throw malformed(file, id, 'link', 'no user: no user_primary_id, no link to /users/{primary_id}/fees/ and no user in the file');
  const rawStatus = text(f.status)?.toUpperCase();
  const mapped = rawStatus === undefined ? undefined : FEE_STATUS_MAP[rawStatus];
  if (!mapped) throw malformed(file, id, 'status', rawStatus ? `"${rawStatus}" is not a known Alma fee status` : 'missing');
  const feeType = text(f.type);
  if (!feeType) throw malformed(file, id, 'type', 'missing');
  const closed = mapped.status === 'CLOSED';
  const fee: ImportedFee = {
    externalId: id,
    userKey,
    feeType,
    status: mapped.status,
    closeReason: closed ? mapped.closeReason : null,
    closedDate: closed ? (date(file, id, 'status_time', f.status_time) ?? null) : null,
    createdDate: date(file, id, 'creation_time', f.creation_time),
    originalAmount: amount(reader, file, id, 'original_amount', f.original_amount),
    // A closed fee owes nothing, whatever its last balance said.
    balance: closed ? 0 : amount(reader, file, id, 'balance', f.balance),
    location: { file, record: id },
  };
  if (addRelated(reader, FEE_KIND, fee)) reader.batch.fees.push(dropUndefined(fee));
}

/** A fee in another currency than the institution's is an error (SPEC section 2): set currency first. */
function checkCurrency(reader: Reader, file: string, record: string, fieldName: string, value: unknown): void {
  const currency = text(value);
  if (!currency) return;
  if (currency.toUpperCase() !== reader.options.currency.toUpperCase()) {
    throw malformed(file, record, fieldName, `currency ${currency} is not the institution's currency ${reader.options.currency} (set currency first)`);
  }
}

/** The primary id in a fee's link `.../users/{primary_id}/fees/{id}`. */
function userFromFeeLink(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  const match = /\/users\/([^/?#]+)\/fees(?:[/?#]|$)/.exec(link);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

function amount(reader: Reader, file: string, record: string, fieldName: string, value: unknown): number {
  const raw = isObj(value) ? value.value : value;
  if (raw === undefined || raw === null || raw === '') throw malformed(file, record, fieldName, 'missing');
  const parsed = parseMoney(raw, reader.digits, { allowNegative: true });
  if (!parsed.ok) throw malformed(file, record, fieldName, parsed.message);
  return parsed.minor;
}

/**
 * Registers a loan, request or fee by external id. The same record read twice (a list and the single
 * record, both exported) is kept once with a warning; two different records under one id refuse the input.
 * Returns whether the record is new.
 */
function addRelated(reader: Reader, kind: RelatedKind, record: { externalId: string; location: SourceLocation }): boolean {
  const key = `${kind.label}:${record.externalId}`;
  const earlier = reader.related.get(key);
  if (!earlier) {
    reader.related.set(key, { record, location: record.location });
    return true;
  }
  const a = earlier.record as Record<string, unknown>;
  const b = record as unknown as Record<string, unknown>;
  const differing = Object.keys(kind.sourceFields).find((name) => JSON.stringify(a[name] ?? null) !== JSON.stringify(b[name] ?? null));
  if (differing === undefined) {
    reader.batch.warnings.push(
      `${record.location.file}: ${kind.label} ${record.externalId}: the same record as in ${earlier.location.file}: read once`,
    );
    return false;
  }
  throw malformed(
    record.location.file,
    record.location.record,
    kind.sourceFields[differing] ?? differing,
    `${kind.idField} ${record.externalId} is also in ${earlier.location.file} with a different ${kind.sourceFields[differing] ?? differing}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Values

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function isNonEmpty(value: string | null | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * The text of a source value: a string, a number, or a code `{value, desc}` (JSON) / normalised XML
 * element. Undefined when absent, null when present but empty or null.
 */
function text(value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isObj(value)) return 'value' in value ? text(value.value) : null;
  return null;
}

function field(item: unknown, key: string): string | null | undefined {
  return isObj(item) ? text(item[key]) : undefined;
}

function texts(values: (string | null | undefined)[]): string[] {
  return values.filter(isNonEmpty);
}

/** The `desc` of a code `{value, desc}`, when it says more than nothing. */
function codeDescription(value: unknown): string | undefined {
  if (!isObj(value)) return undefined;
  return text(value.desc) ?? undefined;
}

/**
 * A calendar date field: the literal date part; undefined when absent, null when empty; else refused.
 * `personal` (a birth date): the refusal does not repeat the value.
 */
function date(file: string, record: string, fieldName: string, value: unknown, { personal = false } = {}): CalendarDate | null | undefined {
  if (value === undefined) return undefined;
  return checkDate(text(value), { file, record, field: fieldName, personal });
}

/** A code from a fixed vocabulary, compared case-insensitively; undefined when absent or empty. */
function vocabulary<T extends string>(file: string, record: string, fieldName: string, value: string | null | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  const upper = value.toUpperCase();
  const match = allowed.find((candidate) => candidate === upper);
  if (match === undefined) throw malformed(file, record, fieldName, `"${value}" is not one of ${allowed.join(', ')}`);
  return match;
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/**
 * V8's JSON.parse message without the input it quotes (it may hold personal data): `Unexpected token
 * 'J', ..."st_name": Johnathan "... is not valid JSON` becomes `unexpected token`. The other messages
 * (`Unterminated string in JSON at position 4`) quote nothing and are kept.
 */
function jsonProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!/is not valid JSON$/.test(message)) return message;
  return message.startsWith('Unexpected token') ? 'unexpected token' : 'not a JSON value';
}

function withCause(error: Error, cause: unknown): Error {
  return Object.assign(error, { cause });
}
