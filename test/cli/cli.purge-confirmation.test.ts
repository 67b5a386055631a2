/**
 * `purge` without `--yes` on a terminal says what will happen before it asks: the parameters, the
 * Delete User Policy, how many users are candidates today ("1 user is", "N users are"), and that
 * deleting cannot be undone. The prompt needs a terminal, which a child process started by the tests
 * does not have: the command runs in-process here (`runCli` with a stdin that is a terminal).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli as runCliInProcess } from '../../src/cli/main.ts';
import { describePurgeToConfirm, type PurgeToConfirm } from '../../src/cli/purge-confirmation.ts';
import type { PurgeParameters } from '../../src/domain/job.ts';
import { freshDir, parseJsonOutput, runCliExpecting } from '../helpers/run-cli.ts';

const DEFAULTS: PurgeParameters = { daysAfterPurgeDate: 0, recordType: null, userGroup: null, waiveThreshold: 0, simulate: false, libraries: [], maxUsers: null };
const UNDONE = 'Deleting cannot be undone. Run with --simulate first to see exactly who would be purged and why.';

describe('describePurgeToConfirm', () => {
  const base: PurgeToConfirm = { parameters: DEFAULTS, deletePolicy: 'KEEP_STATISTICS_REMOVE_PRIMARY_ID', currency: 'USD', today: '2026-12-01', candidates: 3 };

  it('gives the parameters, the delete policy, the candidates and the warning', () => {
    const lines = describePurgeToConfirm({
      ...base,
      parameters: { ...DEFAULTS, daysAfterPurgeDate: 10, recordType: 'PUBLIC', userGroup: 'UG', waiveThreshold: 500, libraries: ['MAIN', 'LAW'], maxUsers: 100 },
    });
    expect(lines).toEqual([
      'A purge job will be queued and run:',
      '  Parameters: record type PUBLIC, group UG, waive threshold 5.00 USD, days after purge date 10 (purge dates on or before 2026-11-21), libraries MAIN, LAW, max users 100',
      '  Delete policy: KEEP_STATISTICS_REMOVE_PRIMARY_ID: personal data and the primary id are removed; a tombstone DEL-<internal id> keeps the loans, fees and requests',
      '  3 users are candidates today (2026-12-01); the criteria decide which of them are purged.',
      UNDONE,
    ]);
  });

  it('counts in the singular for one user, the plural otherwise', () => {
    const candidatesLine = (candidates: number) => describePurgeToConfirm({ ...base, candidates })[3];
    expect(candidatesLine(1)).toBe('  1 user is a candidate today (2026-12-01); the criteria decide which of them are purged.');
    expect(candidatesLine(0)).toMatch(/^ {2}0 users are candidates today/);
    expect(candidatesLine(2)).toMatch(/^ {2}2 users are candidates today/);
  });

  it('defaults read as All, no library scope and no limit; a threshold has the currency digits', () => {
    const [, parameters] = describePurgeToConfirm({ ...base, currency: 'JPY', parameters: { ...DEFAULTS, waiveThreshold: 500 } });
    expect(parameters).toBe('  Parameters: record type ALL, group ALL, waive threshold 500 JPY, days after purge date 0 (purge dates on or before 2026-12-01), libraries all, max users no limit');
  });

  it('a simulation says nothing will be deleted, and names the policy a real run would apply', () => {
    const lines = describePurgeToConfirm({ ...base, deletePolicy: 'FULLY_REMOVE', parameters: { ...DEFAULTS, simulate: true } });
    expect(lines[0]).toContain('deletes nothing');
    expect(lines[2]).toBe('  Delete policy a real run would apply: FULLY_REMOVE: the user and its personal data are removed; loans, fees and requests stay, unlinked');
    expect(lines).not.toContain(UNDONE);
  });
});

/** Runs the CLI in-process with a terminal as stdin that answers `answer`. */
async function runOnTerminal(args: string[], answer: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    // Answers once asked, as a person at the terminal does.
    if (chunk.includes('[y/N]')) stdin.write(`${answer}\n`);
  });
  const code = await runCliInProcess(['node', 'patron-purge', ...args], { stdin, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('purge on a terminal', () => {
  const dir = freshDir();
  const db = path.join(dir, 'confirm.sqlite');

  beforeAll(async () => {
    const csv = path.join(dir, 'users.csv');
    writeFileSync(csv, 'primary_id,user_group,purge_date\nu1,UG,2020-01-01\nu2,UG,2020-01-01\ns1,STAFF,2020-01-01\n');
    await runCliExpecting(0, ['import', '--format', 'csv', csv, '--db', db]);
  });

  it('says what will happen, and queues nothing when not confirmed', async () => {
    const run = await runOnTerminal(['purge', '--group', 'ug', '--waive-threshold', '5', '--db', db], 'n');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('A purge job will be queued and run:');
    expect(run.stderr).toContain('Parameters: record type ALL, group UG, waive threshold 5.00 USD, days after purge date 0');
    expect(run.stderr).toContain('Delete policy: KEEP_STATISTICS_REMOVE_PRIMARY_ID: ');
    expect(run.stderr).toMatch(/ {2}2 users are candidates today \(\d{4}-\d{2}-\d{2}\)/);
    expect(run.stderr).toContain(UNDONE);
    expect(run.stderr).toContain('Queue a job to purge users under the policy KEEP_STATISTICS_REMOVE_PRIMARY_ID? [y/N]');
    expect(run.stderr).toContain('Not confirmed: nothing was queued.');
    expect(run.stdout).toBe('');
    expect(parseJsonOutput<{ jobs: unknown[] }>(await runCliExpecting(0, ['jobs', 'list', '--json', '--db', db])).jobs).toEqual([]);
  });

  it('counts one candidate in the singular, and runs a confirmed simulation', async () => {
    const run = await runOnTerminal(['purge', '--simulate', '--group', 'staff', '--db', db], 'y');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/ {2}1 user is a candidate today/);
    expect(run.stderr).toContain('deletes nothing');
    expect(run.stderr).not.toContain(UNDONE);
    expect(run.stdout.split('\n')[0]).toBe("SIMULATION: nothing was deleted; 'purged' counts the users a real run would purge.");
    expect(run.stdout).toMatch(/^purged\s+1$/m);
  });
});
