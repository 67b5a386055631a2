/** `settings set timezone` stores the zone by its canonical IANA name, whatever its case as typed. */
import { describe, expect, it } from 'vitest';
import { freshDbPath, runCliExpecting } from '../helpers/run-cli.ts';

describe('settings set timezone', () => {
  it('stores america/new_york as America/New_York', async () => {
    const db = freshDbPath();
    const set = await runCliExpecting(0, ['settings', 'set', 'timezone', 'america/new_york', '--db', db]);
    expect(set.stdout).toBe('timezone = America/New_York\n');
    const get = await runCliExpecting(0, ['settings', 'get', 'timezone', '--db', db]);
    expect(get.stdout).toBe('America/New_York\n');
  });
});
