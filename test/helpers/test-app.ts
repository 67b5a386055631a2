/**
 * Test wiring: a real database (a fresh SQLite file, or a fresh PostgreSQL schema when TEST_PG_URL is set
 * and the test asks for it), a manual clock, and builders for small libraries like those of cases.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock } from '../../src/domain/clock.ts';
import { emptyBatch, type ImportBatch, type ImportedFee, type ImportedLoan, type ImportedRelationship, type ImportedRequest, type ImportedUser } from '../../src/domain/import-batch.ts';
import type { LoanStatus, RequestStatus } from '../../src/domain/user.ts';
import { openDatabase } from '../../src/db/connection.ts';
import { writeBatch } from '../../src/app/imports.ts';
import { createPurgeJob, readJobReport, showJob, type JobReport, type JobView } from '../../src/app/purge-jobs.ts';
import { setSetting } from '../../src/app/settings.ts';
import type { App } from '../../src/main.ts';
import { createAppWorker } from '../../src/main.ts';
import type { Config } from '../../src/config.ts';

/** An app over a fresh database with a clock the test controls. */
export type TestApp = App & { clock: ReturnType<typeof createManualClock> };

/** The databases every database test runs on: SQLite always, PostgreSQL when the suite has one. */
export type TestDatabase = 'sqlite' | 'postgres';
export function testDatabases(): TestDatabase[] {
  return inject('pgUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh database: an SQLite file in a temp folder, or a new schema of the suite's PostgreSQL database. */
export async function freshDatabaseUrl(kind: TestDatabase): Promise<string> {
  if (kind === 'sqlite') return join(mkdtempSync(join(tmpdir(), 'patron-purge-test-')), 'test.sqlite');
  const base = inject('pgUrl');
  if (!base) throw new Error('no PostgreSQL for this test run');
  const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  return `${base}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Opens a fresh database with the clock at `now` and the given settings. */
export async function openTestApp(now: string, settings: Record<string, string> = {}, kind: TestDatabase = 'sqlite'): Promise<TestApp> {
  const databaseUrl = await freshDatabaseUrl(kind);
  const db = await openDatabase(databaseUrl);
  const clock = createManualClock(new Date(now));
  const config: Config = { databaseUrl, clock, operator: null, leaseMs: 2000, actor: 'test' };
  const app: TestApp = { db, clock, config, close: () => db.close() };
  for (const [key, value] of Object.entries(settings)) {
    const result = await setSetting(app, key, value, 'test');
    if (!result.ok) throw new Error(result.message);
  }
  return app;
}

/** Defaults of cases.md: PUBLIC, group UG, purge date 2025-05-01, expiry 2025-05-01, nothing else. */
export function user(primaryId: string, overrides: Partial<ImportedUser> = {}): ImportedUser {
  return {
    sourceKey: primaryId,
    primaryId,
    recordType: 'PUBLIC',
    userGroup: 'UG',
    status: 'ACTIVE',
    purgeDate: '2025-05-01',
    expiryDate: '2025-05-01',
    location: { file: 'test', record: primaryId },
    ...overrides,
  };
}

let counter = 0;
const next = (prefix: string) => `${prefix}${++counter}`;

/** A loan of `userKey`. */
export function loan(userKey: string, status: LoanStatus, overrides: Partial<ImportedLoan> = {}): ImportedLoan {
  return { externalId: next('L'), userKey, status, location: { file: 'test', record: userKey }, ...overrides };
}

/** A request of `userKey`. */
export function request(userKey: string, status: RequestStatus, overrides: Partial<ImportedRequest> = {}): ImportedRequest {
  return { externalId: next('R'), userKey, status, location: { file: 'test', record: userKey }, ...overrides };
}

/** An active fee (positive balance a debt, negative a credit), in minor units. */
export function fee(userKey: string, balance: number, overrides: Partial<ImportedFee> = {}): ImportedFee {
  return {
    externalId: next('F'),
    userKey,
    feeType: balance < 0 ? 'CREDIT' : 'OVERDUEFINE',
    status: 'ACTIVE',
    originalAmount: balance,
    balance,
    location: { file: 'test', record: userKey },
    ...overrides,
  };
}

/** A relationship: `from` is sponsor or guarantor. */
export function relationship(kind: 'PROXY' | 'GUARANTOR', from: string, to: string, endDate: string | null = null): ImportedRelationship {
  return { externalId: next('P'), kind, fromUserKey: from, toUserKey: to, endDate, location: { file: 'test', record: from } };
}

/** Writes a small library. */
export async function seed(app: App, parts: Partial<Omit<ImportBatch, 'source' | 'warnings'>>): Promise<void> {
  const batch: ImportBatch = { ...emptyBatch('csv'), ...parts };
  await writeBatch(app, batch, 'test');
}

/** Runs a worker until no work is left. */
export async function runWorker(app: App): Promise<void> {
  await createAppWorker(app, { pollMs: 10 }).run({ untilIdle: true });
}

/** Queues a purge job with `request`, runs it to its end and returns its view and report. */
export async function runPurge(app: App, purgeRequest: Record<string, unknown> = {}): Promise<{ view: JobView; report: JobReport }> {
  const created = await createPurgeJob(app, purgeRequest, 'test');
  if (!created.ok) throw new Error(`${created.code}: ${created.message}`);
  await runWorker(app);
  const shown = await showJob(app, created.jobId);
  const report = await readJobReport(app, created.jobId);
  if (!shown.ok || !report.ok) throw new Error('job vanished');
  return { view: shown.job, report: report.report };
}

/** Primary ids of the users still present and not deleted. */
export async function liveUsers(app: App): Promise<string[]> {
  const rows = await app.db.kysely.selectFrom('users').select('primary_id').where('status', '<>', 'DELETED').orderBy('primary_id').execute();
  return rows.map((r) => r.primary_id);
}

/** The reasons of each kept user in a report, by primary id. */
export function reasonsById(report: JobReport): Record<string, string[]> {
  return Object.fromEntries(report.not_purged.map((r) => [r.primary_id, r.reasons]));
}
