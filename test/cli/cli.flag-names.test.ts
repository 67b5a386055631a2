/**
 * Refused purge flags are named as the user typed them (`--days-after`), never by the app layer's
 * parameter names (`daysAfterPurgeDate`, which the API keeps): through the real command, in the message
 * on stderr and in the `--json` error, for `purge` and for `users show --why`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withFlagNames } from '../../src/cli/purge-flags.ts';
import { describeRun, freshDir, parseJsonOutput, runCli, runCliExpecting } from '../helpers/run-cli.ts';

const INTERNAL_NAMES = /daysAfterPurgeDate|maxUsers|userGroup|waiveThreshold|recordType|libraries|(^|[^-])operator "|(^|[^-])library "/;

describe('withFlagNames', () => {
  it.each([
    ['daysAfterPurgeDate must be a whole number from 0 to 36500, not "abc"', '--days-after must be a whole number from 0 to 36500, not "abc"'],
    ['maxUsers must be a whole number from 1 to 1000000000, not "0"', '--max-users must be a whole number from 1 to 1000000000, not "0"'],
    ['userGroup must be All when recordType is Contact (contacts have no group)', '--group must be All when --record-type is Contact (contacts have no group)'],
    ['waiveThreshold is negative (amounts are in USD)', '--waive-threshold is negative (amounts are in USD)'],
    ['library "NOPE" is not a configured library', '--library "NOPE" is not a configured library'],
    ['operator "nobody" is not a user', '--operator "nobody" is not a user'],
    // A value is quoted and stays as typed, even when it spells a parameter's name.
    ['userGroup "recordType operator" is not a configured user group', '--group "recordType operator" is not a configured user group'],
    ['user "X" does not exist', 'user "X" does not exist'],
  ])('%s', (message, expected) => {
    expect(withFlagNames(message)).toBe(expected);
  });
});

describe.concurrent('refused purge flags name the flag', () => {
  const dir = freshDir();
  const db = path.join(dir, 'names.sqlite');

  beforeAll(async () => {
    const csv = path.join(dir, 'users.csv');
    writeFileSync(csv, 'primary_id,record_type,user_group,purge_date,home_library\nu1,public,UG,2020-01-01,MAIN\n');
    await runCliExpecting(0, ['import', '--format', 'csv', csv, '--db', db]);
  });

  const cases: Array<[flags: string[], flag: string]> = [
    [['--days-after', 'abc'], '--days-after'],
    [['--max-users', '0'], '--max-users'],
    [['--group', 'NOPE'], '--group'],
    [['--record-type', 'contact', '--group', 'UG'], '--group'],
    [['--record-type', 'robot'], '--record-type'],
    [['--waive-threshold', '1.234'], '--waive-threshold'],
    [['--library', 'NOPE'], '--library'],
    [['--operator', 'nobody'], '--operator'],
  ];

  it.each(cases)('purge %j', async (flags, flag) => {
    const run = await runCli(['purge', '--yes', '--json', ...flags, '--db', db]);
    expect(run.code, describeRun(run)).toBe(2);
    const { error } = parseJsonOutput<{ error: { message: string } }>(run);
    expect(error.message.startsWith(flag), describeRun(run)).toBe(true);
    expect(error.message).not.toMatch(INTERNAL_NAMES);
    expect(run.stderr).toContain(`error: ${error.message}`);
  });

  it('users show --why names the flag too', async () => {
    const run = await runCli(['users', 'show', 'u1', '--why', '--days-after', '-3', '--db', db]);
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('error: --days-after must be a whole number from 0 to 36500, not "-3"');
  });
});
