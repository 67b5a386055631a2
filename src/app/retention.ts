/** History retention: finished jobs and their reports are deleted `history_retention_days` after they ended. */
import { ENDED_STATUSES } from '../domain/job.ts';
import { inWriteTransaction } from '../db/connection.ts';
import { appendAudit } from '../db/audit-store.ts';
import { deleteJobsEndedBefore } from '../db/job-store.ts';
import { readSettings } from '../db/settings-store.ts';
import type { AppContext } from './context.ts';

/** Deletes the jobs whose retention has ended, with an audit entry naming them; returns how many. */
export async function applyHistoryRetention(context: AppContext): Promise<number> {
  const settings = await readSettings(context.db.kysely);
  const now = context.clock.now();
  const cutoff = new Date(now.getTime() - settings.historyRetentionDays * 86_400_000).toISOString();
  return inWriteTransaction(context.db, async (trx) => {
    const ids = await deleteJobsEndedBefore(trx, cutoff, ENDED_STATUSES);
    if (ids.length > 0) {
      await appendAudit(trx, [
        { at: now.toISOString(), actor: 'system', action: 'HISTORY_RETENTION', details: { jobsDeleted: ids, endedBefore: cutoff, historyRetentionDays: settings.historyRetentionDays } },
      ]);
    }
    return ids.length;
  });
}
