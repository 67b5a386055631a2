/**
 * Database selection (SPEC.md section 8): `--db VALUE` (before or after the subcommand) >
 * PATRON_PURGE_DB > DATABASE_URL > ./data/patron-purge.sqlite; any command creates and migrates a new
 * database on first use. Each run writes a different institution name, read back from the file itself.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDir, runCliExpecting, withDatabaseFile } from '../helpers/run-cli.ts';

function institutionName(file: string): string | undefined {
  return withDatabaseFile(file, (db) => (db.prepare("select value from settings where key = 'institution_name'").get() as { value: string } | undefined)?.value);
}

describe('database selection', () => {
  it('--db before or after the subcommand, then PATRON_PURGE_DB, then DATABASE_URL, then ./data/patron-purge.sqlite', async () => {
    const dir = freshDir();
    const at = (name: string) => path.join(dir, name);
    const set = (value: string) => ['settings', 'set', 'institution_name', value];

    await Promise.all([
      runCliExpecting(0, ['--db', at('before.sqlite'), ...set('Before')]),
      runCliExpecting(0, [...set('After'), '--db', at('after.sqlite')]),
      runCliExpecting(0, set('FromEnv'), { env: { PATRON_PURGE_DB: at('env.sqlite'), DATABASE_URL: at('url.sqlite') } }),
      runCliExpecting(0, set('FromUrl'), { env: { DATABASE_URL: at('url-only.sqlite') } }),
      // No --db and no variable: the default file, relative to the working directory.
      runCliExpecting(0, set('Default'), { cwd: dir }),
    ]);
    expect(institutionName(at('before.sqlite'))).toBe('Before');
    expect(institutionName(at('after.sqlite'))).toBe('After');
    expect(institutionName(at('env.sqlite'))).toBe('FromEnv');
    expect(existsSync(at('url.sqlite')), 'DATABASE_URL is not used when PATRON_PURGE_DB is set').toBe(false);
    expect(institutionName(at('url-only.sqlite'))).toBe('FromUrl');
    expect(institutionName(path.join(dir, 'data', 'patron-purge.sqlite'))).toBe('Default');

    // --db wins over both variables.
    const read = await runCliExpecting(0, ['settings', 'get', 'institution_name', '--db', at('before.sqlite')], {
      env: { PATRON_PURGE_DB: at('env.sqlite'), DATABASE_URL: at('url-only.sqlite') },
    });
    expect(read.stdout.trim()).toBe('Before');
  });
});
