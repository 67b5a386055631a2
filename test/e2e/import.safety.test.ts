/**
 * Import problems found in a new-user trial, through the real command line and a real SQLite file: each
 * one lost loans (so users with open loans were purged) or stored garbled names.
 * - A CSV that is not UTF-8 is refused, naming the file; nothing is written.
 * - A FOLIO loans file that is a bare JSON list is read, so its user keeps the loan and is not purged.
 * - A FOLIO user whose username changed stays one user with its loan; the purge keeps it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRows, describeRun, freshDbPath, freshDir, parseJsonOutput, runCli, runCliExpecting, withDatabaseFile } from '../helpers/run-cli.ts';

const NOW = { PATRON_PURGE_NOW: '2026-03-01T12:00:00Z' };

type Json = Record<string, unknown>;

/** FOLIO users expired on 2025-01-01 (purge date 2025-01-31 with --purge-days-after-expiry 30). */
function folioUsers(dir: string, users: Array<[id: string, username: string]>): string {
  const file = path.join(dir, 'users.json');
  const records = users.map(([id, username]) => ({ id, username, active: true, expirationDate: '2025-01-01', personal: { lastName: `Last-${id}` } }));
  writeFileSync(file, JSON.stringify({ users: records, totalRecords: records.length }));
  return file;
}

const openLoan = (id: string, userId: string) => ({ id, userId, itemId: `item-${id}`, loanDate: '2025-12-01T10:00:00Z', dueDate: '2026-06-01T10:00:00Z', status: { name: 'Open' } });

async function purge(db: string): Promise<{ counters: Json }> {
  const run = await runCliExpecting(0, ['purge', '--yes', '--json', '--db', db], { env: NOW });
  return parseJsonOutput(run);
}

describe.concurrent('import safety through the CLI', () => {
  it('refuses a CSV that is not UTF-8 with exit 2, naming the file, and writes nothing', async () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'a.csv'), 'primary_id,last_name\nbob,Brown\n');
    const bad = path.join(dir, 'b.csv');
    writeFileSync(bad, Buffer.concat([Buffer.from('primary_id,last_name\n'), Buffer.from([0xe9]), Buffer.from('alice,M\xfcller\n', 'latin1')]));
    const db = freshDbPath();
    const run = await runCli(['import', '--format', 'csv', dir, '--db', db], { env: NOW });
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain(`${bad}: record line 2: field (encoding): is not valid UTF-8 text`);
    expect(run.stderr).not.toContain('\uFFFD');
    expect(countRows(db, 'users')).toBe(0);
  });

  it('reads a FOLIO loans file that is a bare JSON list: the user with the open loan is not purged', async () => {
    const dir = freshDir();
    const users = folioUsers(dir, [
      ['uuid-1', 'borrower'],
      ['uuid-2', 'idle'],
    ]);
    const loans = path.join(dir, 'loans.json');
    writeFileSync(loans, JSON.stringify([openLoan('loan-1', 'uuid-1')]));
    const db = freshDbPath();
    const imported = parseJsonOutput<Json & { warnings: string[] }>(
      await runCliExpecting(0, ['import', '--format', 'folio', '--purge-days-after-expiry', '30', users, loans, '--json', '--db', db], { env: NOW }),
    );
    expect(imported).toMatchObject({ usersCreated: 2, loans: 1 });
    expect(imported.warnings.filter((w) => w.includes('skipped'))).toEqual([]);

    expect((await purge(db)).counters).toMatchObject({ candidates: 2, purged: 1, not_purged: 1 });
    expect(withDatabaseFile(db, (d) => d.prepare("select primary_id from users where status <> 'DELETED'").all())).toEqual([{ primary_id: 'borrower' }]);
  });

  it('refuses, with exit 2, a FOLIO file that holds loans in a shape it does not read', async () => {
    const dir = freshDir();
    const users = folioUsers(dir, [['uuid-1', 'borrower']]);
    const loans = path.join(dir, 'loans.json');
    writeFileSync(loans, JSON.stringify({ data: [openLoan('loan-1', 'uuid-1')] }));
    const db = freshDbPath();
    const run = await runCli(['import', '--format', 'folio', users, loans, '--db', db], { env: NOW });
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain(`${loans}: record data[0]: field data: holds FOLIO records under "data"`);
    expect(countRows(db, 'users')).toBe(0);
  });

  it('keeps one user, with its loan, when a FOLIO username changes: the purge does not delete it', async () => {
    const dir = freshDir();
    const loans = path.join(dir, 'loans.json');
    writeFileSync(loans, JSON.stringify({ loans: [openLoan('loan-1', 'uuid-1')], totalRecords: 1 }));
    const db = freshDbPath();
    const args = ['import', '--format', 'folio', '--purge-days-after-expiry', '30', '--json', '--db', db];
    await runCliExpecting(0, [...args, folioUsers(dir, [['uuid-1', 'jdoe']]), loans], { env: NOW });
    const [before] = withDatabaseFile(db, (d) => d.prepare('select id from users').all()) as Array<{ id: number }>;

    const renamed = parseJsonOutput(await runCliExpecting(0, [...args, folioUsers(dir, [['uuid-1', 'jane.doe']]), loans], { env: NOW }));
    expect(renamed).toMatchObject({ usersCreated: 0, usersUpdated: 1, loans: 1 });
    expect(withDatabaseFile(db, (d) => d.prepare('select id, primary_id, source_key from users').all())).toEqual([{ id: before?.id, primary_id: 'jane.doe', source_key: 'uuid-1' }]);

    expect((await purge(db)).counters).toMatchObject({ candidates: 1, purged: 0, not_purged: 1 });
    expect(countRows(db, 'users', "status <> 'DELETED'")).toBe(1);
  });
});
