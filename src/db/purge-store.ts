/**
 * Set-based reads and writes of the purge (PERFORMANCE.md rule 3): the facts of a whole bulk come from a
 * few grouped queries over id lists, and the Delete User Policy is applied with a handful of statements.
 * Never one query per user.
 */
import { sql, type Kysely } from 'kysely';
import type { CalendarDate } from '../domain/calendar-date.ts';
import { settleFees, type CandidateFilter, type OpenFeeLine, type UserFacts } from '../domain/purge-criteria.ts';
import type { DeletePolicy } from '../domain/settings.ts';
import { ACTIVE_LOAN_STATUSES, ACTIVE_REQUEST_STATUSES, type RecordType, type UserStatus } from '../domain/user.ts';
import type { Database } from './schema.ts';

/** Selects the ids of the candidates of `filter`, in id order (SPEC.md 3.2). */
export function selectCandidateIds(db: Kysely<Database>, filter: CandidateFilter) {
  let query = db
    .selectFrom('users')
    .select('id')
    .where('purge_date', 'is not', null)
    .where('purge_date', '<=', filter.cutoff)
    .where('status', '<>', 'DELETED');
  if (filter.recordType) query = query.where('record_type', '=', filter.recordType);
  if (filter.userGroupKey) query = query.where('user_group_key', '=', filter.userGroupKey);
  if (filter.libraryKeys.length > 0) query = query.where('home_library_key', 'in', [...filter.libraryKeys]);
  return query;
}

/** How many users are candidates of `filter` now. */
export async function countCandidates(db: Kysely<Database>, filter: CandidateFilter): Promise<number> {
  const row = await db
    .selectFrom(selectCandidateIds(db, filter).as('c'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Facts plus what the report shows of a user. */
export interface BulkUser extends UserFacts {
  primaryId: string;
  userGroup: string | null;
}

/**
 * Closes the active fee lines of `userIds` (SPEC.md 3.4 "Money at purge"): debts and credits are set
 * against each other line by line (domain settleFees); the lines stay as history with what was waived.
 */
async function settleOpenFees(db: Kysely<Database>, userIds: number[], today: CalendarDate): Promise<void> {
  const lines = await db.selectFrom('fees').select(['id', 'user_id', 'balance']).where('status', '=', 'ACTIVE').where('user_id', 'in', userIds).execute();
  if (lines.length === 0) return;
  const byUser = new Map<number, OpenFeeLine[]>();
  for (const line of lines) {
    const list = byUser.get(line.user_id as number) ?? [];
    list.push({ id: line.id, balance: Number(line.balance) });
    byUser.set(line.user_id as number, list);
  }
  const balanceOf = new Map(lines.map((l) => [l.id, Number(l.balance)]));
  const groups = { WAIVED: [] as number[], TRANSFERRED: [] as number[], CANCELLED: [] as number[] };
  const partial: Array<{ id: number; waived: number }> = [];
  for (const userLines of byUser.values()) {
    for (const s of settleFees(userLines)) {
      if (s.closeReason === 'WAIVED' && s.waivedAmount !== balanceOf.get(s.id)) partial.push({ id: s.id, waived: s.waivedAmount });
      else groups[s.closeReason].push(s.id);
    }
  }
  const closed = { status: 'CLOSED', closed_date: today, balance: 0 };
  // Set-based for the whole lines; only a debt partly set off against a credit needs its own statement
  // (at most one per user).
  if (groups.WAIVED.length > 0) {
    await db.updateTable('fees').set((eb) => ({ ...closed, close_reason: 'WAIVED', waived_amount: eb.ref('balance') })).where('id', 'in', groups.WAIVED).execute();
  }
  for (const reason of ['TRANSFERRED', 'CANCELLED'] as const) {
    if (groups[reason].length > 0) await db.updateTable('fees').set({ ...closed, close_reason: reason, waived_amount: 0 }).where('id', 'in', groups[reason]).execute();
  }
  for (const p of partial) await db.updateTable('fees').set({ ...closed, close_reason: 'WAIVED', waived_amount: p.waived }).where('id', '=', p.id).execute();
}

/** Who counts as a system user for a job: the anonymisation user and the operator (internal ids). */
export interface SystemUsers {
  ids: ReadonlySet<number>;
}

/** Loads the facts of `userIds` (missing ids are absent from the result). `today` decides ended relationships. */
export async function loadUserFacts(
  db: Kysely<Database>,
  userIds: readonly number[],
  today: CalendarDate,
  systemUsers: SystemUsers,
  options: { lockUsers?: boolean } = {},
): Promise<Map<number, BulkUser>> {
  const result = new Map<number, BulkUser>();
  if (userIds.length === 0) return result;
  const ids = [...userIds];
  if (options.lockUsers) {
    // Row locks first (engines with row locks): a loan, fee or request being added to one of these users
    // holds a key-share lock on the user row, so the facts read below include it; and nothing can be
    // added until the bulk commits.
    await db.selectFrom('users').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
  }
  const [users, loans, requests, fees, relationships, assignments] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'primary_id', 'status', 'purge_date', 'record_type', 'user_group', 'user_group_key', 'home_library_key', 'do_not_purge'])
      .where('id', 'in', ids)
      .execute(),
    db
      .selectFrom('loans')
      .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('user_id', 'in', ids)
      .where('status', 'in', [...ACTIVE_LOAN_STATUSES])
      .groupBy('user_id')
      .execute(),
    db
      .selectFrom('requests')
      .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('user_id', 'in', ids)
      .where('status', 'in', [...ACTIVE_REQUEST_STATUSES])
      .groupBy('user_id')
      .execute(),
    db
      .selectFrom('fees')
      .select([
        'user_id',
        sql<number>`sum(case when balance > 0 then balance else 0 end)`.as('debts'),
        sql<number>`sum(case when balance < 0 then -balance else 0 end)`.as('credits'),
      ])
      .where('user_id', 'in', ids)
      .where('status', '=', 'ACTIVE')
      .groupBy('user_id')
      .execute(),
    db
      .selectFrom('relationships')
      .select(['kind', 'from_user_id', 'to_user_id'])
      // A relationship still counts on its end date and ends the day after.
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', today)]))
      .where((eb) => eb.or([eb('from_user_id', 'in', ids), eb('to_user_id', 'in', ids)]))
      .execute(),
    db
      .selectFrom('assignments')
      .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('user_id', 'in', ids)
      .groupBy('user_id')
      .execute(),
  ]);
  const count = (rows: Array<{ user_id: number | null; n: number | string }>) =>
    new Map(rows.map((r) => [r.user_id as number, Number(r.n)]));
  const loanCount = count(loans);
  const requestCount = count(requests);
  const assignmentCount = count(assignments);
  const money = new Map(fees.map((r) => [r.user_id as number, { debts: Number(r.debts), credits: Number(r.credits) }]));
  const proxies = new Set<number>();
  const guarantors = new Set<number>();
  for (const r of relationships) {
    if (r.kind === 'PROXY') {
      proxies.add(r.from_user_id);
      proxies.add(r.to_user_id);
    } else if (r.kind === 'GUARANTOR') guarantors.add(r.from_user_id);
  }
  for (const u of users) {
    result.set(u.id, {
      userId: u.id,
      primaryId: u.primary_id,
      userGroup: u.user_group,
      status: u.status as UserStatus,
      purgeDate: u.purge_date,
      recordType: u.record_type as RecordType,
      userGroupKey: u.user_group_key,
      homeLibraryKey: u.home_library_key,
      doNotPurge: Number(u.do_not_purge) === 1,
      isSystemUser: systemUsers.ids.has(u.id),
      activeLoans: loanCount.get(u.id) ?? 0,
      activeRequests: requestCount.get(u.id) ?? 0,
      activeDebts: money.get(u.id)?.debts ?? 0,
      activeCredits: money.get(u.id)?.credits ?? 0,
      activeProxy: proxies.has(u.id),
      guarantor: guarantors.has(u.id),
      assignments: assignmentCount.get(u.id) ?? 0,
    });
  }
  return result;
}

/** What deleting a set of users did, for the counters. */
export interface DeletionOutcome {
  requestsCancelled: number;
  historyRecordsAnonymised: number;
}

/** How deleting users settles their money and requests. */
export interface DeletionContext {
  policy: DeletePolicy;
  today: CalendarDate;
  now: string;
  /** Cancel the users' active requests (when `block_on_requests` is off, or the policy keeps the row). */
  cancelActiveRequests: boolean;
}

function idChunks(ids: readonly number[], size = 5000): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/**
 * Deletes `userIds` under the Delete User Policy (SPEC.md section 6), in the caller's transaction.
 * History rows stay (linked to the tombstone, or unlinked with the user group kept for statistics).
 */
export async function deleteUsers(db: Kysely<Database>, userIds: readonly number[], context: DeletionContext): Promise<DeletionOutcome> {
  const outcome: DeletionOutcome = { requestsCancelled: 0, historyRecordsAnonymised: 0 };
  if (userIds.length === 0) return outcome;
  for (const ids of idChunks(userIds)) {
    await settleOpenFees(db, ids, context.today);
    // A purged user is nobody's sponsor, proxy, guarantor or guarantee any more: its relationships go
    // under every policy (they tie a person to another), so they never keep the other party.
    await db.deleteFrom('relationships').where((eb) => eb.or([eb('from_user_id', 'in', ids), eb('to_user_id', 'in', ids)])).execute();

    if (context.cancelActiveRequests) {
      const cancelled = await db
        .updateTable('requests')
        .set({ status: 'CANCELLED' })
        .where('user_id', 'in', ids)
        .where('status', 'in', [...ACTIVE_REQUEST_STATUSES])
        .executeTakeFirst();
      outcome.requestsCancelled += Number(cancelled.numUpdatedRows);
    }

    if (context.policy === 'KEEP_FULLY_REPORTABLE') {
      await db.updateTable('user_identifiers').set({ status: 'INACTIVE' }).where('user_id', 'in', ids).execute();
      await db.updateTable('users').set({ status: 'DELETED', primary_id_key: null, updated_at: context.now }).where('id', 'in', ids).execute();
      continue;
    }

    if (context.policy === 'FULLY_REMOVE') {
      for (const table of ['loans', 'requests', 'fees'] as const) {
        const unlinked = await db
          .updateTable(table)
          .set({
            user_group: (eb) => eb.selectFrom('users').select('users.user_group').whereRef('users.id', '=', `${table}.user_id`),
            user_id: null,
          })
          .where('user_id', 'in', ids)
          .executeTakeFirst();
        outcome.historyRecordsAnonymised += Number(unlinked.numUpdatedRows);
      }
      await db.deleteFrom('users').where('id', 'in', ids).execute();
      continue;
    }

    // KEEP_STATISTICS and KEEP_STATISTICS_REMOVE_PRIMARY_ID: the row becomes a tombstone; history stays
    // linked to it. The counter counts the history rows now tied to a tombstone instead of a person.
    outcome.historyRecordsAnonymised += await countHistory(db, ids);
    for (const table of ['user_identifiers', 'user_contacts', 'user_notes', 'user_blocks'] as const) {
      await db.deleteFrom(table).where('user_id', 'in', ids).execute();
    }
    await db
      .updateTable('users')
      .set({
        ...(context.policy === 'KEEP_STATISTICS_REMOVE_PRIMARY_ID' ? { primary_id: sql<string>`'DEL-' || cast(id as text)` } : {}),
        primary_id_key: null,
        status: 'DELETED',
        first_name: null,
        middle_name: null,
        last_name: null,
        last_name_key: null,
        birth_date: null,
        do_not_purge_reason: null,
        source_key: null,
        updated_at: context.now,
      })
      .where('id', 'in', ids)
      .execute();
  }
  return outcome;
}

/**
 * What `deleteUsers` would count, without changing anything: simulate mode reports exactly as a real
 * run would.
 */
export async function countDeletionEffects(db: Kysely<Database>, userIds: readonly number[], context: DeletionContext): Promise<DeletionOutcome> {
  const outcome: DeletionOutcome = { requestsCancelled: 0, historyRecordsAnonymised: 0 };
  for (const ids of idChunks(userIds)) {
    if (context.cancelActiveRequests) {
      const row = await db
        .selectFrom('requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', 'in', ids)
        .where('status', 'in', [...ACTIVE_REQUEST_STATUSES])
        .executeTakeFirst();
      outcome.requestsCancelled += Number(row?.n ?? 0);
    }
    if (context.policy !== 'KEEP_FULLY_REPORTABLE') outcome.historyRecordsAnonymised += await countHistory(db, ids);
  }
  return outcome;
}

/** Loan, request and fee rows of `ids`. */
async function countHistory(db: Kysely<Database>, ids: number[]): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('loans')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', 'in', ids)
        .unionAll(db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', 'in', ids))
        .unionAll(db.selectFrom('fees').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', 'in', ids))
        .as('h'),
    )
    .select((eb) => eb.fn.sum<number>('h.n').as('total'))
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** Primary ids of `userIds` (for report rows of users that failed). */
export async function readPrimaryIds(db: Kysely<Database>, userIds: readonly number[]): Promise<Map<number, { primaryId: string; userGroup: string | null }>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'primary_id', 'user_group']).where('id', 'in', [...userIds]).execute();
  return new Map(rows.map((r) => [r.id, { primaryId: r.primary_id, userGroup: r.user_group }]));
}
