/**
 * A job reads as it ran: its amounts (waive threshold, report amounts) are formatted in the currency of
 * the settings it fixed at initialization, and its report lists purged users only if that job's
 * `report_purged_users` was on. A job that has not started yet has no snapshot and reads with the
 * current settings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPurgeJob, listJobViews, readJobReport, showJob } from '../../src/app/purge-jobs.ts';
import { setSetting } from '../../src/app/settings.ts';
import { writeSetting } from '../../src/db/settings-store.ts';
import { fee, openTestApp, runPurge, seed, testDatabases, user, type TestApp } from '../helpers/test-app.ts';

const NOW = '2025-06-01T10:00:00Z';

describe.each(testDatabases())('on %s', (database) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("a job that ran shows its threshold and report amounts in its own currency, not the current one", async () => {
    const a = (app = await openTestApp(NOW, {}, database));
    await seed(a, { users: [user('U1'), user('U2')], fees: [fee('U1', 1234)] });
    const { view } = await runPurge(a, { waiveThreshold: '5.00' });
    expect(view.parameters.waiveThreshold).toBe('5.00');

    // No command changes the currency once amounts exist; a database can still come to hold another
    // one (an older version, a hand edit), and must not rescale what a job recorded.
    await writeSetting(a.db.kysely, 'currency', 'JPY', NOW);
    const shown = await showJob(a, view.id);
    expect(shown.ok && shown.job.parameters.waiveThreshold).toBe('5.00');
    const [listed] = await listJobViews(a);
    expect(listed?.view.parameters.waiveThreshold).toBe('5.00');
    const report = await readJobReport(a, view.id);
    if (!report.ok) throw new Error(report.message);
    expect(report.report.job.parameters.waiveThreshold).toBe('5.00');
    expect(report.report.not_purged).toEqual([expect.objectContaining({ primary_id: 'U1', reasons: ['FEES_OVER_THRESHOLD'], amount: '12.34' })]);
  });

  it('a job that has not started reads in the current currency', async () => {
    const a = (app = await openTestApp(NOW, { currency: 'JPY' }, database));
    const created = await createPurgeJob(a, { waiveThreshold: '500' }, 'test');
    if (!created.ok) throw new Error(created.message);
    const shown = await showJob(a, created.jobId);
    expect(shown.ok && shown.job).toMatchObject({ status: 'QUEUED', parameters: { waiveThreshold: '500' } });
  });

  it("the purged list follows the job's own report_purged_users, whatever the setting says now", async () => {
    const a = (app = await openTestApp(NOW, { report_purged_users: 'false' }, database));
    await seed(a, { users: [user('U1')] });
    const unlisted = (await runPurge(a)).view.id;
    expect(await setSetting(a, 'report_purged_users', 'true', 'test')).toMatchObject({ ok: true });
    await seed(a, { users: [user('U2')] });
    const listed = (await runPurge(a)).view.id;
    expect(await setSetting(a, 'report_purged_users', 'false', 'test')).toMatchObject({ ok: true });

    const first = await readJobReport(a, unlisted);
    const second = await readJobReport(a, listed);
    if (!first.ok || !second.ok) throw new Error('report missing');
    // The first job wrote no list: absent, not an empty list that would say nobody was purged.
    expect(first.report.job.counters.purged).toBe(1);
    expect(first.report).not.toHaveProperty('purged');
    expect(second.report.purged).toEqual(['U2']);
  });
});
