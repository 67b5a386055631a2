/**
 * Bad input is a usage or validation error (exit 2) that names what was wrong, never an "unexpected
 * failure" (SPEC.md section 8): job ids beyond what PostgreSQL's integer holds, an SQLite path that cannot
 * be a database file. A PostgreSQL server that cannot be reached is exit 1 with a message that says so,
 * naming host and port and never the password.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabaseUrl, testDatabases } from '../helpers/test-app.ts';
import { describeRun, freshDir, parseJsonOutput, runCli } from '../helpers/run-cli.ts';

interface ErrorJson {
  error: { code: string; message: string };
}

/** A local TCP port nobody listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe.concurrent('bad input exits 2', () => {
  it.each(testDatabases())('job ids outside 1..2147483647 are refused by jobs show, report and cancel before any query (%s)', async (database) => {
    const db = database === 'sqlite' ? path.join(freshDir(), 'ids.sqlite') : await freshDatabaseUrl('postgres');
    const commands = [
      ['jobs', 'show', '2147483648', '--json'],
      ['jobs', 'show', '99999999999999999999', '--json'],
      ['jobs', 'show', '0', '--json'],
      ['jobs', 'report', '2147483648', '--format', 'json'],
      ['jobs', 'cancel', '2147483648', '--json'],
    ];
    const runs = await Promise.all(commands.map((args) => runCli([...args, '--db', db])));
    runs.forEach((run, i) => {
      const value = commands[i]![2]!;
      expect(run.code, describeRun(run)).toBe(2);
      expect(parseJsonOutput<ErrorJson>(run)).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining(`"${value}"`) } });
      expect(run.stderr).toContain('1 to 2147483647');
    });
    // The largest id is a valid id: a job that does not exist (exit 2 too), not an out-of-range query.
    const largest = await runCli(['jobs', 'show', '2147483647', '--json', '--db', db]);
    expect(largest.code, describeRun(largest)).toBe(2);
    expect(parseJsonOutput<ErrorJson>(largest).error.code).toBe('NOT_FOUND');
  });

  it('an SQLite path that is a directory, lies under a file or is not a database is refused with the path and the reason', async () => {
    const dir = freshDir();
    const folder = path.join(dir, 'a-folder');
    mkdirSync(folder);
    const file = path.join(dir, 'a-file.txt');
    writeFileSync(file, 'not a database\n');
    const cases: Array<[string, string]> = [
      [folder, 'is a directory'],
      [path.join(file, 'x.sqlite'), 'is a file'],
      [path.join(file, 'deeper', 'x.sqlite'), 'is a file'],
      [file, 'not a database'],
    ];
    const runs = await Promise.all(cases.map(([db]) => runCli(['jobs', 'list', '--json', '--db', db])));
    runs.forEach((run, i) => {
      const [db, reason] = cases[i]!;
      expect(run.code, describeRun(run)).toBe(2);
      const { error } = parseJsonOutput<ErrorJson>(run);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain(`cannot open the SQLite database "${db}"`);
      expect(error.message).toContain(reason);
      expect(run.stderr).not.toContain('unexpected failure');
    });
  });

  it('a PostgreSQL server that cannot be reached is named by host and port, without the password (exit 1)', async () => {
    const port = await closedPort();
    const run = await runCli(['jobs', 'list', '--json', '--db', `postgres://alice:s3cret-pw@127.0.0.1:${port}/library`]);
    expect(run.code, describeRun(run)).toBe(1);
    const { error } = parseJsonOutput<ErrorJson>(run);
    expect(error.message).toContain(`could not connect to the PostgreSQL server at 127.0.0.1:${port}`);
    expect(run.stderr).toContain(`could not connect to the PostgreSQL server at 127.0.0.1:${port}`);
    expect(run.stdout + run.stderr).not.toContain('s3cret-pw');
  });

  it('settings set currency is refused once a job exists (exit 2, nothing changed); the same currency again is fine', async () => {
    const db = path.join(freshDir(), 'currency.sqlite');
    const before = await runCli(['settings', 'set', 'currency', 'eur', '--db', db]);
    expect(before.code, describeRun(before)).toBe(0);
    expect(before.stdout.trim()).toBe('currency = EUR');
    const queued = await runCli(['purge', '--yes', '--no-wait', '--waive-threshold', '5.00', '--json', '--db', db]);
    expect(queued.code, describeRun(queued)).toBe(0);

    const refused = await runCli(['settings', 'set', 'currency', 'JPY', '--json', '--db', db]);
    expect(refused.code, describeRun(refused)).toBe(2);
    expect(parseJsonOutput<ErrorJson>(refused)).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/currency cannot change from EUR to JPY: .*jobs/) } });
    const again = await runCli(['settings', 'set', 'currency', 'EUR', '--db', db]);
    expect(again.code, describeRun(again)).toBe(0);
    const [current, job] = await Promise.all([runCli(['settings', 'get', 'currency', '--db', db]), runCli(['jobs', 'show', '1', '--json', '--db', db])]);
    expect(current.stdout.trim()).toBe('EUR');
    expect(parseJsonOutput<{ parameters: { waiveThreshold: string } }>(job).parameters.waiveThreshold).toBe('5.00');
  });
});
