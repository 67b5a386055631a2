/**
 * Writes an ImportBatch in one transaction (SPEC.md section 8): re-importing updates the fields the
 * source carries and leaves the rest; tombstones are never matched; related records whose user is in
 * neither the input nor the database are skipped with a warning.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../domain/errors.ts';
import type { ImportBatch, ImportedUser, SourceLocation } from '../domain/import-batch.ts';
import { toKey } from '../domain/user.ts';
import type { Database } from './schema.ts';

/** What an import wrote. */
export interface ImportSummary {
  groupsCreated: number;
  librariesCreated: number;
  usersCreated: number;
  usersUpdated: number;
  loans: number;
  requests: number;
  fees: number;
  blocks: number;
  relationships: number;
  assignments: number;
  /** Records skipped, with file and record named. */
  warnings: string[];
}

const CHUNK = 400;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function where(location: SourceLocation): string {
  return `${location.file}: record ${location.record}`;
}

/** Upserts reference data; returns lookups from source key and code key to the configured code. */
async function writeGroups(db: Kysely<Database>, batch: ImportBatch, summary: ImportSummary) {
  const bySourceKey = new Map<string, string>();
  for (const group of batch.groups) {
    const codeKey = toKey(group.code);
    const existing = await db.selectFrom('user_groups').select(['id', 'code']).where('code_key', '=', codeKey).executeTakeFirst();
    if (existing) {
      await db
        .updateTable('user_groups')
        .set({ description: group.description, ...(group.sourceKey ? { source_key: group.sourceKey } : {}) })
        .where('id', '=', existing.id)
        .execute();
    } else {
      await db.insertInto('user_groups').values({ code: group.code, code_key: codeKey, description: group.description, source_key: group.sourceKey ?? null }).execute();
      summary.groupsCreated += 1;
    }
  }
  const rows = await db.selectFrom('user_groups').select(['code', 'code_key', 'source_key']).execute();
  const byCodeKey = new Map(rows.map((r) => [r.code_key, r.code]));
  for (const r of rows) if (r.source_key) bySourceKey.set(r.source_key, r.code);
  return { byCodeKey, bySourceKey };
}

async function writeLibraries(db: Kysely<Database>, batch: ImportBatch, summary: ImportSummary) {
  for (const library of batch.libraries) {
    const codeKey = toKey(library.code);
    const existing = await db.selectFrom('libraries').select('id').where('code_key', '=', codeKey).executeTakeFirst();
    if (existing) await db.updateTable('libraries').set({ name: library.name }).where('id', '=', existing.id).execute();
    else {
      await db.insertInto('libraries').values({ code: library.code, code_key: codeKey, name: library.name }).execute();
      summary.librariesCreated += 1;
    }
  }
  const rows = await db.selectFrom('libraries').select(['code', 'code_key']).execute();
  return new Map(rows.map((r) => [r.code_key, r.code]));
}

/** The column values a user record carries (undefined = not carried). */
function userColumns(user: ImportedUser, group: string | null | undefined, library: string | null | undefined) {
  const columns: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) columns[key] = value;
  };
  set('primary_id', user.primaryId);
  set('record_type', user.recordType);
  if (group !== undefined) {
    set('user_group', group);
    set('user_group_key', group === null ? null : toKey(group));
  }
  set('account_type', user.accountType);
  set('status', user.status);
  set('first_name', user.firstName);
  set('middle_name', user.middleName);
  if (user.lastName !== undefined) {
    set('last_name', user.lastName);
    set('last_name_key', user.lastName === null ? null : toKey(user.lastName));
  }
  set('birth_date', user.birthDate);
  set('expiry_date', user.expiryDate);
  set('purge_date', user.purgeDate);
  if (library !== undefined) {
    set('home_library', library);
    set('home_library_key', library === null ? null : toKey(library));
  }
  set('last_activity_date', user.lastActivityDate);
  if (user.doNotPurgeReason !== undefined) {
    set('do_not_purge', 1);
    set('do_not_purge_reason', user.doNotPurgeReason);
  }
  return columns;
}

/** Writes `batch` in the caller's transaction. */
export async function applyImportBatch(db: Kysely<Database>, batch: ImportBatch, now: string): Promise<ImportSummary> {
  const summary: ImportSummary = {
    groupsCreated: 0,
    librariesCreated: 0,
    usersCreated: 0,
    usersUpdated: 0,
    loans: 0,
    requests: 0,
    fees: 0,
    blocks: 0,
    relationships: 0,
    assignments: 0,
    warnings: [...batch.warnings],
  };
  const groups = await writeGroups(db, batch, summary);
  const libraries = await writeLibraries(db, batch, summary);

  // A group or library referenced but not defined is created with its code as description.
  const resolveGroup = async (ref: string | null | undefined): Promise<string | null | undefined> => {
    if (ref === undefined || ref === null) return ref;
    const viaSource = groups.bySourceKey.get(ref);
    if (viaSource) return viaSource;
    const known = groups.byCodeKey.get(toKey(ref));
    if (known) return known;
    await db.insertInto('user_groups').values({ code: ref, code_key: toKey(ref), description: ref, source_key: null }).execute();
    groups.byCodeKey.set(toKey(ref), ref);
    summary.groupsCreated += 1;
    return ref;
  };
  const resolveLibrary = async (ref: string | null | undefined): Promise<string | null | undefined> => {
    if (ref === undefined || ref === null) return ref;
    const known = libraries.get(toKey(ref));
    if (known) return known;
    await db.insertInto('libraries').values({ code: ref, code_key: toKey(ref), name: ref }).execute();
    libraries.set(toKey(ref), ref);
    summary.librariesCreated += 1;
    return ref;
  };

  const matches = await matchExistingUsers(db, batch, summary.warnings);
  // A user renamed by its source gives up its old primary id before any new one is written, so that two
  // users trading primary ids (or a chain of renames) never collide on the unique key mid-import.
  const renamed = [...matches.values()].filter((m) => m.renamed).map((m) => m.id);
  for (const part of chunks(renamed)) await db.updateTable('users').set({ primary_id_key: null }).where('id', 'in', part).execute();

  const userIdBySourceKey = new Map<string, number>();
  for (const chunk of chunks(batch.users)) {
    const fresh: Array<{ user: ImportedUser; row: Record<string, unknown> }> = [];
    for (const user of chunk) {
      const key = toKey(user.primaryId);
      const columns = userColumns(user, await resolveGroup(user.userGroup), await resolveLibrary(user.homeLibrary));
      const found = matches.get(user);
      if (found !== undefined) {
        // Our own CSV adjusts users (purge dates) but is not their system of record: it never takes over
        // the source key by which the source's next import finds the user and attaches its loans.
        const identity = batch.source === 'csv' && found.source !== null && found.source !== 'csv' ? {} : { source: batch.source, source_key: user.sourceKey };
        await db
          .updateTable('users')
          .set({ ...columns, primary_id_key: key, ...identity, updated_at: now } as never)
          .where('id', '=', found.id)
          .execute();
        userIdBySourceKey.set(user.sourceKey, found.id);
        summary.usersUpdated += 1;
        await replaceUserChildren(db, found.id, user, now);
      } else {
        // Every column explicit, so that one multi-row INSERT serves the chunk on both engines.
        fresh.push({ user, row: { ...NEW_USER_DEFAULTS, ...columns, primary_id: user.primaryId, primary_id_key: key, source: batch.source, source_key: user.sourceKey, created_at: now, updated_at: now } });
      }
    }
    if (fresh.length > 0) {
      const inserted = await db
        .insertInto('users')
        .values(fresh.map((f) => f.row) as never)
        .returning(['id', 'primary_id_key'])
        .execute();
      const idByKey = new Map(inserted.map((r) => [r.primary_id_key as string, r.id]));
      const ids = fresh.map((f) => idByKey.get(toKey(f.user.primaryId)) as number);
      fresh.forEach((f, i) => userIdBySourceKey.set(f.user.sourceKey, ids[i] as number));
      summary.usersCreated += fresh.length;
      await insertNewUserChildren(db, fresh.map((f, i) => ({ id: ids[i] as number, user: f.user })), now);
    }
  }

  // References to users not in this input: users imported earlier from the same source, never tombstones.
  const referenced = new Set<string>();
  const collect = (key: string) => {
    if (!userIdBySourceKey.has(key)) referenced.add(key);
  };
  for (const r of [...batch.loans, ...batch.requests, ...batch.fees, ...batch.blocks, ...batch.assignments]) collect(r.userKey);
  for (const r of batch.relationships) {
    collect(r.fromUserKey);
    collect(r.toUserKey);
  }
  for (const chunk of chunks([...referenced])) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'source_key', 'primary_id_key'])
      .where('status', '<>', 'DELETED')
      .where((eb) => eb.or([eb.and([eb('source', '=', batch.source), eb('source_key', 'in', chunk)]), eb('primary_id_key', 'in', chunk.map(toKey))]))
      .execute();
    for (const row of rows) {
      if (row.source_key && chunk.includes(row.source_key)) userIdBySourceKey.set(row.source_key, row.id);
      else if (row.primary_id_key) {
        const match = chunk.find((k) => toKey(k) === row.primary_id_key);
        if (match && !userIdBySourceKey.has(match)) userIdBySourceKey.set(match, row.id);
      }
    }
  }
  const userFor = (key: string, kind: string, location: SourceLocation): number | undefined => {
    const id = userIdBySourceKey.get(key);
    if (id === undefined) summary.warnings.push(`${where(location)}: ${kind} skipped: its user ${key} is neither in the input nor in the database`);
    return id;
  };

  /** Upserts related records by (source, external id): one lookup and one multi-row insert per chunk. */
  const upsertRelated = async <T extends { externalId: string; location: SourceLocation }>(
    table: 'loans' | 'requests' | 'fees' | 'user_blocks' | 'assignments',
    records: readonly T[],
    toRow: (record: T) => Record<string, unknown> | undefined,
  ): Promise<number> => {
    let written = 0;
    for (const chunk of chunks(records)) {
      const rows = chunk.map((record) => ({ record, row: toRow(record) })).filter((r): r is { record: T; row: Record<string, unknown> } => r.row !== undefined);
      if (rows.length === 0) continue;
      const existing = await db
        .selectFrom(`${table} as r` as 'loans as r')
        .leftJoin('users as u', 'u.id', 'r.user_id')
        .select(['r.id', 'r.external_id', 'r.user_id', 'u.status'])
        .where('r.source', '=', batch.source)
        .where('r.external_id', 'in', rows.map((r) => r.record.externalId))
        .execute();
      const existingRow = new Map(existing.map((r) => [r.external_id as string, r]));
      const inserts: Record<string, unknown>[] = [];
      for (const { record, row } of rows) {
        const found = existingRow.get(record.externalId);
        if (found === undefined) {
          inserts.push({ ...RELATED_DEFAULTS[table], ...row, source: batch.source, external_id: record.externalId });
        } else if (found.user_id === null || found.status === 'DELETED') {
          // History of a purged user stays with its tombstone (or unlinked): a re-import never moves it to
          // a new user nor reopens a fee the purge closed.
          summary.warnings.push(`${where(record.location)}: left as it is: it belongs to the history of a purged user`);
          continue;
        } else {
          await db.updateTable(table).set(row as never).where('id', '=', found.id).execute();
        }
        written += 1;
      }
      if (inserts.length > 0) await db.insertInto(table).values(inserts as never).execute();
    }
    return written;
  };

  summary.loans = await upsertRelated('loans', batch.loans, (l) => {
    const userId = userFor(l.userKey, 'loan', l.location);
    if (userId === undefined) return undefined;
    return {
      user_id: userId,
      status: l.status,
      ...(l.itemBarcode !== undefined ? { item_barcode: l.itemBarcode } : {}),
      ...(l.library !== undefined ? { library: l.library } : {}),
      ...(l.loanDate !== undefined ? { loan_date: l.loanDate } : {}),
      ...(l.dueDate !== undefined ? { due_date: l.dueDate } : {}),
      ...(l.returnDate !== undefined ? { return_date: l.returnDate } : {}),
    };
  });
  summary.requests = await upsertRelated('requests', batch.requests, (r) => {
    const userId = userFor(r.userKey, 'request', r.location);
    if (userId === undefined) return undefined;
    return {
      user_id: userId,
      status: r.status,
      ...(r.requestType !== undefined ? { request_type: r.requestType } : {}),
      ...(r.requestDate !== undefined ? { request_date: r.requestDate } : {}),
    };
  });
  summary.fees = await upsertRelated('fees', batch.fees, (f) => {
    const userId = userFor(f.userKey, 'fee', f.location);
    if (userId === undefined) return undefined;
    return {
      user_id: userId,
      fee_type: f.feeType,
      status: f.status,
      close_reason: f.closeReason ?? null,
      closed_date: f.closedDate ?? null,
      ...(f.createdDate !== undefined ? { created_date: f.createdDate } : {}),
      original_amount: f.originalAmount,
      balance: f.balance,
    };
  });
  summary.blocks = await upsertRelated('user_blocks', batch.blocks, (b) => {
    const userId = userFor(b.userKey, 'block', b.location);
    if (userId === undefined) return undefined;
    return { user_id: userId, block_type: b.blockType, description: b.description ?? null, expiry_date: b.expiryDate ?? null, created_at: now };
  });
  summary.assignments = await upsertRelated('assignments', batch.assignments, (a) => {
    const userId = userFor(a.userKey, 'assignment', a.location);
    if (userId === undefined) return undefined;
    return { user_id: userId, kind: a.kind, description: a.description ?? null };
  });
  for (const rel of batch.relationships) {
    const from = userFor(rel.fromUserKey, 'relationship', rel.location);
    const to = from === undefined ? undefined : userFor(rel.toUserKey, 'relationship', rel.location);
    if (from === undefined || to === undefined) continue;
    const row = { kind: rel.kind, from_user_id: from, to_user_id: to, end_date: rel.endDate ?? null };
    const existing = await db
      .selectFrom('relationships')
      .select('id')
      .where('source', '=', batch.source)
      .where('external_id', '=', rel.externalId)
      .executeTakeFirst();
    if (existing) await db.updateTable('relationships').set(row).where('id', '=', existing.id).execute();
    else await db.insertInto('relationships').values({ ...row, source: batch.source, external_id: rel.externalId }).execute();
    summary.relationships += 1;
  }
  return summary;
}

/** At most this many primary ids name the users of an aggregated warning. */
const EXAMPLES = 5;

/** `(a, b)`, or `(e.g. a, b, c, d, e)` when there are more than EXAMPLES: primary ids only, never names. */
function examples(primaryIds: readonly string[]): string {
  const shown = primaryIds.slice(0, EXAMPLES).join(', ');
  return primaryIds.length > EXAMPLES ? `(e.g. ${shown})` : `(${shown})`;
}

/**
 * Warnings about the purge dates of the users of `batch`, read after it was written (in the same
 * transaction), one line each:
 * - users whose carried expiry date is now later than the purge date they keep (the batch carried no
 *   purge date, so the one set earlier stays): a renewed user would be purged on the old date;
 * - users left without a purge date, whom no purge job can select.
 */
export async function describePurgeDates(db: Kysely<Database>, batch: ImportBatch): Promise<string[]> {
  const expiringLate: string[] = [];
  const withoutPurgeDate: string[] = [];
  const seen = new Set<number>();
  for (const chunk of chunks(batch.users)) {
    // After the write every user of the batch is the live user with its primary id.
    const rows = await db
      .selectFrom('users')
      .select(['id', 'primary_id', 'primary_id_key', 'expiry_date', 'purge_date'])
      .where('status', '<>', 'DELETED')
      .where('primary_id_key', 'in', chunk.map((u) => toKey(u.primaryId)))
      .execute();
    const byKey = new Map(rows.map((r) => [r.primary_id_key as string, r]));
    for (const user of chunk) {
      const row = byKey.get(toKey(user.primaryId));
      if (row === undefined || seen.has(row.id)) continue;
      seen.add(row.id);
      if (row.purge_date === null) withoutPurgeDate.push(row.primary_id);
      else if (user.purgeDate === undefined && user.expiryDate && row.expiry_date !== null && row.expiry_date > row.purge_date) {
        expiringLate.push(row.primary_id);
      }
    }
  }
  const warnings: string[] = [];
  const late = expiringLate.length;
  if (late === 1) {
    warnings.push(`1 user now expires after its purge date ${examples(expiringLate)}: its purge date is unchanged; set it again with --purge-days-after-expiry or Update/Notify`);
  } else if (late > 1) {
    warnings.push(`${late} users now expire after their purge date ${examples(expiringLate)}: their purge dates are unchanged; set them again with --purge-days-after-expiry or Update/Notify`);
  }
  const none = withoutPurgeDate.length;
  if (none === 1) {
    warnings.push(`1 user has no purge date ${examples(withoutPurgeDate)} and cannot be purged: import with --purge-days-after-expiry N, or set its purge date later`);
  } else if (none > 1) {
    warnings.push(`${none} users have no purge date ${examples(withoutPurgeDate)} and cannot be purged: import with --purge-days-after-expiry N, or set purge dates later`);
  }
  return warnings;
}

/** The live user a user of the batch updates. */
interface MatchedUser {
  id: number;
  /** The row's source before this import (null for users created by hand). */
  source: string | null;
  /** Matched by its source key with another primary id: the source renamed it. */
  renamed: boolean;
}

/**
 * Finds the live user each user of the batch updates (absent: a new user). First the user imported
 * earlier from this source under the same source key: the source's own stable key (a FOLIO uuid) still
 * finds a user whose primary id (a FOLIO username) changed, so that the renamed user is updated rather
 * than duplicated (the copy would take the loans and leave the original purgeable). Then the user with
 * the same primary id, unless that user is already the match of another record of the batch (which
 * renames it away). Tombstones are never matched: status DELETED, and purges clear their keys.
 * Refuses with IMPORT_MALFORMED a rename to a primary id that another live user keeps.
 */
async function matchExistingUsers(db: Kysely<Database>, batch: ImportBatch, warnings: string[]): Promise<Map<ImportedUser, MatchedUser>> {
  type Row = { id: number; primary_id: string; primary_id_key: string | null; source: string | null; source_key: string | null };
  const bySourceKey = new Map<string, Row[]>();
  for (const part of chunks([...new Set(batch.users.map((u) => u.sourceKey))])) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'primary_id', 'primary_id_key', 'source', 'source_key'])
      .where('status', '<>', 'DELETED')
      .where('source', '=', batch.source)
      .where('source_key', 'in', part)
      .orderBy('id')
      .execute();
    for (const row of rows) bySourceKey.set(row.source_key as string, [...(bySourceKey.get(row.source_key as string) ?? []), row]);
  }
  const byPrimaryKey = new Map<string, Row>();
  for (const part of chunks([...new Set(batch.users.map((u) => toKey(u.primaryId)))])) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'primary_id', 'primary_id_key', 'source', 'source_key'])
      .where('status', '<>', 'DELETED')
      .where('primary_id_key', 'in', part)
      .execute();
    for (const row of rows) byPrimaryKey.set(row.primary_id_key as string, row);
  }

  const matches = new Map<ImportedUser, MatchedUser>();
  const claimed = new Map<number, ImportedUser>();
  const previous = new Map<ImportedUser, Row>();
  for (const user of batch.users) {
    const rows = (bySourceKey.get(user.sourceKey) ?? []).filter((row) => !claimed.has(row.id));
    if (rows.length === 0) continue;
    // Two live users with one source key are left by imports made before source keys were matched:
    // the one with this primary id, else the newest (the one that took the source's latest records).
    const key = toKey(user.primaryId);
    const row = rows.find((r) => r.primary_id_key === key) ?? (rows[rows.length - 1] as Row);
    if (rows.length > 1) {
      warnings.push(
        `${where(user.location)}: ${rows.length} users were imported from ${batch.source} as ${user.sourceKey} (${rows.map((r) => r.primary_id).join(', ')}): ${row.primary_id} was updated; merge or delete the others`,
      );
    }
    matches.set(user, { id: row.id, source: row.source, renamed: row.primary_id_key !== key });
    claimed.set(row.id, user);
    previous.set(user, row);
  }
  for (const user of batch.users) {
    if (matches.has(user)) continue;
    const row = byPrimaryKey.get(toKey(user.primaryId));
    if (row === undefined || claimed.has(row.id)) continue;
    matches.set(user, { id: row.id, source: row.source, renamed: false });
    claimed.set(row.id, user);
  }
  for (const [user, match] of matches) {
    if (!match.renamed) continue;
    const holder = byPrimaryKey.get(toKey(user.primaryId));
    // The holder keeps the primary id unless this import matches it too (and so renames it away).
    if (holder === undefined || holder.id === match.id || claimed.has(holder.id)) continue;
    const before = previous.get(user) as Row;
    throw new AppError(
      'IMPORT_MALFORMED',
      `${where(user.location)}: field primary id: "${user.primaryId}" belongs to another user already; this user was imported from ${batch.source} as ${user.sourceKey} with primary id "${before.primary_id}"; nothing was imported`,
    );
  }
  return matches;
}

/** Column values of a new user that its source does not carry. */
const NEW_USER_DEFAULTS: Record<string, unknown> = {
  record_type: 'PUBLIC',
  user_group: null,
  user_group_key: null,
  account_type: 'EXTERNAL',
  status: 'ACTIVE',
  first_name: null,
  middle_name: null,
  last_name: null,
  last_name_key: null,
  birth_date: null,
  expiry_date: null,
  purge_date: null,
  home_library: null,
  home_library_key: null,
  last_activity_date: null,
  do_not_purge: 0,
  do_not_purge_reason: null,
};

/** Column values of a new related record that its source does not carry. */
const RELATED_DEFAULTS: Record<string, Record<string, unknown>> = {
  loans: { item_barcode: null, library: null, loan_date: null, due_date: null, return_date: null, user_group: null },
  requests: { request_type: null, request_date: null, user_group: null },
  fees: { created_date: null, user_group: null },
  user_blocks: {},
  assignments: {},
};

/** Inserts the child rows of users created by this import (nothing to replace), a few statements per chunk. */
async function insertNewUserChildren(db: Kysely<Database>, created: ReadonlyArray<{ id: number; user: ImportedUser }>, now: string): Promise<void> {
  const identifiers = created.flatMap(({ id, user }) =>
    (user.identifiers ?? []).map((i) => ({ user_id: id, id_type: i.type, value: i.value, value_key: toKey(i.value), status: 'ACTIVE' })),
  );
  const contacts = created.flatMap(({ id, user }) => [
    ...(user.emails ?? []).map((value) => ({ user_id: id, kind: 'EMAIL', value, value_key: toKey(value) })),
    ...(user.phones ?? []).map((value) => ({ user_id: id, kind: 'PHONE', value, value_key: toKey(value) })),
    ...(user.addresses ?? []).map((value) => ({ user_id: id, kind: 'ADDRESS', value, value_key: toKey(value) })),
  ]);
  const categories = created.flatMap(({ id, user }) => (user.statisticalCategories ?? []).map((category) => ({ user_id: id, category })));
  const notes = created.flatMap(({ id, user }) => [...new Set(user.notes ?? [])].map((note) => ({ user_id: id, note, created_at: now })));
  for (const part of chunks(identifiers)) await db.insertInto('user_identifiers').values(part).execute();
  for (const part of chunks(contacts)) await db.insertInto('user_contacts').values(part).execute();
  for (const part of chunks(categories)) await db.insertInto('user_stat_categories').values(part).execute();
  for (const part of chunks(notes)) await db.insertInto('user_notes').values(part).execute();
}

/** Replaces the child collections the source carries (identifiers, contacts, categories); adds new notes. */
async function replaceUserChildren(db: Kysely<Database>, userId: number, user: ImportedUser, now: string): Promise<void> {
  if (user.identifiers !== undefined) {
    await db.deleteFrom('user_identifiers').where('user_id', '=', userId).execute();
    if (user.identifiers.length > 0) {
      await db
        .insertInto('user_identifiers')
        .values(user.identifiers.map((i) => ({ user_id: userId, id_type: i.type, value: i.value, value_key: toKey(i.value), status: 'ACTIVE' })))
        .execute();
    }
  }
  const contacts: Array<['EMAIL' | 'PHONE' | 'ADDRESS', string[] | undefined]> = [
    ['EMAIL', user.emails],
    ['PHONE', user.phones],
    ['ADDRESS', user.addresses],
  ];
  for (const [kind, values] of contacts) {
    if (values === undefined) continue;
    await db.deleteFrom('user_contacts').where('user_id', '=', userId).where('kind', '=', kind).execute();
    if (values.length > 0) {
      await db
        .insertInto('user_contacts')
        .values(values.map((value) => ({ user_id: userId, kind, value, value_key: toKey(value) })))
        .execute();
    }
  }
  if (user.statisticalCategories !== undefined) {
    await db.deleteFrom('user_stat_categories').where('user_id', '=', userId).execute();
    if (user.statisticalCategories.length > 0) {
      await db.insertInto('user_stat_categories').values(user.statisticalCategories.map((category) => ({ user_id: userId, category }))).execute();
    }
  }
  if (user.notes !== undefined && user.notes.length > 0) {
    const existing = new Set((await db.selectFrom('user_notes').select('note').where('user_id', '=', userId).execute()).map((r) => r.note));
    const fresh = user.notes.filter((n) => !existing.has(n));
    if (fresh.length > 0) await db.insertInto('user_notes').values(fresh.map((note) => ({ user_id: userId, note, created_at: now }))).execute();
  }
}
