/**
 * Ctrl-C during `purge` (the job runs in-process) cancels the job (SPEC.md 3.4): it stops at the next
 * bulk boundary, what was committed stays committed and is counted, the command still prints the job and
 * exits by its status, USER_ABORTED: 4 (SPEC.md section 8).
 */
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshDatabaseUrl, testDatabases } from '../helpers/test-app.ts';
import { describeRun, freshDir, parseJsonOutput, runCliExpecting, startCli, withDatabaseFile } from '../helpers/run-cli.ts';

const NOW = { PATRON_PURGE_NOW: '2026-12-01T12:00:00Z' };

/** Bulks of job 1 committed so far, read from the database itself (no command prints it mid-run). */
async function bulksDone(db: string, database: 'sqlite' | 'postgres'): Promise<number> {
  const query = "select count(*) as n from job_bulks where job_id = 1 and state = 'DONE'";
  if (database === 'sqlite') return withDatabaseFile(db, (d) => (d.prepare(query).get() as { n: number }).n);
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(query)).rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

interface JobJson {
  id: number;
  status: string;
  counters: Record<string, number>;
}

describe.concurrent('Ctrl-C during purge', () => {
  it.each(testDatabases())('cancels the job at the next bulk boundary, keeps committed bulks and exits 4 (%s)', async (database) => {
    const db = database === 'sqlite' ? path.join(freshDir(), 'cancel.sqlite') : await freshDatabaseUrl('postgres');
    await runCliExpecting(0, ['generate', '--users', '3000', '--seed', '3', '--db', db], { env: NOW });
    // One user per bulk: the job has well over a thousand boundaries to stop at.
    await runCliExpecting(0, ['settings', 'set', 'bulk_size', '1', '--db', db], { env: NOW });

    const purge = startCli(['purge', '--yes', '--json', '--db', db], { env: NOW });
    const deadline = Date.now() + 60_000;
    let ended = false;
    void purge.exited.then(() => (ended = true));
    while (!ended && (await bulksDone(db, database)) < 3) {
      if (Date.now() > deadline) throw new Error(`no bulk committed within 60 s\n${purge.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ended, 'the job ran to its end before it could be interrupted').toBe(false);
    purge.child.kill('SIGINT');
    const run = await purge.exited;

    expect(run.code, describeRun(run)).toBe(4);
    expect(run.stderr).toContain('Cancelling job 1: it stops at the next bulk boundary; committed bulks stay');
    const job = parseJsonOutput<JobJson>(run);
    expect(job.status).toBe('USER_ABORTED');
    const c = job.counters;
    const processed = (c.purged ?? 0) + (c.not_purged ?? 0) + (c.no_longer_candidate ?? 0) + (c.failed ?? 0);
    // The bulks committed before the signal stay and are counted; the rest is not processed.
    expect(processed).toBeGreaterThanOrEqual(3);
    expect(c.not_processed).toBeGreaterThan(0);
    expect(c.candidates).toBe(processed + (c.not_processed ?? 0));
    expect(await bulksDone(db, database)).toBe(processed);

    // The job stays cancelled: a worker finds nothing left to do, and jobs show agrees.
    const shown = parseJsonOutput<JobJson>(await runCliExpecting(0, ['jobs', 'show', '1', '--json', '--db', db], { env: NOW }));
    expect(shown).toMatchObject({ status: 'USER_ABORTED', counters: c });
  });
});
