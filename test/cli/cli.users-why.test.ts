/**
 * `users show PRIMARY_ID --why` with the purge flags (SPEC.md 3.2), through the real command line, on
 * case C01 of cases.md: users A..F differ only in purge date (A 2013-12-09, B 2013-12-10, C 2013-12-11,
 * D 2013-12-20, E 2013-12-21, F none), institution time zone America/New_York.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, freshDir, parseJsonOutput, runCli, runCliExpecting } from '../helpers/run-cli.ts';

interface Why {
  primaryId: string;
  today: string;
  cutoff: string;
  purgeable: boolean;
  reasons: string[];
  amount: string;
  activeLoans: number;
  activeRequests: number;
}

describe.concurrent('C01 grace period boundary, asked user by user through the CLI', () => {
  const dir = freshDir();
  const db = path.join(dir, 'c01.sqlite');
  const FIRST_RUN = { PATRON_PURGE_NOW: '2013-12-20T09:00:00-05:00' };

  beforeAll(async () => {
    const csv = path.join(dir, 'c01.csv');
    writeFileSync(
      csv,
      [
        'primary_id,record_type,user_group,purge_date,expiry_date',
        'A,PUBLIC,UG,2013-12-09,2025-05-01',
        'B,PUBLIC,UG,2013-12-10,2025-05-01',
        'C,PUBLIC,UG,2013-12-11,2025-05-01',
        'D,PUBLIC,UG,2013-12-20,2025-05-01',
        'E,PUBLIC,UG,2013-12-21,2025-05-01',
        'F,PUBLIC,UG,,2025-05-01',
        // Only so that a group "staff" is configured for the --group question.
        'S1,STAFF,staff,,',
        '',
      ].join('\n'),
    );
    await runCliExpecting(0, ['settings', 'set', 'timezone', 'America/New_York', '--db', db]);
    await runCliExpecting(0, ['import', '--format', 'csv', csv, '--db', db]);
  });

  const why = (primaryId: string, flags: string[], env: Record<string, string> = FIRST_RUN) =>
    runCli(['users', 'show', primaryId, '--why', ...flags, '--json', '--db', db], { env });

  it('C01 with grace 10 at 2013-12-20T09:00 local: A, B purgeable; C, D, E PURGE_DATE_NOT_REACHED; F NO_PURGE_DATE; --group staff NOT_IN_FILTER', async () => {
    const asked: Array<[string, string[]]> = [
      ['A', ['--days-after', '10']],
      ['B', ['--days-after', '10']],
      ['D', ['--days-after', '10']],
      ['E', ['--days-after', '10']],
      ['F', ['--days-after', '10']],
      ['A', ['--days-after', '10', '--group', 'staff']],
    ];
    const [text, noWhy, ...runs] = await Promise.all([
      runCli(['users', 'show', 'c', '--why', '--days-after', '10', '--db', db], { env: FIRST_RUN }),
      runCli(['users', 'show', 'A', '--days-after', '10', '--db', db], { env: FIRST_RUN }),
      ...asked.map(([id, flags]) => why(id, flags)),
    ]);
    const answers = runs.map((run) => {
      expect(run.code, describeRun(run)).toBe(0);
      return parseJsonOutput<{ user: { primaryId: string }; why: Why }>(run).why;
    });
    for (const answer of answers) expect(answer).toMatchObject({ today: '2013-12-20', cutoff: '2013-12-10', amount: '0.00', activeLoans: 0, activeRequests: 0 });
    expect(answers.map((a) => [a.primaryId, a.purgeable, a.reasons])).toEqual([
      ['A', true, []],
      ['B', true, []],
      ['D', false, ['PURGE_DATE_NOT_REACHED']],
      ['E', false, ['PURGE_DATE_NOT_REACHED']],
      ['F', false, ['NO_PURGE_DATE']],
      ['A', false, ['NOT_IN_FILTER']],
    ]);

    // C, as text (and the primary id is matched case-insensitively).
    expect(text!.code, describeRun(text!)).toBe(0);
    expect(text!.stdout).toMatch(/^C \(internal id \d+\): PUBLIC, group UG/);
    expect(text!.stdout).toContain('Would not be purged now (today 2013-12-20): PURGE_DATE_NOT_REACHED');
    // Purge flags only make sense with --why.
    expect(noWhy!.code, describeRun(noWhy!)).toBe(2);
    expect(noWhy!.stderr).toContain('--why');
  });

  it('C01 with grace 0 at 23:59:59 local: the local date decides, not the UTC one', async () => {
    // 23:59:59 in New York is already 2013-12-21 in UTC: E (2013-12-21) must still wait, D is due, as
    // at 09:00 (the first test). (00:00:00 local is the same UTC date, so it adds nothing here.)
    const late = { PATRON_PURGE_NOW: '2013-12-20T23:59:59-05:00' };
    const [lateD, lateE] = await Promise.all([why('D', ['--days-after', '0'], late), why('E', [], late)]);
    const answer = (run: typeof lateD) => {
      expect(run.code, describeRun(run)).toBe(0);
      const a = parseJsonOutput<{ why: Why }>(run).why;
      return [a.today, a.purgeable, a.reasons];
    };
    expect(answer(lateD)).toEqual(['2013-12-20', true, []]);
    expect(answer(lateE)).toEqual(['2013-12-20', false, ['PURGE_DATE_NOT_REACHED']]);
  });
});
