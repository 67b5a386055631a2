/**
 * The warnings a careful administrator needs after an import, printed by the real command line on
 * standard error as `warning: ...`, one line each, naming users by primary id only.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDbPath, freshDir, parseJsonOutput, runCliExpecting } from '../helpers/run-cli.ts';

const NOW = { PATRON_PURGE_NOW: '2026-03-01T12:00:00Z' };

function writeUsers(file: string, expirationDate: string): string {
  const users = ['ann', 'ben'].map((username) => ({ id: `uuid-${username}`, username, active: true, expirationDate, personal: { lastName: 'Confidential', email: `${username}@example.org` } }));
  writeFileSync(file, JSON.stringify({ users, totalRecords: users.length }));
  return file;
}

describe('import warnings through the CLI', () => {
  it('prints on stderr that a users-only FOLIO input carries no loans or fees, and which renewed users keep an earlier purge date', async () => {
    const dir = freshDir();
    const db = freshDbPath();
    const file = path.join(dir, 'users.json');

    const first = await runCliExpecting(0, ['import', '--format', 'folio', '--purge-days-after-expiry', '30', writeUsers(file, '2025-01-01'), '--db', db], { env: NOW });
    expect(first.stderr.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
      'warning: this input carries no loans: users are judged on the loans already in the database',
      'warning: this input carries no fees: users are judged on the fees already in the database',
    ]);

    const renewed = await runCliExpecting(0, ['import', '--format', 'folio', '--json', writeUsers(file, '2027-06-30'), '--db', db], { env: NOW });
    expect(renewed.stderr).toContain(
      'warning: 2 users now expire after their purge date (ann, ben): their purge dates are unchanged; set them again with --purge-days-after-expiry or Update/Notify\n',
    );
    expect(renewed.stderr).not.toMatch(/Confidential|@example\.org/);
    expect(parseJsonOutput<{ warnings: string[] }>(renewed).warnings).toHaveLength(3);
  });
});
