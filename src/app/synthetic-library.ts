/**
 * The deterministic synthetic library behind `patron-purge generate`, `npm run demo` and the benchmarks
 * (docs/synthetic-library.md gives every distribution). Pure: the same options give a deep-equal batch,
 * on every machine. Each user draws from its own PRNG stream, seeded from the seed and the user's index,
 * so a user's content does not depend on how the users are chunked.
 */
import { addDays, isCalendarDate, type CalendarDate } from '../domain/calendar-date.ts';
import {
  emptyBatch,
  type ImportBatch,
  type ImportedFee,
  type ImportedGroup,
  type ImportedLibrary,
  type ImportedLoan,
  type ImportedRequest,
  type ImportedUser,
} from '../domain/import-batch.ts';
import type { AssignmentKind, FeeCloseReason, LoanStatus, RecordType, RelationshipKind, RequestStatus } from '../domain/user.ts';

/** What to generate. */
export interface SyntheticOptions {
  /** Number of users (a whole number >= 0). */
  users: number;
  /** Any safe integer; the same seed gives the same library. */
  seed: number;
  /** the calendar date the library is built around (purge dates in the past are before it) */
  today: string;
}

/** The user groups of the synthetic library. */
export const SYNTHETIC_GROUPS: readonly ImportedGroup[] = [
  { code: 'UNDERGRAD', description: 'Undergraduate students' },
  { code: 'GRAD', description: 'Graduate students' },
  { code: 'FACULTY', description: 'Faculty' },
  { code: 'STAFF', description: 'Library and university staff' },
  { code: 'ALUMNI', description: 'Alumni' },
  { code: 'COMMUNITY', description: 'Community borrowers' },
];

/** The libraries of the synthetic library. */
export const SYNTHETIC_LIBRARIES: readonly ImportedLibrary[] = [
  { code: 'MAIN', name: 'Main Library' },
  { code: 'LAW', name: 'Law Library' },
  { code: 'MED', name: 'Medical Library' },
  { code: 'SCI', name: 'Science Library' },
];

/** The reason set on users under legal hold. */
export const LEGAL_HOLD_REASON = 'legal hold';

/** A value with its weight; weights of a table are whole percents summing to 100. */
type Weighted<T> = readonly (readonly [T, number])[];

const RECORD_TYPE_WEIGHTS: Weighted<RecordType> = [
  ['PUBLIC', 88],
  ['STAFF', 10],
  ['CONTACT', 2],
];
const PUBLIC_GROUP_WEIGHTS: Weighted<string> = [
  ['UNDERGRAD', 45],
  ['GRAD', 18],
  ['FACULTY', 10],
  ['ALUMNI', 12],
  ['COMMUNITY', 15],
];
const LIBRARY_WEIGHTS: Weighted<string> = [
  ['MAIN', 55],
  ['SCI', 20],
  ['LAW', 12],
  ['MED', 13],
];
/** Age range in years by group, for birth dates. */
const AGE_RANGE: Record<string, readonly [number, number]> = {
  UNDERGRAD: [17, 24],
  GRAD: [22, 40],
  FACULTY: [28, 75],
  STAFF: [20, 67],
  ALUMNI: [22, 80],
  COMMUNITY: [16, 90],
};
const STUDY_MODE_WEIGHTS: Weighted<string> = [
  ['FULL_TIME', 80],
  ['PART_TIME', 15],
  ['DISTANCE', 5],
];
const ACTIVE_LOAN_WEIGHTS: Weighted<LoanStatus> = [
  ['ON_LOAN', 70],
  ['LOST', 15],
  ['CLAIMED_RETURNED', 8],
  ['IN_TRANSIT_HOME', 7],
];
const ACTIVE_REQUEST_WEIGHTS: Weighted<RequestStatus> = [
  ['PLACED', 50],
  ['IN_TRANSIT', 20],
  ['ON_HOLD_SHELF', 30],
];
const ACTIVE_REQUEST_TYPE_WEIGHTS: Weighted<string> = [
  ['HOLD', 70],
  ['RECALL', 10],
  ['RESOURCE_SHARING', 20],
];
const CLOSED_REQUEST_WEIGHTS: Weighted<RequestStatus> = [
  ['FULFILLED', 70],
  ['CANCELLED', 20],
  ['EXPIRED', 10],
];
const CLOSED_REQUEST_TYPE_WEIGHTS: Weighted<string> = [
  ['HOLD', 80],
  ['RESOURCE_SHARING', 20],
];
const FEE_TYPE_WEIGHTS: Weighted<string> = [
  ['OVERDUE', 50],
  ['LOST_ITEM', 20],
  ['DAMAGE', 10],
  ['PROCESSING', 20],
];
const CLOSE_REASON_WEIGHTS: Weighted<FeeCloseReason> = [
  ['PAID', 75],
  ['WAIVED', 25],
];
const RELATIONSHIP_KIND_WEIGHTS: Weighted<RelationshipKind> = [
  ['PROXY', 70],
  ['GUARANTOR', 30],
];

/** Active debts in minor units; around the common 5.00 threshold on purpose (cases C02, C11). */
const ACTIVE_DEBT_AMOUNTS = [100, 250, 499, 500, 501, 1000, 1250, 2500, 4999, 5000, 5001, 7500, 12000] as const;
/** Credits in minor units (stored negative). */
const CREDIT_AMOUNTS = [100, 250, 500, 1000, 2000] as const;
/** Closed (historical) fees in minor units. */
const CLOSED_FEE_AMOUNTS = [25, 50, 100, 150, 250, 300, 500, 1000, 1250, 3000, 7500] as const;
/** An active debt of at least this much (minor units) also gets a FINES block. */
const FINES_BLOCK_FROM = 5000;

const ASSIGNMENTS: readonly (readonly [AssignmentKind, string])[] = [
  ['PO_LINE', 'PO line POL'],
  ['PURCHASE_ORDER', 'Purchase order PO'],
  ['INVOICE', 'Invoice INV'],
  ['IMPORT_PROFILE', 'Import profile IP'],
  ['LOCKED_RECORD', 'Locked bibliographic record MMS'],
];

/** The rates (probability per user, drawn independently) of docs/synthetic-library.md. */
const RATE = {
  inactive: 0.05,
  pastPurge: 0.6,
  futurePurge: 0.25,
  middleName: 0.3,
  note: 0.05,
  legalHold: 0.01,
  loanAtHomeLibrary: 0.8,
  notStartedLoan: 0.03,
  activeLoan: 0.15,
  secondActiveLoan: 0.2,
  activeDebt: 0.1,
  partlyPaid: 0.2,
  activeCredit: 0.03,
  closedRequest: 0.3,
  activeRequest: 0.05,
  relationship: 0.02,
  relationshipFromSide: 0.5,
  relationshipEndedPast: 0.3,
  relationshipEndsFuture: 0.1,
  staffAssignments: 0.2,
} as const;

const FIRST_NAMES = [
  'Olivia', 'Liam', 'Amara', 'Noah', 'Sofia', 'Mateo', 'Aisha', 'Lucas', 'Mei', 'Ethan', 'Priya', 'Diego',
  'Hannah', 'Kwame', 'Chloe', 'Arjun', 'Fatima', 'Samuel', 'Yuki', 'Gabriel', 'Elena', 'Omar', 'Grace',
  'Jonas', 'Ingrid', 'Malik', 'Rosa', 'Daniel', 'Leila', 'Henry', 'Zoe', 'Tomás', 'Nadia', 'Felix',
  'Ava', 'Ravi', 'Clara', 'Isaac', 'Maya', 'Anders',
] as const;
const LAST_NAMES = [
  'Smith', 'Johnson', 'Garcia', 'Nguyen', 'Okafor', 'Müller', 'Rossi', 'Kowalski', 'Chen', 'Patel',
  'Williams', 'Brown', 'Martinez', 'Kim', 'Haddad', 'Andersson', 'Dubois', 'Silva', 'Ivanova', 'Tanaka',
  'Jones', 'Davis', 'Lopez', 'Wilson', 'Mensah', "O'Brien", 'Fischer', 'Novak', 'Singh', 'Yamamoto',
  'Taylor', 'Thomas', 'Hernandez', 'Moore', 'Abebe', 'Larsen', 'Bianchi', 'Cohen', 'Park', 'Costa',
  'Walker', 'Young', 'Rivera', 'Hall', 'Nowak', 'Schmidt', 'Ali', 'Wright', 'Kaur', 'Murphy',
] as const;
const STREETS = ['Maple', 'Oak', 'College', 'University', 'Elm', 'Washington', 'Park', 'Lake', 'Hill', 'Library', 'Cedar', 'River'] as const;
const STREET_SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'Court'] as const;
/** City, state, first three digits of the ZIP code, telephone area code. */
const CITIES = [
  ['Springfield', 'IL', '627', '217'],
  ['Ann Arbor', 'MI', '481', '734'],
  ['Madison', 'WI', '537', '608'],
  ['Boulder', 'CO', '803', '303'],
  ['Ithaca', 'NY', '148', '607'],
  ['Austin', 'TX', '787', '512'],
  ['Eugene', 'OR', '974', '541'],
  ['Athens', 'GA', '306', '706'],
] as const;
const NOTES = [
  'Prefers contact by email.',
  'Card replaced after loss.',
  'Visiting scholar; check affiliation at renewal.',
  'Requested large-print materials.',
  'Address confirmed at the circulation desk.',
] as const;

/** Days of history before a user's last active day (about 4 years). */
const HISTORY_DAYS = 1460;
/** Offsets (days from today) the date table covers: birth dates up to 91 years back. */
const TABLE_FROM = -91 * 366;
const TABLE_TO = 5 * 366;

/** murmur3's 32-bit finalizer: spreads every input bit over the output. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter, as in PractRand), seeded from the library seed and a
 * stream index. Only 32-bit integer operations, so every JavaScript engine gives the same numbers.
 */
class Random {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number, stream: number) {
    const seedLo = seed >>> 0;
    const seedHi = Math.floor(seed / 0x1_0000_0000) >>> 0;
    const streamLo = stream >>> 0;
    const streamHi = Math.floor(stream / 0x1_0000_0000) >>> 0;
    this.a = mix32(seedLo ^ 0x9e3779b9);
    this.b = mix32(seedHi ^ mix32(streamHi + 0x7f4a7c15));
    this.c = mix32(streamLo ^ mix32(seedLo + 0x6a09e667));
    for (let i = 0; i < 12; i += 1) this.next();
  }

  /** The next 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A number in [0, 1). */
  float(): number {
    return this.next() / 0x1_0000_0000;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** One value of a table whose weights sum to 100. */
  weighted<T>(table: Weighted<T>): T {
    let roll = this.float() * 100;
    for (const [value, weight] of table) {
      if (roll < weight) return value;
      roll -= weight;
    }
    return (table[table.length - 1] as readonly [T, number])[0];
  }
}

/** Running numbers of the related records' external ids, shared by the chunks of one library. */
interface Counters {
  loan: number;
  fee: number;
  request: number;
  block: number;
  relationship: number;
  assignment: number;
}

/** What every user of one library shares. */
interface Context {
  seed: number;
  users: number;
  today: CalendarDate;
  /** Date of each offset from TABLE_FROM, '' until first used. */
  dates: CalendarDate[];
  counters: Counters;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The primary id of the user at 0-based `index`: `u0000001` for the first (wider past 9,999,999). */
export function syntheticPrimaryId(index: number): string {
  return `u${pad(index + 1, 7)}`;
}

function validate(options: SyntheticOptions): void {
  if (!Number.isSafeInteger(options.users) || options.users < 0) throw new RangeError(`users must be a whole number >= 0, got ${options.users}`);
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be a safe integer, got ${options.seed}`);
  if (!isCalendarDate(options.today)) throw new RangeError(`today must be a YYYY-MM-DD date, got "${options.today}"`);
}

function createContext(options: SyntheticOptions): Context {
  return {
    seed: options.seed,
    users: options.users,
    today: options.today,
    dates: new Array<CalendarDate>(TABLE_TO - TABLE_FROM + 1).fill(''),
    counters: { loan: 0, fee: 0, request: 0, block: 0, relationship: 0, assignment: 0 },
  };
}

/**
 * The date `offset` days from today. Every date is drawn as an offset; a table remembers each offset's
 * date (the domain's own calendar arithmetic), because a million users draw about 20 million dates.
 */
function dateAt(ctx: Context, offset: number): CalendarDate {
  const slot = offset - TABLE_FROM;
  if (slot < 0 || slot >= ctx.dates.length) return addDays(ctx.today, offset);
  let date = ctx.dates[slot] as CalendarDate;
  if (date === '') {
    date = addDays(ctx.today, offset);
    ctx.dates[slot] = date;
  }
  return date;
}

function itemBarcode(rnd: Random): string {
  return `3${pad(rnd.int(1, 999_999), 13)}`;
}

function loanLibrary(rnd: Random, homeLibrary: string): string {
  return rnd.chance(RATE.loanAtHomeLibrary) ? homeLibrary : rnd.weighted(LIBRARY_WEIGHTS);
}

/** Appends the user at `index` and its related records to `batch`. */
function generateUser(ctx: Context, index: number, batch: ImportBatch): void {
  const rnd = new Random(ctx.seed, index);
  const primaryId = syntheticPrimaryId(index);
  const location = { file: 'synthetic', record: primaryId };
  const number = index + 1;

  const recordType = rnd.weighted(RECORD_TYPE_WEIGHTS);
  const userGroup = recordType === 'PUBLIC' ? rnd.weighted(PUBLIC_GROUP_WEIGHTS) : recordType === 'STAFF' ? 'STAFF' : null;
  const status = rnd.chance(RATE.inactive) ? 'INACTIVE' : 'ACTIVE';
  const firstName = rnd.pick(FIRST_NAMES);
  const middleName = rnd.chance(RATE.middleName) ? rnd.pick(FIRST_NAMES) : null;
  const lastName = rnd.pick(LAST_NAMES);

  let birthDate: CalendarDate | null = null;
  if (userGroup !== null) {
    const [minAge, maxAge] = AGE_RANGE[userGroup] as readonly [number, number];
    birthDate = dateAt(ctx, -rnd.int(Math.ceil(minAge * 365.25), Math.floor((maxAge + 1) * 365.25) - 1));
  }

  const purgeRoll = rnd.float();
  let purgeOffset: number | null = null;
  if (purgeRoll < RATE.pastPurge) purgeOffset = -rnd.int(1, 1095);
  else if (purgeRoll < RATE.pastPurge + RATE.futurePurge) purgeOffset = rnd.int(1, 730);
  const expiryOffset = purgeOffset !== null ? purgeOffset - rnd.int(183, 730) : rnd.int(-730, 1460);
  // The last day the user could have been active: expiry, or yesterday for a current account.
  const lastDay = Math.min(expiryOffset, -1);

  const homeLibrary = rnd.weighted(LIBRARY_WEIGHTS);
  const [city, state, zip, areaCode] = rnd.pick(CITIES);
  const phone = `(${areaCode}) 555-01${pad(rnd.int(0, 99), 2)}`;
  const address = `${rnd.int(1, 9999)} ${rnd.pick(STREETS)} ${rnd.pick(STREET_SUFFIXES)}, ${city}, ${state} ${zip}${pad(rnd.int(0, 99), 2)}`;
  const statisticalCategories = userGroup === 'UNDERGRAD' || userGroup === 'GRAD' ? [rnd.weighted(STUDY_MODE_WEIGHTS)] : [];
  const notes = rnd.chance(RATE.note) ? [rnd.pick(NOTES)] : [];
  const legalHold = rnd.chance(RATE.legalHold);

  const identifiers = [{ type: 'BARCODE', value: `21234${pad(number, 9)}` }];
  if (userGroup !== null && userGroup !== 'COMMUNITY' && userGroup !== 'ALUMNI') identifiers.push({ type: 'UNIV_ID', value: `8${pad(number, 8)}` });

  // The latest day of any activity; it becomes lastActivityDate.
  let lastActivity = lastDay - rnd.int(0, 180);

  const loans: ImportedLoan[] = [];
  const closedLoans = rnd.int(0, 4);
  for (let i = 0; i < closedLoans; i += 1) {
    const returned = lastDay - rnd.int(0, HISTORY_DAYS);
    const loaned = returned - rnd.int(1, 60);
    lastActivity = Math.max(lastActivity, returned);
    loans.push({
      externalId: `L${++ctx.counters.loan}`,
      userKey: primaryId,
      itemBarcode: itemBarcode(rnd),
      library: loanLibrary(rnd, homeLibrary),
      loanDate: dateAt(ctx, loaned),
      dueDate: dateAt(ctx, loaned + 28),
      returnDate: dateAt(ctx, returned),
      status: 'RETURNED',
      location,
    });
  }
  if (rnd.chance(RATE.notStartedLoan)) {
    const loaned = lastDay - rnd.int(0, 730);
    loans.push({
      externalId: `L${++ctx.counters.loan}`,
      userKey: primaryId,
      itemBarcode: itemBarcode(rnd),
      library: loanLibrary(rnd, homeLibrary),
      loanDate: dateAt(ctx, loaned),
      dueDate: null,
      returnDate: null,
      status: 'NOT_STARTED',
      location,
    });
  }
  if (rnd.chance(RATE.activeLoan)) {
    const count = rnd.chance(RATE.secondActiveLoan) ? 2 : 1;
    for (let i = 0; i < count; i += 1) {
      const loaned = lastDay - rnd.int(0, 365);
      lastActivity = Math.max(lastActivity, loaned);
      loans.push({
        externalId: `L${++ctx.counters.loan}`,
        userKey: primaryId,
        itemBarcode: itemBarcode(rnd),
        library: loanLibrary(rnd, homeLibrary),
        loanDate: dateAt(ctx, loaned),
        dueDate: dateAt(ctx, loaned + 28),
        returnDate: null,
        status: rnd.weighted(ACTIVE_LOAN_WEIGHTS),
        location,
      });
    }
  }

  const fees: ImportedFee[] = [];
  const closedFees = rnd.int(0, 2);
  for (let i = 0; i < closedFees; i += 1) {
    const closed = lastDay - rnd.int(0, HISTORY_DAYS);
    const created = closed - rnd.int(0, 90);
    const amount = rnd.pick(CLOSED_FEE_AMOUNTS);
    lastActivity = Math.max(lastActivity, closed);
    fees.push({
      externalId: `F${++ctx.counters.fee}`,
      userKey: primaryId,
      feeType: rnd.weighted(FEE_TYPE_WEIGHTS),
      status: 'CLOSED',
      closeReason: rnd.weighted(CLOSE_REASON_WEIGHTS),
      closedDate: dateAt(ctx, closed),
      createdDate: dateAt(ctx, created),
      originalAmount: amount,
      balance: 0,
      location,
    });
  }
  let finesBlock = false;
  if (rnd.chance(RATE.activeDebt)) {
    const created = lastDay - rnd.int(0, 365);
    const amount = rnd.pick(ACTIVE_DEBT_AMOUNTS);
    const balance = rnd.chance(RATE.partlyPaid) ? amount - Math.floor(amount / 2) : amount;
    lastActivity = Math.max(lastActivity, created);
    finesBlock = balance >= FINES_BLOCK_FROM;
    fees.push({
      externalId: `F${++ctx.counters.fee}`,
      userKey: primaryId,
      feeType: rnd.weighted(FEE_TYPE_WEIGHTS),
      status: 'ACTIVE',
      closeReason: null,
      closedDate: null,
      createdDate: dateAt(ctx, created),
      originalAmount: amount,
      balance,
      location,
    });
  }
  if (rnd.chance(RATE.activeCredit)) {
    const created = lastDay - rnd.int(0, 365);
    const amount = rnd.pick(CREDIT_AMOUNTS);
    lastActivity = Math.max(lastActivity, created);
    fees.push({
      externalId: `F${++ctx.counters.fee}`,
      userKey: primaryId,
      feeType: 'CREDIT',
      status: 'ACTIVE',
      closeReason: null,
      closedDate: null,
      createdDate: dateAt(ctx, created),
      originalAmount: -amount,
      balance: -amount,
      location,
    });
  }

  const requests: ImportedRequest[] = [];
  if (rnd.chance(RATE.closedRequest)) {
    const requested = lastDay - rnd.int(0, HISTORY_DAYS);
    lastActivity = Math.max(lastActivity, requested);
    requests.push({
      externalId: `R${++ctx.counters.request}`,
      userKey: primaryId,
      requestType: rnd.weighted(CLOSED_REQUEST_TYPE_WEIGHTS),
      requestDate: dateAt(ctx, requested),
      status: rnd.weighted(CLOSED_REQUEST_WEIGHTS),
      location,
    });
  }
  if (rnd.chance(RATE.activeRequest)) {
    const requested = -rnd.int(1, 60);
    lastActivity = Math.max(lastActivity, requested);
    requests.push({
      externalId: `R${++ctx.counters.request}`,
      userKey: primaryId,
      requestType: rnd.weighted(ACTIVE_REQUEST_TYPE_WEIGHTS),
      requestDate: dateAt(ctx, requested),
      status: rnd.weighted(ACTIVE_REQUEST_WEIGHTS),
      location,
    });
  }

  // A relationship pairs the users at indexes 2k and 2k+1, so a pair never straddles an even chunk
  // boundary. Its fields are drawn even when the partner does not exist (the last user of an odd-sized
  // library), so that the user's later draws are the same as in a larger library.
  if (rnd.chance(RATE.relationship)) {
    const kind = rnd.weighted(RELATIONSHIP_KIND_WEIGHTS);
    const fromSide = rnd.chance(RATE.relationshipFromSide);
    const endRoll = rnd.float();
    let endDate: CalendarDate | null = null;
    if (endRoll < RATE.relationshipEndedPast) endDate = dateAt(ctx, -rnd.int(1, 730));
    else if (endRoll < RATE.relationshipEndedPast + RATE.relationshipEndsFuture) endDate = dateAt(ctx, rnd.int(1, 365));
    const partner = index ^ 1;
    if (partner < ctx.users) {
      const partnerId = syntheticPrimaryId(partner);
      batch.relationships.push({
        externalId: `P${++ctx.counters.relationship}`,
        kind,
        fromUserKey: fromSide ? primaryId : partnerId,
        toUserKey: fromSide ? partnerId : primaryId,
        endDate,
        location,
      });
    }
  }

  if (recordType === 'STAFF' && rnd.chance(RATE.staffAssignments)) {
    const count = rnd.int(1, 2);
    for (let i = 0; i < count; i += 1) {
      const [kind, label] = rnd.pick(ASSIGNMENTS);
      const n = ++ctx.counters.assignment;
      batch.assignments.push({ externalId: `A${n}`, userKey: primaryId, kind, description: `${label}-${n}`, location });
    }
  }
  if (finesBlock) {
    batch.blocks.push({
      externalId: `B${++ctx.counters.block}`,
      userKey: primaryId,
      blockType: 'FINES',
      description: 'Fines of 50.00 or more',
      expiryDate: null,
      location,
    });
  }

  const user: ImportedUser = {
    sourceKey: primaryId,
    primaryId,
    recordType,
    userGroup,
    accountType: recordType === 'PUBLIC' && userGroup !== 'COMMUNITY' ? 'EXTERNAL' : 'INTERNAL',
    status,
    firstName,
    middleName,
    lastName,
    birthDate,
    expiryDate: dateAt(ctx, expiryOffset),
    purgeDate: purgeOffset === null ? null : dateAt(ctx, purgeOffset),
    homeLibrary,
    lastActivityDate: dateAt(ctx, lastActivity),
    emails: [`${primaryId}@example.edu`],
    phones: [phone],
    addresses: [address],
    identifiers,
    notes,
    statisticalCategories,
    ...(legalHold ? { doNotPurgeReason: LEGAL_HOLD_REASON } : {}),
    location,
  };
  batch.users.push(user);
  for (const loan of loans) batch.loans.push(loan);
  for (const fee of fees) batch.fees.push(fee);
  for (const request of requests) batch.requests.push(request);
}

function referenceBatch(): ImportBatch {
  const batch = emptyBatch('synthetic');
  batch.groups = SYNTHETIC_GROUPS.map((g) => ({ ...g }));
  batch.libraries = SYNTHETIC_LIBRARIES.map((l) => ({ ...l }));
  return batch;
}

/** The whole synthetic library as one batch. Pure and deterministic: the same options give a deep-equal batch. */
export function generateLibrary(options: SyntheticOptions): ImportBatch {
  validate(options);
  const ctx = createContext(options);
  const batch = referenceBatch();
  for (let index = 0; index < options.users; index += 1) generateUser(ctx, index, batch);
  return batch;
}

/**
 * The same library as `generateLibrary`, as batches of `chunkUsers` users (an even number) with their
 * related records, for a large library in flat memory. Groups and libraries come in the first chunk
 * only; relationships only join users of the same chunk. Concatenated, the chunks equal
 * `generateLibrary(options)`. With no users, one chunk carries the reference data.
 */
export function generateLibraryChunks(options: SyntheticOptions, chunkUsers: number): Generator<ImportBatch> {
  // Checked here, not in the generator body, so a bad argument fails at the call and not at the first chunk.
  validate(options);
  if (!Number.isSafeInteger(chunkUsers) || chunkUsers < 2 || chunkUsers % 2 !== 0) {
    throw new RangeError(`chunkUsers must be an even whole number >= 2 (relationships pair neighbouring users), got ${chunkUsers}`);
  }
  return chunksOf(options, chunkUsers);
}

function* chunksOf(options: SyntheticOptions, chunkUsers: number): Generator<ImportBatch> {
  const ctx = createContext(options);
  let batch = referenceBatch();
  for (let start = 0; start < options.users || start === 0; start += chunkUsers) {
    const end = Math.min(start + chunkUsers, options.users);
    for (let index = start; index < end; index += 1) generateUser(ctx, index, batch);
    yield batch;
    batch = emptyBatch('synthetic');
  }
}
