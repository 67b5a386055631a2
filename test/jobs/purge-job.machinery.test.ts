/** The job machinery of SPEC.md 3.4 on a real SQLite database: bulks, simulate, maximum, cancel, failures, retention. */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cancelJob, createPurgeJob, readJobReport, reportToCsv, showJob, type JobView } from '../../src/app/purge-jobs.ts';
import { applyHistoryRetention } from '../../src/app/retention.ts';
import { PURGE_COUNTERS } from '../../src/domain/job.ts';
import { createAppWorker } from '../../src/main.ts';
import { fee, liveUsers, loan, openTestApp, runPurge, runWorker, seed, testDatabases, user, type TestApp } from '../helpers/test-app.ts';

const RUN_AT = '2025-06-01T10:00:00-04:00';

describe.each(testDatabases())('on %s', (database) => {
let app: TestApp | undefined;
async function open(settings: Record<string, string> = {}): Promise<TestApp> {
  app = await openTestApp(RUN_AT, { timezone: 'America/New_York', ...settings }, database);
  return app;
}
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const ids = (n: number, prefix = 'U') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/** SPEC.md 3.4: candidates = purged + not_purged + no_longer_candidate + failed + not_processed, and every counter present. */
function expectBalanced(view: JobView): void {
  for (const name of PURGE_COUNTERS) expect(view.counters[name], name).toBeTypeOf('number');
  const c = view.counters;
  expect(c.candidates).toBe((c.purged ?? 0) + (c.not_purged ?? 0) + (c.no_longer_candidate ?? 0) + (c.failed ?? 0) + (c.not_processed ?? 0));
}

describe('bulks', () => {
  it('splits 5 candidates into bulks of 2 and processes all of them', async () => {
    const a = await open({ bulk_size: '2' });
    await seed(a, { users: ids(5).map((id) => user(id)), loans: [loan('U4', 'ON_LOAN')] });
    const { view } = await runPurge(a);
    const job = await a.db.kysely.selectFrom('jobs').select(['total_bulks', 'total_users']).executeTakeFirstOrThrow();
    expect(job).toEqual({ total_bulks: 3, total_users: 5 });
    const bulks = await a.db.kysely.selectFrom('job_bulks').select(['bulk_no', 'user_count', 'state']).orderBy('bulk_no').execute();
    expect(bulks).toEqual([
      { bulk_no: 0, user_count: 2, state: 'DONE' },
      { bulk_no: 1, user_count: 2, state: 'DONE' },
      { bulk_no: 2, user_count: 1, state: 'DONE' },
    ]);
    expect(view.counters.purged).toBe(4);
    expect(view.counters.not_purged).toBe(1);
    expectBalanced(view);
  });

  it('ends COMPLETED_NO_BULKS when there is no candidate', async () => {
    const a = await open();
    await seed(a, { users: [user('U1', { purgeDate: '2030-01-01' })] });
    const { view } = await runPurge(a);
    expect(view.status).toBe('COMPLETED_NO_BULKS');
    expect(view.counters.candidates).toBe(0);
    expectBalanced(view);
  });
});

describe('simulate', () => {
  it('reports exactly as a real run would and deletes nothing', async () => {
    const library = {
      users: ids(6).map((id) => user(id)),
      loans: [loan('U1', 'ON_LOAN'), loan('U2', 'RETURNED')],
      fees: [fee('U3', 250), fee('U4', 900)],
    };
    const a = await open();
    await seed(a, library);
    const simulated = await runPurge(a, { simulate: true, waiveThreshold: '5' });
    expect(await liveUsers(a)).toEqual(ids(6).sort());
    const real = await runPurge(a, { waiveThreshold: '5' });
    expect(simulated.view.parameters.simulate).toBe(true);
    expect(simulated.view.counters).toEqual(real.view.counters);
    expect(simulated.report.not_purged).toEqual(real.report.not_purged);
    expect(simulated.report.purged).toEqual(real.report.purged);
    expect(real.view.counters.purged).toBe(4);
    expect(real.view.counters.debts_waived).toBe(1);
  });
});

describe('maximum number of users', () => {
  it('stops before exceeding the maximum and ends COMPLETED_WARNING', async () => {
    const a = await open({ bulk_size: '2' });
    await seed(a, { users: ids(7).map((id) => user(id)), loans: [loan('U1', 'ON_LOAN')] });
    const { view, report } = await runPurge(a, { maxUsers: 3 });
    expect(view.status).toBe('COMPLETED_WARNING');
    expect(view.counters.purged).toBe(3);
    expect(view.counters.not_purged).toBe(1);
    expect(view.counters.not_processed).toBe(3);
    expect(report.purged).toEqual(['U2', 'U3', 'U4']);
    expectBalanced(view);
  });
});

describe('cancel', () => {
  it('cancels a queued job at once: nothing is read or deleted', async () => {
    const a = await open();
    await seed(a, { users: [user('U1')] });
    const created = await createPurgeJob(a, {}, 'test');
    if (!created.ok) throw new Error(created.message);
    const cancelled = await cancelJob(a, created.jobId, 'test');
    expect(cancelled.ok && cancelled.status).toBe('USER_ABORTED');
    await runWorker(a);
    expect(await liveUsers(a)).toEqual(['U1']);
    const again = await cancelJob(a, created.jobId, 'test');
    expect(again.ok ? '' : again.code).toBe('JOB_NOT_CANCELLABLE');
  });

  it('stops a running job at the next bulk boundary; committed bulks stay and the rest is not processed', async () => {
    const a = await open({ bulk_size: '2' });
    await seed(a, { users: ids(6).map((id) => user(id)) });
    const created = await createPurgeJob(a, {}, 'test');
    if (!created.ok) throw new Error(created.message);
    const worker = createAppWorker(a);
    expect(await worker.step()).toBe('worked'); // initialize
    expect(await worker.step()).toBe('worked'); // bulk 0
    await cancelJob(a, created.jobId, 'test');
    await worker.run({ untilIdle: true });
    const shown = await showJob(a, created.jobId);
    if (!shown.ok) throw new Error(shown.message);
    expect(shown.job.status).toBe('USER_ABORTED');
    expect(shown.job.counters.purged).toBe(2);
    expect(shown.job.counters.not_processed).toBe(4);
    expectBalanced(shown.job);
    expect(await liveUsers(a)).toEqual(['U3', 'U4', 'U5', 'U6']);
  });
});

describe('changes after initialization', () => {
  it('re-reads each bulk: a user no longer a candidate is left alone, a new loan keeps its user', async () => {
    const a = await open();
    await seed(a, { users: ids(3).map((id) => user(id)) });
    const created = await createPurgeJob(a, {}, 'test');
    if (!created.ok) throw new Error(created.message);
    const worker = createAppWorker(a);
    await worker.step(); // initialize: 3 candidates fixed
    await seed(a, { users: [user('U1', { purgeDate: '2026-01-01' })], loans: [loan('U2', 'ON_LOAN')] });
    await worker.run({ untilIdle: true });
    const report = await readJobReport(a, created.jobId);
    if (!report.ok) throw new Error(report.message);
    expect(report.report.job.counters.no_longer_candidate).toBe(1);
    expect(report.report.not_purged.map((r) => [r.primary_id, r.reasons])).toEqual([['U2', ['ACTIVE_LOANS']]]);
    expect(report.report.purged).toEqual(['U3']);
    expectBalanced(report.report.job);
  });
});

describe('failures', () => {
  it('a job whose group vanished before it ran FAILS and deletes nothing', async () => {
    const a = await open();
    await seed(a, { users: [user('U1', { userGroup: 'GONE' })] });
    const created = await createPurgeJob(a, { userGroup: 'GONE' }, 'test');
    if (!created.ok) throw new Error(created.message);
    await a.db.kysely.updateTable('users').set({ user_group: null, user_group_key: null }).execute();
    await a.db.kysely.deleteFrom('user_groups').where('code', '=', 'GONE').execute();
    await runWorker(a);
    const shown = await showJob(a, created.jobId);
    expect(shown.ok && shown.job.status).toBe('FAILED');
    expect(await liveUsers(a)).toEqual(['U1']);
  });

  it('a user whose deletion fails on every attempt is reported FAILED while the others of its bulk are purged', async () => {
    const a = await open({ bulk_size: '3' });
    await seed(a, { users: [user('U1'), user('U2', { notes: ['x'] }), user('U3')] });
    // A real database failure for U2 only: deleting its note is refused.
    if (database === 'sqlite') {
      await sql`create trigger refuse_note_delete before delete on user_notes begin select raise(abort, 'refused by test trigger'); end`.execute(a.db.kysely);
    } else {
      await sql`create function refuse_note_delete() returns trigger language plpgsql as $$ begin raise exception 'refused by test trigger'; end $$`.execute(a.db.kysely);
      await sql`create trigger refuse_note_delete before delete on user_notes for each row execute function refuse_note_delete()`.execute(a.db.kysely);
    }
    const { view, report } = await runPurge(a);
    expect(view.status).toBe('COMPLETED_WARNING');
    expect(view.counters.purged).toBe(2);
    expect(view.counters.failed).toBe(1);
    expectBalanced(view);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]?.primary_id).toBe('U2');
    expect(report.failed[0]?.error).toContain('refused by test trigger');
    expect(report.purged).toEqual(['U1', 'U3']);
    const bulk = await a.db.kysely.selectFrom('job_bulks').select(['attempts', 'state']).executeTakeFirstOrThrow();
    expect(bulk).toEqual({ attempts: 2, state: 'DONE' });
    expect(await liveUsers(a)).toEqual(['U2']);
  });

  it('a bulk that fails on every attempt, even user by user, ends the job SYSTEM_ABORTED; committed bulks stay', async () => {
    const a = await open({ bulk_size: '1' });
    await seed(a, { users: [user('U1'), user('U2'), user('U3')] });
    // The second bulk cannot write its report rows at all.
    if (database === 'sqlite') {
      await sql`create trigger refuse_report before insert on job_report_rows when new.bulk_no = 1 begin select raise(abort, 'refused by test trigger'); end`.execute(a.db.kysely);
    } else {
      await sql`create function refuse_report() returns trigger language plpgsql as $$ begin if new.bulk_no = 1 then raise exception 'refused by test trigger'; end if; return new; end $$`.execute(a.db.kysely);
      await sql`create trigger refuse_report before insert on job_report_rows for each row execute function refuse_report()`.execute(a.db.kysely);
    }
    const { view } = await runPurge(a);
    expect(view.status).toBe('SYSTEM_ABORTED');
    expect(view.counters.purged).toBe(1);
    expect(view.counters.not_processed).toBe(2);
    expectBalanced(view);
    const bulk = await a.db.kysely.selectFrom('job_bulks').select(['attempts', 'last_error']).where('bulk_no', '=', 1).executeTakeFirstOrThrow();
    expect(bulk.attempts).toBe(3);
    expect(bulk.last_error).toContain('refused by test trigger');
    expect(await liveUsers(a)).toEqual(['U2', 'U3']);
  });
});

describe('report and retention', () => {
  it('C11 the report can be read 364 days after the job ended and is gone at 366', async () => {
    const a = await open();
    await seed(a, { users: [user('U1'), user('U2')], loans: [loan('U2', 'ON_LOAN')] });
    const { view } = await runPurge(a);
    const ended = new Date(view.endedAt as string).getTime();
    a.clock.set(new Date(ended + 364 * 86_400_000));
    await applyHistoryRetention(a);
    expect((await readJobReport(a, view.id)).ok).toBe(true);
    a.clock.set(new Date(ended + 366 * 86_400_000));
    expect(await applyHistoryRetention(a)).toBe(1);
    expect((await readJobReport(a, view.id)).ok).toBe(false);
    const audit = await a.db.kysely.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'HISTORY_RETENTION').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details as string)).toMatchObject({ jobsDeleted: [view.id], historyRetentionDays: 365 });
    expect(await a.db.kysely.selectFrom('job_report_rows').select('id').execute()).toEqual([]);
  });

  it('writes the CSV with the documented columns and leaves purged ids out when report_purged_users is off', async () => {
    const a = await open({ report_purged_users: 'false' });
    await seed(a, { users: [user('U1'), user('U2', { userGroup: 'GR' })], fees: [fee('U2', 1234)], loans: [loan('U2', 'ON_LOAN')] });
    const { report } = await runPurge(a);
    expect(report.purged).toBeUndefined();
    expect(reportToCsv(report)).toBe('primary_id,user_group,reasons,amount,active_loans,active_requests\nU2,GR,ACTIVE_LOANS;FEES_OVER_THRESHOLD,12.34,1,0\n');
  });

  it('audits creation and end of a job without personal data', async () => {
    const a = await open();
    await seed(a, { users: [user('U1', { lastName: 'Zyxwv', emails: ['zyx@example.org'] })] });
    await runPurge(a);
    const audit = await a.db.kysely.selectFrom('audit_log').select(['action', 'actor', 'details']).orderBy('id').execute();
    expect(audit.map((r) => r.action)).toEqual(['SETTING_CHANGED', 'IMPORT', 'JOB_CREATED', 'JOB_ENDED']);
    expect(JSON.stringify(audit)).not.toMatch(/Zyxwv|zyx@example/);
  });
});
});
