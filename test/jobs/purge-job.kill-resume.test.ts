/**
 * Durability with real processes (SPEC.md 3.4): a worker killed with SIGKILL in the middle of a purge job
 * and started again finishes it with exactly the counters and report of an uninterrupted run on a copy of
 * the same data; no user is deleted, counted or reported twice.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const BIN = resolve('bin/patron-purge.js');
const NOW = '2026-12-01T12:00:00-05:00';
const env = { ...process.env, PATRON_PURGE_NOW: NOW, PATRON_PURGE_LEASE_SECONDS: '1' };

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(args: string[]): string {
  const result = cli(args);
  if (result.status !== 0) throw new Error(`patron-purge ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** The observable outcome of a job: counters, report, and what is left of the users and their money. */
function outcome(db: string, jobId: number) {
  const job = JSON.parse(ok(['--db', db, 'jobs', 'show', String(jobId), '--json'])) as { status: string; counters: Record<string, number> };
  const report = JSON.parse(ok(['--db', db, 'jobs', 'report', String(jobId), '--format', 'json'])) as {
    not_purged: Array<{ primary_id: string }>;
    purged: string[];
  };
  const sqlite = new Database(db, { readonly: true });
  try {
    const users = sqlite.prepare("select id, primary_id, status from users order by id").all();
    const fees = sqlite.prepare('select id, status, close_reason, balance from fees order by id').all();
    const reportRows = sqlite.prepare('select count(*) as n, count(distinct primary_id) as d from job_report_rows where job_id = ?').get(jobId) as { n: number; d: number };
    return { status: job.status, counters: job.counters, notPurged: report.not_purged, purged: [...report.purged].sort(), users, fees, reportRows };
  } finally {
    sqlite.close();
  }
}

function bulksDone(db: string, jobId: number): { done: number; total: number; status: string } {
  const sqlite = new Database(db, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    const job = sqlite.prepare('select status, total_bulks from jobs where id = ?').get(jobId) as { status: string; total_bulks: number };
    const done = sqlite.prepare("select count(*) as n from job_bulks where job_id = ? and state <> 'PENDING'").get(jobId) as { n: number };
    return { done: done.n, total: job.total_bulks, status: job.status };
  } finally {
    sqlite.close();
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
  });
}

describe('kill -9 and resume', () => {
  it('a worker killed at random points finishes with the counters and report of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patron-purge-kill-'));
    const reference = join(dir, 'reference.sqlite');
    ok(['--db', reference, 'settings', 'set', 'bulk_size', '30']);
    ok(['--db', reference, 'generate', '--users', '4000', '--seed', '11']);
    const killed = join(dir, 'killed.sqlite');
    copyFileSync(reference, killed);

    const uninterrupted = JSON.parse(ok(['--db', reference, 'purge', '--yes', '--json'])) as { id: number; counters: Record<string, number> };
    expect(uninterrupted.counters.purged).toBeGreaterThan(100);

    const queued = JSON.parse(ok(['--db', killed, 'purge', '--yes', '--no-wait', '--json'])) as { id: number; status: string };
    expect(queued.status).toBe('QUEUED');

    // Deterministic pseudo-random kill points: after a given number of finished bulks, plus a jitter.
    let seed = 20261203;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let kills = 0;
    let killsMidJob = 0;
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const before = bulksDone(killed, queued.id);
      if (!['QUEUED', 'INITIALIZING', 'RUNNING', 'FINALIZING'].includes(before.status)) break;
      const child = spawn(process.execPath, [BIN, '--db', killed, 'worker'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const target = before.done + 1 + Math.floor(random() * 3);
      const jitterMs = Math.floor(random() * 15);
      // Kill once the worker has committed `target` bulks (or the job ended), at a random moment after.
      for (;;) {
        await new Promise((r) => setTimeout(r, 3));
        const now = bulksDone(killed, queued.id);
        if (now.done >= target || !['QUEUED', 'INITIALIZING', 'RUNNING', 'FINALIZING'].includes(now.status)) break;
        if (child.exitCode !== null) throw new Error('worker exited on its own');
      }
      await new Promise((r) => setTimeout(r, jitterMs));
      const at = bulksDone(killed, queued.id);
      child.kill('SIGKILL');
      await waitForExit(child);
      kills += 1;
      if (at.status === 'RUNNING' && at.done > 0 && at.done < at.total) killsMidJob += 1;
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(killsMidJob).toBeGreaterThanOrEqual(20);
    // Whatever is left, a last worker finishes.
    ok(['--db', killed, 'worker', '--once']);

    const expected = outcome(reference, uninterrupted.id);
    const actual = outcome(killed, queued.id);
    expect(actual.status).toBe('COMPLETED_SUCCESS');
    expect(actual.counters).toEqual(expected.counters);
    expect(actual.notPurged).toEqual(expected.notPurged);
    expect(actual.purged).toEqual(expected.purged);
    expect(new Set(actual.purged).size).toBe(actual.purged.length);
    expect(actual.reportRows.n).toBe(actual.reportRows.d);
    expect(actual.users).toEqual(expected.users);
    expect(actual.fees).toEqual(expected.fees);
  }, 600_000);
});
