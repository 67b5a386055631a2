/** The append-only audit log. Entries carry the actor and internal ids, never a person's data. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** One audit entry to append. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  jobId?: number | null;
  targetUserId?: number | null;
  details?: Record<string, unknown> | null;
}

/** Appends entries (one statement). */
export async function appendAudit(db: Kysely<Database>, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((e) => ({
        at: e.at,
        actor: e.actor,
        action: e.action,
        job_id: e.jobId ?? null,
        target_user_id: e.targetUserId ?? null,
        details: e.details ? JSON.stringify(e.details) : null,
      })),
    )
    .execute();
}

/** Audit entries, newest first. */
export async function listAudit(db: Kysely<Database>, options: { limit?: number; jobId?: number } = {}) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit ?? 100);
  if (options.jobId !== undefined) query = query.where('job_id', '=', options.jobId);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null }));
}
