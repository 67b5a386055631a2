/**
 * Jobs through the real command line (SPEC.md sections 3.4 and 8): `--no-wait` queues and `worker
 * --once` runs; `purge` exits by the status its job ended with (0 COMPLETED_SUCCESS / NO_BULKS,
 * 3 COMPLETED_WARNING, 4 FAILED); `jobs cancel` of an ended job exits 2; `jobs show` exits 0 whatever
 * the status.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, freshDir, parseJsonOutput, runCli, runCliExpecting, withDatabaseFile } from '../helpers/run-cli.ts';

const NOW = { PATRON_PURGE_NOW: '2026-12-01T12:00:00Z' };

/** Every counter SPEC.md 3.4 names. */
const COUNTER_NAMES = [
  'candidates',
  'purged',
  'not_purged',
  'active_loans',
  'fees_over_threshold',
  'credit_owed',
  'active_requests',
  'active_proxy',
  'guarantor',
  'assignments',
  'protected',
  'system_user',
  'no_longer_candidate',
  'failed',
  'not_processed',
  'requests_cancelled',
  'debts_waived',
  'credits_closed',
  'history_records_anonymised',
];

interface JobJson {
  id: number;
  status: string;
  operator: string | null;
  parameters: Record<string, unknown>;
  today: string | null;
  counters: Record<string, number>;
  startedAt: string | null;
  endedAt: string | null;
}

describe.concurrent('jobs through the CLI', () => {
  it('queues with --no-wait, runs with worker --once, exits by job status, and shows every status with exit 0', async () => {
    const dir = freshDir();
    const db = path.join(dir, 'jobs.sqlite');
    const cli = (args: string[]) => runCli([...args, '--db', db], { env: NOW });
    const csv = (name: string, ids: string[], extra = '') => {
      const file = path.join(dir, name);
      writeFileSync(file, `primary_id,record_type,user_group,purge_date,home_library\n${ids.map((id) => `${id},PUBLIC,UG,2020-01-01,MAIN`).join('\n')}\n${extra}`);
      return file;
    };
    // OP is a staff user without a purge date: the operator of one job below.
    await runCliExpecting(0, ['import', '--format', 'csv', csv('abc.csv', ['A', 'B', 'C'], 'OP,STAFF,STAFF,,MAIN\n'), '--db', db], { env: NOW });

    // --no-wait: the job is queued and nothing runs it yet.
    const queued = await cli(['purge', '--yes', '--no-wait', '--json']);
    expect(queued.code, describeRun(queued)).toBe(0);
    const job1 = parseJsonOutput<JobJson>(queued);
    expect(job1).toMatchObject({ status: 'QUEUED', today: null, startedAt: null, endedAt: null });
    expect(Object.keys(job1.counters).sort()).toEqual([...COUNTER_NAMES].sort());
    expect(Object.values(job1.counters).every((n) => n === 0)).toBe(true);

    const worker = await cli(['worker', '--once']);
    expect(worker.code, describeRun(worker)).toBe(0);
    expect(worker.stdout).toBe('');
    expect(worker.stderr).toContain(`job ${job1.id} ended: COMPLETED_SUCCESS`);

    // An ended job cannot be cancelled; a purge with no candidates left ends COMPLETED_NO_BULKS, exit 0.
    // Flag values are case-insensitive; codes keep the spelling they were configured with.
    const [cancelEnded, noBulks] = await Promise.all([
      cli(['jobs', 'cancel', String(job1.id)]),
      cli(['purge', '--yes', '--json', '--group', 'ug', '--record-type', 'Public', '--library', 'main', '--library', 'MAIN']),
    ]);
    expect(cancelEnded.code, describeRun(cancelEnded)).toBe(2);
    expect(cancelEnded.stderr).toContain('COMPLETED_SUCCESS');
    expect(noBulks.code, describeRun(noBulks)).toBe(0);
    expect(parseJsonOutput<JobJson>(noBulks)).toMatchObject({
      id: job1.id + 1,
      status: 'COMPLETED_NO_BULKS',
      parameters: { recordType: 'PUBLIC', userGroup: 'UG', libraries: ['MAIN'] },
      counters: { candidates: 0 },
    });

    // A queued job cancelled before it starts ends USER_ABORTED.
    const job3 = parseJsonOutput<JobJson>(await runCliExpecting(0, ['purge', '--yes', '--no-wait', '--json', '--db', db], { env: NOW }));
    const cancelled = await cli(['jobs', 'cancel', String(job3.id), '--json']);
    expect(cancelled.code, describeRun(cancelled)).toBe(0);
    expect(parseJsonOutput(cancelled)).toEqual({ id: job3.id, cancelRequested: true, status: 'USER_ABORTED' });

    // The maximum is reached: COMPLETED_WARNING, exit 3.
    await runCliExpecting(0, ['import', '--format', 'csv', csv('def.csv', ['D', 'E', 'F']), '--db', db], { env: NOW });
    // The operator comes from PATRON_PURGE_OPERATOR when --operator is not given.
    const capped = await runCli(['purge', '--yes', '--max-users', '1', '--json', '--db', db], { env: { ...NOW, PATRON_PURGE_OPERATOR: 'op' } });
    expect(capped.code, describeRun(capped)).toBe(3);
    expect(parseJsonOutput<JobJson>(capped)).toMatchObject({
      status: 'COMPLETED_WARNING',
      operator: 'OP',
      parameters: { maxUsers: 1 },
      counters: { candidates: 3, purged: 1, not_purged: 0, not_processed: 2 },
    });

    // Settings that became invalid (no command can store one: written straight into the file) make the
    // job itself fail: FAILED, exit 4, nothing deleted.
    withDatabaseFile(db, (d) => d.prepare("insert into settings (key, value, updated_at) values ('timezone', 'Mars/Olympus', 'x')").run(), { writable: true });
    const failed = await cli(['purge', '--yes', '--json']);
    expect(failed.code, describeRun(failed)).toBe(4);
    const failedId = parseJsonOutput<JobJson>(failed).id;
    expect(parseJsonOutput<JobJson>(failed)).toMatchObject({ status: 'FAILED', counters: { purged: 0 } });
    expect(withDatabaseFile(db, (d) => (d.prepare("select count(*) as n from users where status <> 'DELETED'").get() as { n: number }).n)).toBe(3); // E, F and OP

    // The states a job passes through while a worker holds it, and SYSTEM_ABORTED, cannot be stopped in
    // by a command: copies of an ended job are given those states, to show them.
    const copies = withDatabaseFile(
      db,
      (d) => {
        d.prepare("delete from settings where key = 'timezone'").run();
        const copy = d.prepare(
          `insert into jobs (type, status, parameters, operator, operator_user_id, submitted_by, today, cutoff, submitted_at, started_at, ended_at,
             total_users, total_bulks, counters, cancel_requested, max_reached, error, lease_owner, lease_expires_at, settings)
           select type, @status, parameters, operator, operator_user_id, submitted_by, today, cutoff, submitted_at,
             case when @status = 'QUEUED' then null else started_at end,
             case when @status = 'SYSTEM_ABORTED' then ended_at else null end,
             total_users, total_bulks, case when @status = 'SYSTEM_ABORTED' then counters else null end, 0, 0, null, null, null, settings
           from jobs where id = @from`,
        );
        return Object.fromEntries(
          ['QUEUED', 'INITIALIZING', 'RUNNING', 'FINALIZING', 'SYSTEM_ABORTED'].map((status) => [Number(copy.run({ status, from: job1.id }).lastInsertRowid), status]),
        );
      },
      { writable: true },
    );

    const expected: Record<number, string> = {
      [job1.id]: 'COMPLETED_SUCCESS',
      [job1.id + 1]: 'COMPLETED_NO_BULKS',
      [job3.id]: 'USER_ABORTED',
      [parseJsonOutput<JobJson>(capped).id]: 'COMPLETED_WARNING',
      [failedId]: 'FAILED',
      ...copies,
    };
    expect(new Set(Object.values(expected)).size).toBe(10);
    const ids = Object.keys(expected).map(Number);
    const [list, ...shows] = await Promise.all([
      cli(['jobs', 'list', '--json']),
      // Half as JSON, half as text.
      ...ids.map((id, i) => cli(['jobs', 'show', String(id), ...(i % 2 === 0 ? ['--json'] : [])])),
    ]);
    shows.forEach((run, i) => {
      const id = ids[i]!;
      expect(run.code, describeRun(run)).toBe(0);
      if (i % 2 === 0) {
        const job = parseJsonOutput<JobJson>(run);
        expect(job.status).toBe(expected[id]);
        expect(Object.keys(job.counters).sort()).toEqual([...COUNTER_NAMES].sort());
      } else {
        expect(run.stdout).toContain(`Job ${id} (PURGE_USERS): ${expected[id]}`);
      }
    });
    expect(list!.code, describeRun(list!)).toBe(0);
    const listed = parseJsonOutput<{ jobs: JobJson[] }>(list!).jobs;
    expect(Object.fromEntries(listed.map((j) => [j.id, j.status]))).toEqual(expected);
  });

  it('a job that fails on invalid settings is reported as FAILED in text mode too: purge exits 4, jobs show exits 0', async () => {
    const dir = freshDir();
    const db = path.join(dir, 'failed.sqlite');
    const file = path.join(dir, 'one.csv');
    writeFileSync(file, 'primary_id,purge_date\nX1,2020-01-01\n');
    await runCliExpecting(0, ['import', '--format', 'csv', file, '--db', db], { env: NOW });
    // SPEC 3.4: FAILED is the job that could not run, "e.g. invalid settings". No command stores an
    // invalid time zone, but a database can hold one (written by another version or by hand; a zone
    // name the running ICU does not know).
    withDatabaseFile(db, (d) => d.prepare("insert into settings (key, value, updated_at) values ('timezone', 'Mars/Olympus', 'x')").run(), { writable: true });
    const purge = await runCli(['purge', '--yes', '--db', db], { env: NOW });
    const show = await runCli(['jobs', 'show', '1', '--db', db], { env: NOW });
    expect(purge.code, describeRun(purge)).toBe(4);
    expect(purge.stdout).toMatch(/^Job 1 \(PURGE_USERS\): FAILED$/m);
    expect(purge.stdout).toMatch(/^candidates\s+0$/m);
    expect(show.code, describeRun(show)).toBe(0);
    expect(show.stdout).toMatch(/^Job 1 \(PURGE_USERS\): FAILED$/m);
    expect(withDatabaseFile(db, (d) => (d.prepare("select count(*) as n from users where status = 'DELETED'").get() as { n: number }).n)).toBe(0);
  });
});
