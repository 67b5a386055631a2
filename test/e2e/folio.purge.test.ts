/**
 * The issue's acceptance run on the real FOLIO sample data, through the real command line:
 *
 *   patron-purge import --format folio --purge-days-after-expiry 30 groups users loans requests
 *   PATRON_PURGE_NOW=2026-12-01T12:00:00Z patron-purge purge --days-after 0 --record-type all \
 *     --group all --waive-threshold 0 --yes --json
 *
 * Expected figures, derived by reading ../shared/data/folio with node/jq one-liners (not from this
 * program's output); the test recomputes them from the files below with its own few lines of reading:
 *
 * - users/ holds 228 users. 225 have an `expirationDate` (all "YYYY-MM-DD", from 2019-03-16 to
 *   2021-03-10), so each gets purge date = expiry + 30 days, the latest 2021-04-09, every one before
 *   today 2026-12-01: 225 candidates. User300-302 (rick, morty, sheldon) have none: no purge date,
 *   never candidates, untouched by the job.
 * - loans/: 4 loans; `status.name` Open for bridget-jones-baby-item (userId of User000 = janae),
 *   interesting-times-item (User001 = delpha) and nod-item (User002 = emmet); girl-on-the-train-item
 *   (delpha) is Closed and does not count.
 * - requests/: 2 requests, both "Open - Not yet filled": interesting-times (requesterId of delpha) and
 *   nod (emmet).
 * - No fees, relationships, assignments, protected users or operator: no other reason applies.
 *
 * Hence kept: janae {ACTIVE_LOANS}, delpha {ACTIVE_LOANS, ACTIVE_REQUESTS}, emmet {ACTIVE_LOANS,
 * ACTIVE_REQUESTS}; groups (patronGroup uuid -> groups/*.json `group`): janae and emmet graduate,
 * delpha faculty. Counters: candidates 225, purged 222, not_purged 3, active_loans 3,
 * active_requests 2, every other counter 0 (history_records_anonymised 0: the purged users have no
 * loan, request or fee rows; the only closed loan is delpha's, who is kept).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, freshDbPath, parseJsonOutput, runCli, runCliExpecting, type CliRun } from '../helpers/run-cli.ts';

const FOLIO = path.resolve('../shared/data/folio');
const NOW = '2026-12-01T12:00:00Z';

/** Every counter SPEC.md 3.4 names, with the figures derived above. */
const EXPECTED_COUNTERS = {
  candidates: 225,
  purged: 222,
  not_purged: 3,
  active_loans: 3,
  fees_over_threshold: 0,
  credit_owed: 0,
  active_requests: 2,
  active_proxy: 0,
  guarantor: 0,
  assignments: 0,
  protected: 0,
  system_user: 0,
  no_longer_candidate: 0,
  failed: 0,
  not_processed: 0,
  requests_cancelled: 0,
  debts_waived: 0,
  credits_closed: 0,
  history_records_anonymised: 0,
};

const EXPECTED_KEPT = [
  { primary_id: 'delpha', user_group: 'faculty', reasons: ['ACTIVE_LOANS', 'ACTIVE_REQUESTS'], amount: '0.00', active_loans: 1, active_requests: 1 },
  { primary_id: 'emmet', user_group: 'graduate', reasons: ['ACTIVE_LOANS', 'ACTIVE_REQUESTS'], amount: '0.00', active_loans: 1, active_requests: 1 },
  { primary_id: 'janae', user_group: 'graduate', reasons: ['ACTIVE_LOANS'], amount: '0.00', active_loans: 1, active_requests: 0 },
];

type Json = Record<string, unknown>;
const readJsonDir = (folder: string): Json[] =>
  readdirSync(path.join(FOLIO, folder))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(FOLIO, folder, f), 'utf8')) as Json);

/** The sample read independently of the product's importer: who is a candidate, who is kept and why. */
function deriveFromFiles() {
  const users = readJsonDir('users');
  const groups = new Map(readJsonDir('groups').map((g) => [g.id as string, g.group as string]));
  const usernameById = new Map(users.map((u) => [u.id as string, u.username as string]));
  const dated = users.filter((u) => typeof u.expirationDate === 'string' && u.expirationDate !== '');
  const undated = users.filter((u) => !dated.includes(u)).map((u) => u.username as string);
  const reasons = new Map<string, Set<string>>();
  const add = (userId: string, code: string) => {
    const name = usernameById.get(userId);
    if (!name) throw new Error(`no user ${userId}`);
    reasons.set(name, (reasons.get(name) ?? new Set()).add(code));
  };
  for (const loan of readJsonDir('loans')) if ((loan.status as Json | undefined)?.name === 'Open') add(loan.userId as string, 'ACTIVE_LOANS');
  for (const request of readJsonDir('requests')) if (String(request.status).startsWith('Open')) add(request.requesterId as string, 'ACTIVE_REQUESTS');
  const groupOf = new Map(users.map((u) => [u.username as string, groups.get(u.patronGroup as string)]));
  const latestPurgeDate = dated
    .map((u) => {
      const d = new Date(`${(u.expirationDate as string).slice(0, 10)}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 30);
      return d.toISOString().slice(0, 10);
    })
    .sort()
    .at(-1);
  const candidates = dated.map((u) => u.username as string);
  const kept = [...reasons.keys()].filter((name) => candidates.includes(name));
  return {
    users,
    candidates,
    undated,
    latestPurgeDate,
    kept: kept.sort().map((name) => ({ primary_id: name, user_group: groupOf.get(name), reasons: [...(reasons.get(name) ?? [])].sort() })),
    purged: candidates.filter((name) => !kept.includes(name)).sort(),
  };
}

const sortedRows = (rows: Array<{ primary_id: string; reasons: string[] }>) =>
  [...rows].sort((a, b) => a.primary_id.localeCompare(b.primary_id)).map((r) => ({ ...r, reasons: [...r.reasons].sort() }));

const INSTANT_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe.concurrent('FOLIO acceptance: import the sample with purge dates, purge, read the report', () => {
  const db = freshDbPath();
  const derived = existsSync(path.join(FOLIO, 'users')) ? deriveFromFiles() : undefined;
  let importRun: CliRun;
  let purgeRun: CliRun;

  beforeAll(async () => {
    // Fail, never skip, without the shared data.
    expect(existsSync(path.join(FOLIO, 'users', 'User000.json')), `${FOLIO} is missing`).toBe(true);
    importRun = await runCli(
      ['import', '--db', db, '--format', 'folio', '--purge-days-after-expiry', '30', ...['groups', 'users', 'loans', 'requests'].map((f) => path.join(FOLIO, f)), '--json'],
      { env: { PATRON_PURGE_NOW: NOW } },
    );
    expect(importRun.code, describeRun(importRun)).toBe(0);
    purgeRun = await runCli(
      ['purge', '--db', db, '--days-after', '0', '--record-type', 'all', '--group', 'all', '--waive-threshold', '0', '--yes', '--json'],
      { env: { PATRON_PURGE_NOW: NOW } },
    );
  });

  it('the figures in the header comment are what the files say', () => {
    expect(derived).toBeDefined();
    const d = derived!;
    expect(d.users).toHaveLength(228);
    expect(d.candidates).toHaveLength(225);
    expect(d.undated.sort()).toEqual(['morty', 'rick', 'sheldon']);
    expect(d.latestPurgeDate).toBe('2021-04-09');
    expect(d.kept).toEqual(EXPECTED_KEPT.map(({ primary_id, user_group, reasons }) => ({ primary_id, user_group, reasons })));
    expect(d.purged).toHaveLength(222);
  });

  it('imports every user, group, loan and request in one call', () => {
    const summary = parseJsonOutput(importRun);
    expect(summary).toMatchObject({
      groupsCreated: 5,
      usersCreated: 228,
      usersUpdated: 0,
      loans: 4,
      requests: 2,
      fees: 0,
      // The three users without an expiry date get no purge date from --purge-days-after-expiry.
      warnings: [
        'this input carries no fees: users are judged on the fees already in the database',
        '3 users have no purge date (rick, morty, sheldon) and cannot be purged: import with --purge-days-after-expiry N, or set purge dates later',
      ],
    });
  });

  it('purges with exit 0 and prints exactly one job object in the shape of SPEC section 8', () => {
    expect(purgeRun.code, describeRun(purgeRun)).toBe(0);
    const job = parseJsonOutput(purgeRun);
    expect(Object.keys(job).sort()).toEqual(['counters', 'endedAt', 'id', 'operator', 'parameters', 'startedAt', 'status', 'submittedAt', 'today', 'type'].sort());
    expect(job).toMatchObject({
      type: 'PURGE_USERS',
      status: 'COMPLETED_SUCCESS',
      today: '2026-12-01',
      operator: null,
      parameters: { daysAfterPurgeDate: 0, recordType: 'ALL', userGroup: 'ALL', waiveThreshold: '0.00', simulate: false, libraries: [], maxUsers: null },
    });
    expect(job.parameters).toEqual({ daysAfterPurgeDate: 0, recordType: 'ALL', userGroup: 'ALL', waiveThreshold: '0.00', simulate: false, libraries: [], maxUsers: null });
    expect(typeof job.id).toBe('number');
    expect(job.counters).toEqual(EXPECTED_COUNTERS);
    for (const field of ['submittedAt', 'startedAt', 'endedAt'] as const) {
      expect(job[field], field).toMatch(INSTANT_UTC);
      expect(String(job[field]).startsWith('2026-12-01T12:0'), `${field} follows PATRON_PURGE_NOW`).toBe(true);
    }
  });

  it('reports exactly the kept users with every reason, as JSON and as CSV', async () => {
    const job = parseJsonOutput<{ id: number }>(purgeRun);
    const [jsonRun, csvRun] = await Promise.all([
      // The same clock: reading a report also applies the history retention.
      runCliExpecting(0, ['jobs', 'report', String(job.id), '--format', 'json', '--db', db], { env: { PATRON_PURGE_NOW: NOW } }),
      runCliExpecting(0, ['jobs', 'report', String(job.id), '--format', 'csv', '--db', db], { env: { PATRON_PURGE_NOW: NOW } }),
    ]);
    const report = parseJsonOutput<{ job: Json; not_purged: Array<{ primary_id: string; reasons: string[] }>; failed: unknown[]; purged: string[] }>(jsonRun);
    expect(Object.keys(report).sort()).toEqual(['failed', 'job', 'not_purged', 'purged']);
    expect(report.job).toEqual(parseJsonOutput(purgeRun));
    expect(sortedRows(report.not_purged)).toEqual(EXPECTED_KEPT);
    expect(report.failed).toEqual([]);
    // report_purged_users is on by default: the one place a purged primary id survives.
    expect([...report.purged].sort()).toEqual(derived?.purged);

    const lines = csvRun.stdout.trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe('primary_id,user_group,reasons,amount,active_loans,active_requests');
    const rows = lines.slice(1).map((line) => {
      const [primary_id, user_group, reasons, amount, loans, requests] = line.split(',');
      return { primary_id: primary_id ?? '', user_group, reasons: (reasons ?? '').split(';'), amount, active_loans: Number(loans), active_requests: Number(requests) };
    });
    expect(sortedRows(rows)).toEqual(EXPECTED_KEPT);
  });

  it('purged users are gone by primary id; kept users and users without a purge date are still there', async () => {
    const purged = derived?.purged[0];
    expect(purged).toBeDefined();
    const [gone, janae, delpha, rick] = await Promise.all([
      runCli(['users', 'show', purged as string, '--json', '--db', db]),
      runCli(['users', 'show', 'janae', '--json', '--db', db]),
      runCli(['users', 'show', 'DELPHA', '--db', db]),
      runCli(['users', 'show', 'rick', '--json', '--db', db]),
    ]);
    expect(gone.code, describeRun(gone)).toBe(2);
    expect(parseJsonOutput(gone)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(janae.code, describeRun(janae)).toBe(0);
    expect(parseJsonOutput<{ user: Json }>(janae).user).toMatchObject({
      primaryId: 'janae',
      status: 'ACTIVE',
      userGroup: 'graduate',
      expiryDate: '2019-11-27',
      purgeDate: '2019-12-27',
    });
    // Primary ids are matched case-insensitively.
    expect(delpha.code, describeRun(delpha)).toBe(0);
    expect(delpha.stdout).toMatch(/^delpha \(internal id \d+\)/);
    expect(rick.code, describeRun(rick)).toBe(0);
    expect(parseJsonOutput<{ user: Json }>(rick).user).toMatchObject({ primaryId: 'rick', expiryDate: null, purgeDate: null, status: 'ACTIVE' });
  });
});
