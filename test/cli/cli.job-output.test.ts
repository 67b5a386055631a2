/**
 * What the job commands print, through the real command line: a simulated job says first that nothing
 * was deleted; the report hint after `purge` repeats the `--db` given; the CSV report never hands a
 * spreadsheet a formula; output piped to a reader that closed early (`| head -1`) ends the command
 * quietly with its own exit code; `jobs cancel` of a running job says a worker must run to stop it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, freshDir, parseJsonOutput, runCli, runCliExpecting, startCli, withDatabaseFile, type CliRun } from '../helpers/run-cli.ts';

const NOW = { PATRON_PURGE_NOW: '2026-12-01T12:00:00Z' };
const SIMULATION_LINE = "SIMULATION: nothing was deleted; 'purged' counts the users a real run would purge.";

describe.concurrent('job output', () => {
  const dir = freshDir();
  // A space in the path: the hint must quote it to be copied as one word.
  const db = path.join(dir, 'my library.sqlite');
  let simulated: CliRun;

  beforeAll(async () => {
    const csv = path.join(dir, 'users.csv');
    writeFileSync(
      csv,
      [
        'primary_id,user_group,purge_date,do_not_purge',
        // Kept (protected), with a primary id and a group a spreadsheet would run as formulas.
        '=cmd|calc,+grp,2020-01-01,true',
        '@me,-grp,2020-01-01,true',
        'plain,UG,2020-01-01,false',
        '',
      ].join('\n'),
    );
    await runCliExpecting(0, ['import', '--format', 'csv', csv, '--db', db], { env: NOW });
    simulated = await runCliExpecting(0, ['purge', '--yes', '--simulate', '--db', db], { env: NOW });
  });

  it('purge and jobs show of a simulated job print the SIMULATION line first; a real job does not', async () => {
    const [shown, shownJson] = await Promise.all([runCli(['jobs', 'show', '1', '--db', db], { env: NOW }), runCli(['jobs', 'show', '1', '--json', '--db', db], { env: NOW })]);
    expect(simulated.stdout.split('\n')[0]).toBe(SIMULATION_LINE);
    expect(simulated.stdout).toMatch(/^purged\s+1$/m);
    expect(shown.code, describeRun(shown)).toBe(0);
    expect(shown.stdout.split('\n')[0]).toBe(SIMULATION_LINE);
    // The JSON form is a contract (SPEC.md section 8): unchanged, one object.
    expect(parseJsonOutput<{ parameters: { simulate: boolean } }>(shownJson).parameters.simulate).toBe(true);

    // A real run, on its own copy of the library chosen by PATRON_PURGE_DB: no SIMULATION line, and its
    // hint has no --db, since the same variable chooses the same database again.
    const own = path.join(freshDir(), 'library.sqlite');
    const csv = path.join(dir, 'users.csv');
    await runCliExpecting(0, ['import', '--format', 'csv', csv], { env: { ...NOW, PATRON_PURGE_DB: own } });
    const real = await runCliExpecting(0, ['purge', '--yes'], { env: { ...NOW, PATRON_PURGE_DB: own } });
    expect(real.stdout).not.toContain('SIMULATION');
    expect(real.stdout).toMatch(/^Job 1 \(PURGE_USERS\): COMPLETED_SUCCESS$/m);
    expect(real.stdout).toContain('Report: patron-purge jobs report 1 --format csv');
  });

  it('the report hint after purge includes the --db given, quoted for the shell', () => {
    expect(simulated.stdout).toContain(`Report: patron-purge --db '${db}' jobs report 1 --format csv`);
  });

  it('the CSV report prefixes text cells that a spreadsheet would run as formulas with a single quote', async () => {
    const [csv, json] = await Promise.all([runCli(['jobs', 'report', '1', '--db', db]), runCli(['jobs', 'report', '1', '--format', 'json', '--db', db])]);
    expect(csv.code, describeRun(csv)).toBe(0);
    expect(csv.stdout.split('\n').slice(1).filter(Boolean).sort()).toEqual(["'=cmd|calc,'+grp,PROTECTED,0.00,0,0", "'@me,'-grp,PROTECTED,0.00,0,0"]);
    // The JSON report keeps the values as they are.
    const rows = parseJsonOutput<{ not_purged: Array<{ primary_id: string; user_group: string }> }>(json).not_purged;
    expect(rows.map((r) => [r.primary_id, r.user_group]).sort()).toEqual([
      ['=cmd|calc', '+grp'],
      ['@me', '-grp'],
    ]);
  });

  it.each([
    ['jobs', 'report', '1'],
    ['jobs', 'report', '1', '--format', 'json'],
    ['jobs', 'show', '1'],
    ['jobs', 'list', '--json'],
  ])('output to a reader that closed (%s %s %s) ends quietly with exit 0', async (...args) => {
    const started = startCli([...args, '--db', db], { env: NOW });
    // The reader goes away before the command writes a byte (as `head -1` does once it has its line).
    started.child.stdout?.destroy();
    const run = await started.exited;
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).toBe('');
  });

  it('jobs cancel of a running job says that a worker must run to stop it', async () => {
    const queued = parseJsonOutput<{ id: number }>(await runCliExpecting(0, ['purge', '--yes', '--no-wait', '--simulate', '--json', '--db', db], { env: NOW }));
    // A job a worker has started, whose worker is gone: no command stops a job in that state.
    withDatabaseFile(db, (d) => d.prepare("update jobs set status = 'RUNNING', started_at = '2026-12-01T12:00:00.000Z' where id = ?").run(queued.id), { writable: true });
    const run = await runCliExpecting(0, ['jobs', 'cancel', String(queued.id), '--db', db], { env: NOW });
    expect(run.stdout).toBe(`Job ${queued.id} will stop at its next bulk boundary (a worker must be running: patron-purge worker)\n`);
  });
});
