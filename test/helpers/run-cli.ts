/**
 * Runs the real command line (`node bin/patron-purge.js ...`) as a child process, the way a user or a
 * script does: stdin is a pipe (never a terminal), stdout and stderr are captured separately, and the
 * environment is the test's own, without any database or clock variable leaking in from the shell.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'vitest';

/** The repository root (the CLI resolves relative paths from its working directory). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The entry point users run. */
export const CLI_BIN = path.join(REPO_ROOT, 'bin', 'patron-purge.js');

/** Environment variables the product reads; cleared for every run unless the test sets them. */
const PRODUCT_ENV = ['PATRON_PURGE_DB', 'DATABASE_URL', 'PATRON_PURGE_NOW', 'PATRON_PURGE_OPERATOR', 'PATRON_PURGE_LEASE_SECONDS', 'PATRON_PURGE_DEBUG'];

/** What one run of the command produced. */
export interface CliRun {
  /** The exit code (a signal counts as -1). */
  code: number;
  stdout: string;
  stderr: string;
  /** The arguments, for failure messages. */
  args: readonly string[];
}

/** Options of one run. */
export interface CliRunOptions {
  /** Extra environment variables; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Working directory; default the repository root. */
  cwd?: string;
  /** Text written to stdin before it is closed. */
  input?: string;
}

/** Runs `patron-purge ARGS...` and resolves when the process has exited. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return startCli(args, options).exited;
}

/** A command still running: its process (to send it signals), what it wrote so far, and its end. */
export interface StartedCli {
  child: ChildProcess;
  /** Standard error so far. */
  stderr(): string;
  exited: Promise<CliRun>;
}

/** Starts `patron-purge ARGS...` without waiting for it (for tests that signal the process). */
export function startCli(args: readonly string[], options: CliRunOptions = {}): StartedCli {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of PRODUCT_ENV) delete env[name];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, args }));
  });
  child.stdin.end(options.input ?? '');
  return { child, stderr: () => stderr, exited };
}

/** A readable summary of a run, for assertion messages. */
export function describeRun(run: CliRun): string {
  return `patron-purge ${run.args.join(' ')}\nexit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/**
 * The one JSON object a `--json` command printed: the whole of stdout must parse (SPEC.md section 8),
 * so a stray message on stdout fails here.
 */
export function parseJsonOutput<T = Record<string, unknown>>(run: CliRun): T {
  let value: unknown;
  try {
    value = JSON.parse(run.stdout);
  } catch (error) {
    throw new Error(`stdout is not one JSON value\n${describeRun(run)}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`stdout is not a JSON object\n${describeRun(run)}`);
  return value as T;
}

/** Runs the command and asserts its exit code; returns the run. */
export async function runCliExpecting(code: number, args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  const run = await runCli(args, options);
  expect(run.code, describeRun(run)).toBe(code);
  return run;
}

/** A path for a fresh SQLite database file in a new temporary folder (the file does not exist yet). */
export function freshDbPath(name = 'patron-purge.sqlite'): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'patron-purge-cli-')), name);
}

/** A new temporary folder. */
export function freshDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'patron-purge-cli-'));
}

/**
 * Opens a database file directly, for the few facts no command prints (row counts, tombstones) and for
 * states no command can reach (a corrupted setting). Read-only unless `writable`. Use only when no
 * command is running on the file.
 */
export function withDatabaseFile<T>(file: string, read: (db: Database.Database) => T, { writable = false } = {}): T {
  const db = new Database(file, { readonly: !writable, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Counts the rows of `table` (optionally with a WHERE clause) in a database file. */
export function countRows(file: string, table: string, where = ''): number {
  return withDatabaseFile(file, (db) => (db.prepare(`select count(*) as n from ${table}${where ? ` where ${where}` : ''}`).get() as { n: number }).n);
}
