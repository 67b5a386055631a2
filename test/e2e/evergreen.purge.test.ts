/**
 * The acceptance run on Evergreen's Concerto dataset (../shared/data/evergreen/concerto_enhanced), through
 * the real command line:
 *
 *   patron-purge settings set timezone America/New_York
 *   patron-purge import --format evergreen --purge-days-after-expiry 30 concerto_enhanced
 *   PATRON_PURGE_NOW=2026-12-01T12:00:00-05:00 patron-purge purge --yes --json
 *
 * Expected figures, derived with awk over the COPY dumps (columns by the COPY line: actor.usr id $1,
 * usrname $4, deleted $39, expire_date $46; action.circulation usr $2, xact_finish $4, checkin_time $15;
 * action.hold_request fulfillment_time $4, cancel_time $9, usr $20; money.grocery usr $2, xact_finish $4),
 * and recomputed below by a small COPY parser of the test's own (not the product's importer):
 *
 * - actor.usr: 378 rows. The literal date of `expire_date` ("2023-10-27 10:26:51.426709-04" counts as
 *   2023-10-27) + 30 days is on or before 2026-12-01 for 366 users (every expiry up to 2025-02; the other
 *   12 expire on 2027-02-18..24). One of the 366, id 105 (99999393002), is `deleted` = 1: skipped at
 *   import. Candidates: 365. (30 or 0 days makes no difference here: no expiry falls in 2026-11-02..
 *   2026-12-01; 30 is kept to exercise the option.)
 * - action.circulation: 486 circulations, all open (checkin_time and xact_finish \N), for 81 users, all
 *   candidates: ACTIVE_LOANS 81.
 * - action.hold_request: 265 holds, none fulfilled or cancelled, for 80 users; 2 belong to user id 1,
 *   who is not in actor.usr (skipped with a warning); the other 79 users are all candidates:
 *   ACTIVE_REQUESTS 79.
 * - Open transactions (xact_finish \N): the 81 circulation users plus money.grocery's open bills (46 of
 *   58 rows, 38 users); money.billing is not in the dataset, so each of these users gets doNotPurge
 *   "balance unknown at import": 119 distinct users, all candidates: PROTECTED 119.
 * - Every loan or hold user also has an open transaction, so kept = the 119 PROTECTED users:
 *   78 ACTIVE_LOANS;ACTIVE_REQUESTS;PROTECTED, 3 ACTIVE_LOANS;PROTECTED, 1 ACTIVE_REQUESTS;PROTECTED,
 *   37 PROTECTED. Purged 365 - 119 = 246. No money rows are imported (no billings), so no amounts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, freshDbPath, parseJsonOutput, runCli, runCliExpecting, type CliRun } from '../helpers/run-cli.ts';

const DATA = path.resolve('../shared/data/evergreen/concerto_enhanced');
const NOW = '2026-12-01T12:00:00-05:00';
const TODAY = '2026-12-01';
const DAYS_AFTER_EXPIRY = 30;

type Row = Record<string, string | null>;

/** A deliberately plain reader of one `COPY table (cols) FROM stdin;` dump: tab-separated, \N = NULL. */
function readCopy(file: string): Row[] {
  const lines = readFileSync(path.join(DATA, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('COPY '));
  const columns = (/\(([^)]*)\)/.exec(lines[start] ?? '')?.[1] ?? '').split(',').map((c) => c.trim());
  const rows: Row[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === '\\.') break;
    const cells = line.split('\t');
    if (cells.length !== columns.length) throw new Error(`${file}: a row with ${cells.length} cells`);
    rows.push(Object.fromEntries(columns.map((c, i) => [c, cells[i] === '\\N' ? null : (cells[i] ?? null)])));
  }
  return rows;
}

function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

interface Expected {
  candidates: Set<string>;
  kept: Map<string, { group: string; reasons: string[] }>;
  purged: string[];
  deleted: string[];
  totals: { users: number; circulations: number; holds: number; groceriesOpen: number };
}

function deriveFromFiles(): Expected {
  const users = readCopy('actor.usr.sql');
  const groupNames = new Map(readCopy('permission.grp_tree.sql').map((g) => [g.id, g.name]));
  const circulations = readCopy('action.circulation.sql');
  const holds = readCopy('action.hold_request.sql');
  const groceries = readCopy('money.grocery.sql');

  const nameById = new Map<string, string>();
  const groupById = new Map<string, string>();
  const candidates = new Set<string>();
  const deleted: string[] = [];
  for (const u of users) {
    const id = u.id as string;
    const name = u.usrname as string;
    nameById.set(id, name);
    groupById.set(id, groupNames.get(u.profile) ?? `profile-${u.profile}`);
    const isDeleted = u.deleted === '1' || u.deleted === 't';
    // The literal date part of the timestamp counts, whatever its offset.
    const expiry = u.expire_date?.slice(0, 10);
    if (!expiry || plusDays(expiry, DAYS_AFTER_EXPIRY) > TODAY) continue;
    if (isDeleted) deleted.push(name);
    else candidates.add(name);
  }
  const reasons = new Map<string, Set<string>>();
  const add = (userId: string | null | undefined, code: string) => {
    const name = userId ? nameById.get(userId) : undefined;
    if (name === undefined || !candidates.has(name)) return;
    reasons.set(name, (reasons.get(name) ?? new Set()).add(code));
  };
  for (const c of circulations) {
    if (c.checkin_time === null && c.xact_finish === null) add(c.usr, 'ACTIVE_LOANS');
    if (c.xact_finish === null) add(c.usr, 'PROTECTED');
  }
  for (const h of holds) if (h.fulfillment_time === null && h.cancel_time === null) add(h.usr, 'ACTIVE_REQUESTS');
  for (const g of groceries) if (g.xact_finish === null) add(g.usr, 'PROTECTED');

  const idByName = new Map([...nameById].map(([id, name]) => [name, id]));
  const kept = new Map(
    [...reasons].map(([name, codes]) => [name, { group: groupById.get(idByName.get(name) as string) as string, reasons: [...codes].sort() }]),
  );
  return {
    candidates,
    kept,
    purged: [...candidates].filter((n) => !kept.has(n)).sort(),
    deleted,
    totals: { users: users.length, circulations: circulations.length, holds: holds.length, groceriesOpen: groceries.filter((g) => g.xact_finish === null).length },
  };
}

interface ReportRow {
  primary_id: string;
  user_group: string;
  reasons: string[];
  amount: string;
  active_loans: number;
  active_requests: number;
}

describe.concurrent('Evergreen acceptance: import Concerto with purge dates, purge in New York time, read the report', () => {
  const db = freshDbPath();
  const expected = existsSync(path.join(DATA, 'actor.usr.sql')) ? deriveFromFiles() : undefined;
  let importRun: CliRun;
  let purgeRun: CliRun;

  beforeAll(async () => {
    // Fail, never skip, without the shared data.
    expect(existsSync(path.join(DATA, 'actor.usr.sql')), `${DATA} is missing`).toBe(true);
    await runCliExpecting(0, ['settings', 'set', 'timezone', 'America/New_York', '--db', db]);
    importRun = await runCli(['import', '--db', db, '--format', 'evergreen', '--purge-days-after-expiry', String(DAYS_AFTER_EXPIRY), DATA, '--json'], {
      env: { PATRON_PURGE_NOW: NOW },
    });
    expect(importRun.code, describeRun(importRun)).toBe(0);
    purgeRun = await runCli(['purge', '--yes', '--json', '--db', db], { env: { PATRON_PURGE_NOW: NOW } });
  });

  it('the figures in the header comment are what the files say', () => {
    const e = expected!;
    expect(e.totals).toEqual({ users: 378, circulations: 486, holds: 265, groceriesOpen: 46 });
    expect(e.deleted).toEqual(['99999393002']);
    expect(e.candidates.size).toBe(365);
    expect(e.kept.size).toBe(119);
    expect(e.purged).toHaveLength(246);
    const combos: Record<string, number> = {};
    for (const { reasons } of e.kept.values()) combos[reasons.join(';')] = (combos[reasons.join(';')] ?? 0) + 1;
    expect(combos).toEqual({ 'ACTIVE_LOANS;ACTIVE_REQUESTS;PROTECTED': 78, 'ACTIVE_LOANS;PROTECTED': 3, 'ACTIVE_REQUESTS;PROTECTED': 1, PROTECTED: 37 });
  });

  it('imports every user but the deleted one, skipping records it cannot place with warnings', () => {
    const summary = parseJsonOutput<{ usersCreated: number; loans: number; requests: number; fees: number; warnings: string[] }>(importRun);
    expect(summary.usersCreated).toBe(377);
    expect(summary.loans).toBe(486);
    expect(summary.requests).toBe(263);
    expect(summary.fees).toBe(0);
    expect(summary.warnings.some((w) => w.includes('actor.usr.sql') && w.includes('99999393002') && /deleted/.test(w))).toBe(true);
    expect(summary.warnings.filter((w) => w.includes('action.hold_request.sql') && w.includes('user 1 '))).toHaveLength(2);
    // Warnings are messages: on stderr too, never mixed into the JSON.
    expect(importRun.stderr).toContain('99999393002');
  });

  it('runs the job on 2026-12-01 with the counters derived from the files, and exits 0', () => {
    expect(purgeRun.code, describeRun(purgeRun)).toBe(0);
    const job = parseJsonOutput<{ status: string; today: string; counters: Record<string, number>; submittedAt: string }>(purgeRun);
    expect(job.status).toBe('COMPLETED_SUCCESS');
    expect(job.today).toBe(TODAY);
    // 12:00 in New York is 17:00 UTC.
    expect(job.submittedAt).toMatch(/^2026-12-01T17:00:\d{2}(\.\d+)?Z$/);
    const e = expected!;
    const count = (code: string) => [...e.kept.values()].filter((k) => k.reasons.includes(code)).length;
    expect(job.counters).toEqual({
      candidates: e.candidates.size,
      purged: e.purged.length,
      not_purged: e.kept.size,
      active_loans: count('ACTIVE_LOANS'),
      fees_over_threshold: 0,
      credit_owed: 0,
      active_requests: count('ACTIVE_REQUESTS'),
      active_proxy: 0,
      guarantor: 0,
      assignments: 0,
      protected: count('PROTECTED'),
      system_user: 0,
      no_longer_candidate: 0,
      failed: 0,
      not_processed: 0,
      requests_cancelled: 0,
      debts_waived: 0,
      credits_closed: 0,
      history_records_anonymised: 0,
    });
    expect(job.counters).toMatchObject({ candidates: 365, purged: 246, not_purged: 119, active_loans: 81, active_requests: 79, protected: 119 });
  });

  it('reports exactly the kept users with their reasons (JSON and CSV) and lists the purged ones', async () => {
    const job = parseJsonOutput<{ id: number }>(purgeRun);
    const [jsonRun, csvRun] = await Promise.all([
      // The same clock: reading a report also applies the history retention.
      runCliExpecting(0, ['jobs', 'report', String(job.id), '--format', 'json', '--db', db], { env: { PATRON_PURGE_NOW: NOW } }),
      runCliExpecting(0, ['jobs', 'report', String(job.id), '--db', db], { env: { PATRON_PURGE_NOW: NOW } }),
    ]);
    const report = parseJsonOutput<{ not_purged: ReportRow[]; failed: unknown[]; purged: string[] }>(jsonRun);
    const e = expected!;
    const asMap = (rows: Array<{ primary_id: string; user_group: string; reasons: string[] }>) =>
      new Map(rows.map((r) => [r.primary_id, { group: r.user_group, reasons: [...r.reasons].sort() }]));
    expect(report.not_purged).toHaveLength(e.kept.size);
    expect(asMap(report.not_purged)).toEqual(e.kept);
    expect(report.not_purged.every((r) => r.amount === '0.00')).toBe(true);
    expect(report.failed).toEqual([]);
    expect([...report.purged].sort()).toEqual(e.purged);

    const [header, ...lines] = csvRun.stdout.trimEnd().split(/\r?\n/);
    expect(header).toBe('primary_id,user_group,reasons,amount,active_loans,active_requests');
    const csvRows = lines.map((line) => {
      // Group names such as "Patron - Student" have no comma; a plain split is enough here.
      const [primary_id = '', user_group = '', reasons = ''] = line.split(',');
      return { primary_id, user_group, reasons: reasons.split(';') };
    });
    expect(asMap(csvRows)).toEqual(e.kept);
  });

  it('keeps the protected users with the import reason and removes the purged ones', async () => {
    const e = expected!;
    const protectedOnly = [...e.kept].find(([, k]) => k.reasons.join() === 'PROTECTED')?.[0];
    const purged = e.purged[0];
    expect(protectedOnly).toBeDefined();
    const [kept, gone] = await Promise.all([
      runCliExpecting(0, ['users', 'show', protectedOnly as string, '--json', '--db', db]),
      runCli(['users', 'show', purged as string, '--db', db]),
    ]);
    expect(parseJsonOutput<{ user: Record<string, unknown> }>(kept).user).toMatchObject({ doNotPurge: true, doNotPurgeReason: 'balance unknown at import' });
    expect(gone.code, describeRun(gone)).toBe(2);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toContain(purged as string);
  });
});
