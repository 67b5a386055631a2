/**
 * The CLI contract of SPEC.md section 8 for refused commands, through the real `patron-purge` process:
 * usage and validation errors exit 2, name what was wrong, and change nothing (no job queued, no row
 * written, no setting changed); `--json` keeps stdout to exactly one JSON object, messages on stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countRows, describeRun, freshDbPath, freshDir, parseJsonOutput, runCli, runCliExpecting } from '../helpers/run-cli.ts';

/** Defaults of SPEC.md section 2, as `settings get --json` prints them. */
const DEFAULT_SETTINGS = {
  institution_name: 'Library',
  timezone: 'UTC',
  currency: 'USD',
  delete_policy: 'KEEP_STATISTICS_REMOVE_PRIMARY_ID',
  block_on_credit: 'true',
  block_on_requests: 'true',
  block_on_relationships: 'true',
  anonymisation_user: '',
  bulk_size: '1000',
  history_retention_days: '365',
  report_purged_users: 'true',
};

describe.concurrent('refused commands', () => {
  const dir = freshDir();
  const db = path.join(dir, 'usage.sqlite');

  beforeAll(async () => {
    // A small library: groups UG and STAFF, library MAIN, users with past purge dates.
    const csv = path.join(dir, 'users.csv');
    writeFileSync(
      csv,
      'primary_id,record_type,user_group,purge_date,home_library\nu1,public,UG,2020-01-01,MAIN\nu2,public,UG,2020-01-01,MAIN\nadmin1,staff,STAFF,,MAIN\n',
    );
    await runCliExpecting(0, ['import', '--format', 'csv', csv, '--db', db]);
  });

  const jobsQueued = async (): Promise<unknown[]> => parseJsonOutput<{ jobs: unknown[] }>(await runCliExpecting(0, ['jobs', 'list', '--json', '--db', db])).jobs;

  it('unknown flags, a missing --yes without a terminal and invalid purge values exit 2, name the problem, and queue nothing', async () => {
    // Each invalid case: the flags, then what the message must name: the flag (or the parameter of
    // SPEC 3.1 it sets) and the offending value.
    const invalid: Array<[string[], RegExp, string]> = [
      [['--days-after', '-1'], /--days-after|daysAfterPurgeDate/, '-1'],
      [['--days-after', '36501'], /--days-after|daysAfterPurgeDate/, '36501'],
      [['--days-after', 'abc'], /--days-after|daysAfterPurgeDate/, 'abc'],
      [['--record-type', 'foo'], /--record-type|recordType/, 'foo'],
      [['--group', 'UNKNOWN'], /--group|userGroup/, 'UNKNOWN'],
      [['--record-type', 'contact', '--group', 'UG'], /--group|userGroup/, 'ontact'],
      [['--waive-threshold', '-1'], /--waive-threshold|waiveThreshold/, '-1'],
      [['--waive-threshold', '1.234'], /--waive-threshold|waiveThreshold/, '1.234'],
      [['--library', 'NOPE'], /--library|library/, 'NOPE'],
      [['--operator', 'nobody'], /--operator|operator/, 'nobody'],
    ];
    const [unknown, noYes, ...runs] = await Promise.all([
      runCli(['purge', '--yes', '--json', '--bogus-flag', '--db', db]),
      // stdin is a pipe here, not a terminal: the command must refuse rather than hang or assume yes.
      runCli(['purge', '--json', '--db', db]),
      ...invalid.map(([flags]) => runCli(['purge', '--yes', '--json', ...flags, '--db', db])),
    ]);
    expect(unknown!.code, describeRun(unknown!)).toBe(2);
    expect(unknown!.stderr).toContain('--bogus-flag');
    // Even a usage error found by the option parser keeps the --json promise: one object on stdout.
    expect(parseJsonOutput(unknown!)).toEqual({ error: { code: expect.any(String), message: expect.stringContaining('--bogus-flag') } });

    expect(noYes!.code, describeRun(noYes!)).toBe(2);
    expect(parseJsonOutput(noYes!)).toEqual({ error: { code: 'CONFIRMATION_REQUIRED', message: expect.stringContaining('--yes') } });
    expect(noYes!.stderr).toContain('--yes');

    runs.forEach((run, i) => {
      const [, names, value] = invalid[i]!;
      expect(run.code, describeRun(run)).toBe(2);
      // --json: the whole of stdout is one error object; the message itself goes to stderr.
      const { error } = parseJsonOutput<{ error: { code: string; message: string } }>(run);
      expect(['VALIDATION_FAILED', 'NOT_FOUND'], describeRun(run)).toContain(error.code);
      expect(error.message, describeRun(run)).toMatch(names);
      expect(error.message, describeRun(run)).toContain(value);
      expect(run.stderr, describeRun(run)).toContain(`error: ${error.message}`);
    });
    expect(await jobsQueued()).toEqual([]);
  });

  it('with --json, warnings go to stderr and stdout stays one JSON object', async () => {
    // A directory with one users file and one file that is not a CSV: the import warns.
    const folder = path.join(dir, 'with-warning');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'more.csv'), 'primary_id,purge_date\nu9,2030-01-01\n');
    writeFileSync(path.join(folder, 'notes.txt'), 'not users\n');
    const imported = await runCliExpecting(0, ['import', '--format', 'csv', folder, '--json', '--db', db]);
    const summary = parseJsonOutput<{ usersCreated: number; warnings: string[] }>(imported);
    expect(summary.usersCreated).toBe(1);
    expect(summary.warnings).toEqual([expect.stringContaining('notes.txt')]);
    expect(imported.stderr).toMatch(/^warning: .*notes\.txt/m);
  });

  it('jobs show of a job that does not exist exits 2', async () => {
    const showJson = await runCli(['jobs', 'show', '999', '--json', '--db', db]);
    expect(showJson.code, describeRun(showJson)).toBe(2);
    expect(parseJsonOutput(showJson)).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('999') } });
    expect(showJson.stderr).toContain('999');
  });

  it('settings set refuses invalid values and changes nothing; settings get of an unknown key exits 2', async () => {
    const fresh = freshDbPath();
    const attempts: Array<[string, string]> = [
      ['timezone', 'Mars/Olympus'],
      ['currency', 'XYZ'],
      ['bulk_size', '-1'],
      ['anonymisation_user', 'nobody'],
      ['no_such_key', '1'],
    ];
    // The first attempt creates the database alone; the others then race only on reads.
    const first = await runCli(['settings', 'set', ...attempts[0]!, '--db', fresh]);
    const runs = [first, ...(await Promise.all(attempts.slice(1).map(([key, value]) => runCli(['settings', 'set', key, value, '--db', fresh]))))];
    runs.forEach((run, i) => {
      const [key, value] = attempts[i]!;
      expect(run.code, describeRun(run)).toBe(2);
      expect(run.stderr).toContain(key === 'no_such_key' ? key : value);
    });
    const [all, unknown] = await Promise.all([runCliExpecting(0, ['settings', 'get', '--json', '--db', fresh]), runCli(['settings', 'get', 'no_such_key', '--db', fresh])]);
    expect(parseJsonOutput(all)).toEqual(DEFAULT_SETTINGS);
    expect(countRows(fresh, 'settings')).toBe(0);
    expect(unknown.code, describeRun(unknown)).toBe(2);
    expect(unknown.stderr).toContain('no_such_key');
  });

  it('import --format csv of a malformed file exits 2 naming file, line and field, and writes nothing', async () => {
    const bad = path.join(dir, 'bad-users.csv');
    writeFileSync(bad, 'primary_id,purge_date\nfresh-1,2020-01-01\nfresh-2,2025-13-01\n');
    const target = freshDbPath();
    const run = await runCli(['import', '--format', 'csv', bad, '--db', target]);
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('bad-users.csv');
    expect(run.stderr).toMatch(/line 3\b/);
    expect(run.stderr).toContain('purge_date');
    expect(countRows(target, 'users')).toBe(0);
    expect(countRows(target, 'audit_log')).toBe(0);
  });
});
