/**
 * `generate` is deterministic (the same seed and day give the same library, whatever the database file)
 * and `demo` builds a library, runs a purge job on it and prints the counters and the top reasons. The
 * demo purges whatever it opens, so it only opens a database of its own: its default file, recreated on
 * every run, or a new file given with --db; never an existing file or a PostgreSQL database.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRows, describeRun, freshDir, parseJsonOutput, runCli, runCliExpecting, withDatabaseFile } from '../helpers/run-cli.ts';

/** Every row of the tables a library is made of, without the instants of writing. */
function libraryRows(file: string): Record<string, unknown[]> {
  const tables = ['user_groups', 'libraries', 'users', 'user_identifiers', 'user_contacts', 'user_notes', 'user_stat_categories', 'user_blocks', 'loans', 'requests', 'fees', 'relationships', 'assignments'];
  return withDatabaseFile(file, (db) =>
    Object.fromEntries(
      tables.map((table) => [
        table,
        (db.prepare(`select * from ${table} order by id`).all() as Array<Record<string, unknown>>).map(({ created_at: _c, updated_at: _u, ...row }) => row),
      ]),
    ),
  );
}

describe.concurrent('generate and demo', () => {
  it('generate --users 50 --seed 7 twice, into two databases, gives the same users', async () => {
    const dir = freshDir();
    const [a, b] = [path.join(dir, 'a.sqlite'), path.join(dir, 'b.sqlite')];
    // The synthetic dates are relative to today: both runs see the same day.
    const env = { PATRON_PURGE_NOW: '2026-12-01T12:00:00Z' };
    const [runA, runB] = await Promise.all([
      runCliExpecting(0, ['generate', '--users', '50', '--seed', '7', '--json', '--db', a], { env }),
      runCliExpecting(0, ['generate', '--users', '50', '--seed', '7', '--db', b], { env }),
    ]);
    expect(parseJsonOutput(runA)).toEqual({ users: 50 });
    expect(runB.stdout).toContain('Generated 50 users (seed 7)');

    const rowsA = libraryRows(a);
    expect(rowsA.users).toHaveLength(50);
    expect(rowsA).toEqual(libraryRows(b));

    // A user with loans and fees makes the comparison through `users show` meaningful.
    const id = withDatabaseFile(
      a,
      (db) =>
        (
          db
            .prepare("select u.primary_id as id from users u where exists (select 1 from loans l where l.user_id = u.id) and exists (select 1 from fees f where f.user_id = u.id) order by u.id limit 1")
            .get() as { id: string }
        ).id,
    );
    const [showA, showB] = await Promise.all([a, b].map((file) => runCliExpecting(0, ['users', 'show', id, '--json', '--db', file])));
    expect(showA!.stdout).toBe(showB!.stdout);
    const user = parseJsonOutput<{ user: { loans: unknown[]; fees: unknown[] } }>(showA!).user;
    expect(user.loans.length).toBeGreaterThan(0);
    expect(user.fees.length).toBeGreaterThan(0);
  });

  it('demo --users 300 prints the job counters and the top reasons, and exits 0', async () => {
    const db = path.join(freshDir(), 'demo.sqlite');
    const run = await runCli(['demo', '--users', '300', '--db', db]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr).toContain('Building a demo library of 300 users');
    expect(run.stdout).toMatch(/^Job \d+ \(PURGE_USERS\): COMPLETED_SUCCESS$/m);
    const counter = (name: string) => {
      const match = new RegExp(`^${name}\\s+(\\d+)$`, 'm').exec(run.stdout);
      expect(match, `counter ${name} in\n${run.stdout}`).not.toBeNull();
      return Number(match![1]);
    };
    const [candidates, purged, notPurged, noLonger, failed, notProcessed] = ['candidates', 'purged', 'not_purged', 'no_longer_candidate', 'failed', 'not_processed'].map(counter);
    expect(candidates).toBeGreaterThan(0);
    expect(purged).toBeGreaterThan(0);
    expect(notPurged).toBeGreaterThan(0);
    expect(candidates).toBe(purged! + notPurged! + noLonger! + failed! + notProcessed!);

    const top = run.stdout.split('Top reasons users were kept:')[1];
    expect(top, run.stdout).toBeDefined();
    const reasons = [...(top ?? '').matchAll(/^([A-Z_]+)\s+(\d+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
    expect(reasons.length).toBeGreaterThan(0);
    // Largest first, each equal to its counter.
    expect(reasons.map(([, n]) => n)).toEqual([...reasons.map(([, n]) => n)].sort((x, y) => y - x));
    for (const [code, n] of reasons) expect(counter(code!.toLowerCase()), code).toBe(n);
  });

  it('demo refuses an existing database file and any PostgreSQL URL (exit 2) and leaves them untouched', async () => {
    const dir = freshDir();
    const library = path.join(dir, 'library.sqlite');
    await runCliExpecting(0, ['settings', 'set', 'institution_name', 'Real Library', '--db', library]);
    const bytes = readFileSync(library);
    // An unreachable server: a demo that tried to connect would fail with exit 1, not refuse with 2.
    const postgres = 'postgresql://admin:s3cret@127.0.0.1:9/library';
    const [onFile, onPostgres] = await Promise.all([
      runCli(['demo', '--users', '20', '--db', library]),
      runCli(['demo', '--users', '20', '--db', postgres]),
    ]);
    expect(onFile.code, describeRun(onFile)).toBe(2);
    expect(onFile.stderr).toContain(`demo refuses --db "${library}": it already exists`);
    expect(onPostgres.code, describeRun(onPostgres)).toBe(2);
    expect(onPostgres.stderr).toMatch(/demo refuses --db .*PostgreSQL/);
    expect(onPostgres.stderr).not.toContain('s3cret');
    for (const run of [onFile, onPostgres]) {
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toContain('Building');
    }
    expect(readFileSync(library).equals(bytes), 'the existing file is unchanged').toBe(true);
    expect(countRows(library, 'users')).toBe(0);
    expect(countRows(library, 'jobs')).toBe(0);
  });

  it('demo without --db recreates ./data/demo.sqlite on every run and ignores PATRON_PURGE_DB', async () => {
    const dir = freshDir();
    const configured = path.join(dir, 'configured.sqlite');
    await runCliExpecting(0, ['settings', 'set', 'institution_name', 'Configured', '--db', configured]);
    const env = { PATRON_PURGE_DB: configured, PATRON_PURGE_NOW: '2026-12-01T12:00:00Z' };
    const first = await runCliExpecting(0, ['demo', '--users', '30'], { cwd: dir, env });
    const second = await runCliExpecting(0, ['demo', '--users', '30'], { cwd: dir, env });
    // A fresh database each time: the second run's job is job 1 again, over 30 users, not 60.
    for (const run of [first, second]) expect(run.stdout).toMatch(/^Job 1 \(PURGE_USERS\)/m);
    const demo = path.join(dir, 'data', 'demo.sqlite');
    expect(countRows(demo, 'users')).toBe(30);
    expect(countRows(demo, 'jobs')).toBe(1);
    expect(countRows(configured, 'users')).toBe(0);
    expect(countRows(configured, 'jobs')).toBe(0);
  });
});
