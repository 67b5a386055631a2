/** History retention: finished jobs and their reports are deleted `history_retention_days` after they ended. */
import { ENDED_STATUSES } from '../domain/job.ts';
import { inWriteTransaction } from '../db/connection.ts';
import { deleteJobsEndedBefore } from '../db/job-store.ts';
import { readSettings } from '../db/settings-store.ts';
import type { AppContext } from './context.ts';

/** Deletes the jobs whose retention has ended; returns how many. */
export async function applyHistoryRetention(context: AppContext): Promise<number> {
  const settings = await readSettings(context.db.kysely);
  const cutoff = new Date(context.clock.now().getTime() - settings.historyRetentionDays * 86_400_000).toISOString();
  return inWriteTransaction(context.db, (trx) => deleteJobsEndedBefore(trx, cutoff, ENDED_STATUSES));
}
