/**
 * Set-based reads and writes of the purge (PERFORMANCE.md rule 3): the facts of a whole bulk come from a
 * few grouped queries over id lists, and the Delete User Policy is applied with a handful of statements.
 * Never one query per user.
 */
import { sql, type Kysely } from 'kysely';
import type { CalendarDate } from '../domain/calendar-date.ts';
import type { UserFacts } from '../domain/purge-criteria.ts';
import type { DeletePolicy } from '../domain/settings.ts';
import { ACTIVE_LOAN_STATUSES, ACTIVE_REQUEST_STATUSES, type RecordType, type UserStatus } from '../domain/user.ts';
import type { Database } from './schema.ts';

/** Facts plus what the report shows of a user. */
export interface BulkUser extends UserFacts {
  primaryId: string;
  userGroup: string | null;
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
): Promise<Map<number, BulkUser>> {
  const result = new Map<number, BulkUser>();
  if (userIds.length === 0) return result;
  const ids = [...userIds];
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
  /** Users whose remaining debt is waived, and whose remaining credit is closed. */
  debtWaivedIds: readonly number[];
  creditClosedIds: readonly number[];
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
  const waived = new Set(context.debtWaivedIds);
  const creditClosed = new Set(context.creditClosedIds);
  for (const ids of idChunks(userIds)) {
    // Money at purge: debts and credits are set against each other; what remains is waived (a debt at
    // most the threshold) or closed (a credit, only when block_on_credit is off). Lines stay as history.
    const waivedIds = ids.filter((id) => waived.has(id));
    const creditIds = ids.filter((id) => creditClosed.has(id));
    const closeFees = (reason: string, balanceSign: 'debt' | 'credit', within: number[]) =>
      within.length === 0
        ? Promise.resolve()
        : db
            .updateTable('fees')
            .set({ status: 'CLOSED', close_reason: reason, closed_date: context.today, balance: 0 })
            .where('status', '=', 'ACTIVE')
            .where('user_id', 'in', within)
            .where('balance', balanceSign === 'debt' ? '>' : '<', 0)
            .execute();
    await closeFees('WAIVED', 'debt', waivedIds);
    await closeFees('CANCELLED', 'credit', creditIds);
    // Whatever is still active was offset by the other side.
    await db
      .updateTable('fees')
      .set({ status: 'CLOSED', close_reason: 'TRANSFERRED', closed_date: context.today, balance: 0 })
      .where('status', '=', 'ACTIVE')
      .where('user_id', 'in', ids)
      .execute();

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
      await db.deleteFrom('relationships').where((eb) => eb.or([eb('from_user_id', 'in', ids), eb('to_user_id', 'in', ids)])).execute();
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
