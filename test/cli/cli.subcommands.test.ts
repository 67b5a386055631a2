/**
 * A missing or unknown subcommand is a usage error (exit 2, the usage on stderr); help asked for is a
 * success (exit 0, the usage on stdout).
 */
import { describe, expect, it } from 'vitest';
import { describeRun, freshDir, runCli } from '../helpers/run-cli.ts';

describe.concurrent('subcommands', () => {
  it.each([[[]], [['jobs']], [['users']], [['settings']], [['help', 'bogus']], [['jobs', 'bogus']], [['bogus']]])('patron-purge %j exits 2 with the usage on stderr', async (args) => {
    const run = await runCli(args, { cwd: freshDir() });
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Usage: patron-purge|error: unknown command/);
  });

  it.each([[['help']], [['--help']], [['help', 'jobs']], [['jobs', '--help']], [['jobs', 'report', '--help']]])('patron-purge %j exits 0 with the usage on stdout', async (args) => {
    const run = await runCli(args, { cwd: freshDir() });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toContain('Usage: patron-purge');
  });
});
