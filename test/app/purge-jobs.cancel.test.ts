/**
 * Cancelling a queued job is a compare-and-set (SPEC.md 3.4): on PostgreSQL a worker may claim the job
 * between the cancel's read and its write. The cancel must then not end the job under the worker that is
 * initializing it; it becomes a cancel request the worker honours at its next bulk boundary.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { cancelJob, createPurgeJob, showJob } from '../../src/app/purge-jobs.ts';
import { openTestApp, runWorker, seed, testDatabases, user, type TestApp } from '../helpers/test-app.ts';

const NOW = '2025-06-01T10:00:00Z';

describe.each(testDatabases())('on %s', (database) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('a queued job ends at once as USER_ABORTED; cancelling it again is refused', async () => {
    app = await openTestApp(NOW, {}, database);
    await seed(app, { users: [user('U1')] });
    const created = await createPurgeJob(app, {}, 'test');
    if (!created.ok) throw new Error(created.message);
    expect(await cancelJob(app, created.jobId, 'test')).toEqual({ ok: true, status: 'USER_ABORTED' });
    expect(await cancelJob(app, created.jobId, 'test')).toMatchObject({ ok: false, code: 'JOB_NOT_CANCELLABLE' });
    await runWorker(app);
    const shown = await showJob(app, created.jobId);
    expect(shown.ok && shown.job).toMatchObject({ status: 'USER_ABORTED', counters: { candidates: 0, purged: 0 } });
  });

  // Only PostgreSQL lets a claim be held uncommitted while another connection cancels (SQLite
  // serialises writers), so the test exists on that engine only: defined there, never skipped.
  if (database === 'postgres') it('a job a worker claims while the cancel runs is left to that worker, with the cancel requested', async () => {
    const a = (app = await openTestApp(NOW, {}, database));
    await seed(a, { users: [user('U1'), user('U2')] });
    const created = await createPurgeJob(a, {}, 'test');
    if (!created.ok) throw new Error(created.message);
    const jobId = created.jobId;

    // Another worker claims the job in a transaction it has not committed yet (its lease already
    // expired, so that this test's worker can take the job over afterwards).
    const other = new pg.Client({ connectionString: a.config.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      const claimed = await other.query(
        "update jobs set status = 'INITIALIZING', lease_owner = 'other-worker', lease_expires_at = $2, started_at = $2 where id = $1 and status = 'QUEUED'",
        [jobId, '2025-06-01T09:00:00.000Z'],
      );
      expect(claimed.rowCount).toBe(1);

      // The cancel reads the job as QUEUED (the claim is not committed) and its write then waits for the claim.
      const cancelling = cancelJob(a, jobId, 'test');
      const waitingOnClaim = async () =>
        (
          await other.query<{ n: number }>(
            `select count(*)::int as n from pg_locks w join pg_locks h on h.locktype = 'transactionid' and h.transactionid = w.transactionid and h.granted
             where w.locktype = 'transactionid' and not w.granted and h.pid = pg_backend_pid()`,
          )
        ).rows[0]!.n > 0;
      const deadline = Date.now() + 10_000;
      while (!(await waitingOnClaim())) {
        if (Date.now() > deadline) throw new Error('the cancel never waited for the claim');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await other.query('commit');

      expect(await cancelling).toEqual({ ok: true, status: 'INITIALIZING' });
    } finally {
      await other.end();
    }
    const row = await a.db.kysely.selectFrom('jobs').select(['status', 'cancel_requested', 'ended_at', 'lease_owner']).where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'INITIALIZING', cancel_requested: 1, ended_at: null, lease_owner: 'other-worker' });

    // The worker that takes the job over honours the request: nobody is purged.
    await runWorker(a);
    const shown = await showJob(a, jobId);
    expect(shown.ok && shown.job).toMatchObject({ status: 'USER_ABORTED', counters: { candidates: 2, purged: 0, not_processed: 2 } });
  });
});
