/**
 * Option values through the real command line: an empty (or blank) value is refused for every option
 * that takes one, and so is a second value for an option that takes one (only `--library` repeats). A
 * script whose variable is unset must not purge with the defaults ("everyone") or open another database:
 * exit 2, the flag named, and nothing opened, queued or written. `--seed` is a whole number from 0 to
 * 4294967295 (exit 2 otherwise, not an unexpected failure).
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, freshDir, parseJsonOutput, runCli, runCliExpecting } from '../helpers/run-cli.ts';

/** Every option that takes a value, with a command that accepts it. */
const VALUE_OPTIONS: Array<[flag: string, command: string[]]> = [
  ['--db', ['jobs', 'list']],
  ['--days-after', ['purge', '--yes']],
  ['--record-type', ['purge', '--yes']],
  ['--group', ['purge', '--yes']],
  ['--waive-threshold', ['purge', '--yes']],
  ['--library', ['purge', '--yes']],
  ['--max-users', ['purge', '--yes']],
  ['--operator', ['purge', '--yes']],
  ['--days-after', ['users', 'show', 'u1', '--why']],
  ['--operator', ['users', 'show', 'u1', '--why']],
  ['--format', ['import', 'users.csv']],
  ['--purge-days-after-expiry', ['import', '--format', 'csv', 'users.csv']],
  ['--format', ['jobs', 'report', '1']],
  ['--users', ['generate']],
  ['--seed', ['generate', '--users', '10']],
  ['--users', ['demo']],
  ['--seed', ['demo', '--users', '10']],
];

describe.concurrent('option values', () => {
  it.each(VALUE_OPTIONS.map(([flag, command], i) => [flag, command, i] as const))(
    'an empty or blank %s is refused with exit 2 naming the flag (%j)',
    async (flag, command, i) => {
      const dir = freshDir();
      const db = path.join(dir, 'never-opened.sqlite');
      const dbArgs = flag === '--db' ? [] : ['--db', db];
      // The three ways a script passes an empty value, in turn: "$UNSET", "  ", --flag=$UNSET.
      const value = [[flag, ''], [flag, '   '], [`${flag}=`]][i % 3]!;
      const run = await runCli([...command, ...value, ...dbArgs, '--json'], { cwd: dir });
      expect(run.code, describeRun(run)).toBe(2);
      expect(run.stderr, describeRun(run)).toContain(`error: ${flag} was given an empty value`);
      expect(parseJsonOutput(run)).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining(`${flag} was given an empty value`) } });
      // Refused while the command line is read: no database was opened, neither the one named nor the default.
      expect(existsSync(db)).toBe(false);
      expect(existsSync(path.join(dir, 'data'))).toBe(false);
    },
  );

  it('purge --yes --days-after "" --max-users "" purges nobody, and --operator "" does not mean "no operator"', async () => {
    const dir = freshDir();
    const db = path.join(dir, 'library.sqlite');
    const csv = path.join(dir, 'users.csv');
    writeFileSync(csv, 'primary_id,purge_date\nu1,2020-01-01\nu2,2020-01-01\n');
    await runCliExpecting(0, ['import', '--format', 'csv', csv, '--db', db]);
    const [blankDays, blankOperator] = await Promise.all([
      runCli(['purge', '--yes', '--days-after', '', '--max-users', '', '--db', db]),
      runCli(['purge', '--yes', '--operator', '', '--db', db], { env: { PATRON_PURGE_OPERATOR: 'u1' } }),
    ]);
    expect(blankDays.code, describeRun(blankDays)).toBe(2);
    expect(blankDays.stderr).toContain('--days-after');
    expect(blankOperator.code, describeRun(blankOperator)).toBe(2);
    expect(blankOperator.stderr).toContain('--operator');
    const jobs = parseJsonOutput<{ jobs: unknown[] }>(await runCliExpecting(0, ['jobs', 'list', '--json', '--db', db])).jobs;
    expect(jobs).toEqual([]);
  });

  it('a repeated single-value flag is refused with exit 2 naming it; --library repeats', async () => {
    const dir = freshDir();
    const db = path.join(dir, 'library.sqlite');
    const csv = path.join(dir, 'users.csv');
    writeFileSync(csv, 'primary_id,user_group,purge_date,home_library\nu1,staff,2030-01-01,MAIN\nu2,faculty,2030-01-01,LAW\n');
    await runCliExpecting(0, ['import', '--format', 'csv', csv, '--db', db]);
    const repeated: Array<[flag: string, args: string[]]> = [
      ['--group', ['purge', '--yes', '--group', 'staff', '--group', 'faculty', '--db', db]],
      ['--days-after', ['purge', '--yes', '--days-after', '1', '--days-after=2', '--db', db]],
      ['--waive-threshold', ['users', 'show', 'u1', '--why', '--waive-threshold', '1', '--waive-threshold', '2', '--db', db]],
      ['--db', ['--db', db, 'jobs', 'list', '--db', path.join(dir, 'other.sqlite')]],
      ['--format', ['jobs', 'report', '1', '--format', 'csv', '--format', 'json', '--db', db]],
      ['--seed', ['generate', '--users', '5', '--seed', '1', '--seed', '2', '--db', db]],
    ];
    const runs = await Promise.all(repeated.map(([, args]) => runCli(args)));
    runs.forEach((run, i) => {
      const [flag] = repeated[i]!;
      expect(run.code, describeRun(run)).toBe(2);
      expect(run.stderr, describeRun(run)).toContain(`error: ${flag} may be given only once`);
    });
    expect(existsSync(path.join(dir, 'other.sqlite'))).toBe(false);
    const jobs = parseJsonOutput<{ jobs: unknown[] }>(await runCliExpecting(0, ['jobs', 'list', '--json', '--db', db])).jobs;
    expect(jobs).toEqual([]);

    // --library is repeatable: both libraries are in the job's scope.
    const scoped = await runCliExpecting(0, ['purge', '--yes', '--simulate', '--library', 'main', '--library', 'law', '--json', '--db', db]);
    expect(parseJsonOutput<{ parameters: { libraries: string[] } }>(scoped).parameters.libraries).toEqual(['MAIN', 'LAW']);
  });

  it('--seed must be a whole number from 0 to 4294967295 (exit 2, not an unexpected failure)', async () => {
    const dir = freshDir();
    const db = path.join(dir, 'seeded.sqlite');
    const refused = ['99999999999999999999', '4294967296', '-1', '1.5', 'abc'];
    const runs = await Promise.all([
      ...refused.map((seed) => runCli(['generate', '--users', '10', '--seed', seed, '--json', '--db', db])),
      runCli(['demo', '--users', '10', '--seed', '4294967296', '--db', path.join(dir, 'demo.sqlite')]),
    ]);
    runs.forEach((run, i) => {
      expect(run.code, describeRun(run)).toBe(2);
      expect(run.stderr).toContain(`--seed must be a whole number from 0 to 4294967295, not "${refused[i] ?? '4294967296'}"`);
      expect(run.stderr).not.toContain('unexpected failure');
    });
    expect(existsSync(db)).toBe(false);
    const largest = await runCliExpecting(0, ['generate', '--users', '10', '--seed', '4294967295', '--json', '--db', db]);
    expect(parseJsonOutput(largest)).toEqual({ users: 10 });
    await runCliExpecting(0, ['generate', '--users', '10', '--seed', '0', '--db', db]);
  });
});
