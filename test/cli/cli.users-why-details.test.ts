/**
 * `users show ID --why` explains each reason with the facts behind it (SPEC.md 3.2, 3.3): the net amount
 * owed and the threshold, the credit, how many loans and requests are active, the purge date and the
 * cutoff, which filter leaves the user out. `--json` carries them as `details`, one per reason, beside
 * the fields it always had. The library is written through the app layer (the CSV import has no loans
 * or fees); every question goes through the real command.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fee, loan, openTestApp, request, seed, user } from '../helpers/test-app.ts';
import { describeRun, parseJsonOutput, runCli } from '../helpers/run-cli.ts';

const NOW = { PATRON_PURGE_NOW: '2026-12-01T12:00:00Z' };

interface Why {
  reasons: string[];
  details: Array<Record<string, unknown>>;
  amount: string;
  activeLoans: number;
}

describe.concurrent('users show --why details', () => {
  let db = '';

  beforeAll(async () => {
    const app = await openTestApp(NOW.PATRON_PURGE_NOW);
    try {
      await seed(app, {
        users: [
          user('LOANS', { homeLibrary: 'MAIN' }),
          user('OWES'),
          user('CREDIT'),
          user('REQS'),
          user('LATER', { purgeDate: '2026-11-25' }),
          user('STAFFER', { recordType: 'STAFF', userGroup: 'Faculty', homeLibrary: 'LAW' }),
          user('PROT', { doNotPurgeReason: 'balance unknown at import' }),
        ],
        loans: [loan('LOANS', 'ON_LOAN'), loan('LOANS', 'LOST'), loan('LOANS', 'RETURNED')],
        fees: [fee('OWES', 1250), fee('OWES', -250), fee('CREDIT', -300)],
        requests: [request('REQS', 'PLACED'), request('REQS', 'FULFILLED')],
      });
    } finally {
      await app.close();
    }
    db = app.config.databaseUrl;
  });

  const ask = (primaryId: string, flags: string[] = [], json = true) => runCli(['users', 'show', primaryId, '--why', ...flags, ...(json ? ['--json'] : []), '--db', db], { env: NOW });

  it('gives the detail of each reason in --json, beside the fields it always had', async () => {
    const cases: Array<[id: string, flags: string[], details: Array<Record<string, unknown>>]> = [
      ['LOANS', [], [{ code: 'ACTIVE_LOANS', activeLoans: 2 }]],
      ['OWES', ['--waive-threshold', '5'], [{ code: 'FEES_OVER_THRESHOLD', amount: '10.00', waiveThreshold: '5.00', currency: 'USD' }]],
      ['CREDIT', [], [{ code: 'CREDIT_OWED', credit: '3.00', currency: 'USD' }]],
      ['REQS', [], [{ code: 'ACTIVE_REQUESTS', activeRequests: 1 }]],
      ['LATER', ['--days-after', '10'], [{ code: 'PURGE_DATE_NOT_REACHED', purgeDate: '2026-11-25', cutoff: '2026-11-21', daysAfterPurgeDate: 10 }]],
      [
        'STAFFER',
        ['--record-type', 'public', '--group', 'ug', '--library', 'main'],
        [
          {
            code: 'NOT_IN_FILTER',
            excludedBy: [
              { filter: 'recordType', user: 'STAFF', job: 'PUBLIC' },
              { filter: 'userGroup', user: 'Faculty', job: 'UG' },
              { filter: 'libraries', user: 'LAW', job: ['MAIN'] },
            ],
          },
        ],
      ],
      ['PROT', [], [{ code: 'PROTECTED', doNotPurgeReason: 'balance unknown at import' }]],
    ];
    const runs = await Promise.all(cases.map(([id, flags]) => ask(id, flags)));
    runs.forEach((run, i) => {
      const [, , details] = cases[i]!;
      expect(run.code, describeRun(run)).toBe(0);
      const why = parseJsonOutput<{ why: Why }>(run).why;
      expect(why.details, describeRun(run)).toEqual(details);
      expect(why.reasons).toEqual(details.map((d) => d.code));
    });
    expect(parseJsonOutput<{ why: Why }>(runs[1]!).why).toMatchObject({ amount: '10.00', activeLoans: 0 });
  });

  it('prints the detail of each reason, and the active loans and requests, as text', async () => {
    const [loans, owes, credit, reqs, later, staffer] = await Promise.all([
      ask('LOANS', [], false),
      ask('OWES', ['--waive-threshold', '5'], false),
      ask('CREDIT', [], false),
      ask('REQS', [], false),
      ask('LATER', ['--days-after', '10'], false),
      ask('STAFFER', ['--record-type', 'public', '--group', 'ug', '--library', 'main'], false),
    ]);
    for (const run of [loans, owes, credit, reqs, later, staffer]) expect(run!.code, describeRun(run!)).toBe(0);
    expect(loans!.stdout).toContain('  loans 3 (2 active), requests 0 (0 active), fees 0,');
    expect(loans!.stdout).toContain('    ACTIVE_LOANS: 2 active loans\n');
    expect(owes!.stdout).toContain('    FEES_OVER_THRESHOLD: owes 10.00 USD net of credits, more than the waive threshold 5.00\n');
    expect(credit!.stdout).toContain('    CREDIT_OWED: the library owes the user a credit of 3.00 USD');
    expect(reqs!.stdout).toContain('  loans 0 (0 active), requests 2 (1 active),');
    expect(reqs!.stdout).toContain('    ACTIVE_REQUESTS: 1 active request\n');
    expect(later!.stdout).toContain('Would not be purged now (today 2026-12-01): PURGE_DATE_NOT_REACHED');
    expect(later!.stdout).toContain('    PURGE_DATE_NOT_REACHED: purge date 2026-11-25 is after the cutoff 2026-11-21');
    expect(staffer!.stdout).toContain('    NOT_IN_FILTER: record type STAFF is not PUBLIC (--record-type); group Faculty is not UG (--group); home library LAW is not MAIN (--library)\n');
  });
});
