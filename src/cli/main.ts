/** The `patron-purge` command line. */
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError, Option } from 'commander';
import { dateInTimeZone, formatInstant } from '../domain/calendar-date.ts';
import { AppError } from '../domain/errors.ts';
import { exitCodeForStatus, isEnded, PURGE_COUNTERS, type JobStatus } from '../domain/job.ts';
import { REASON_CODES } from '../domain/purge-criteria.ts';
import { isSettingKey } from '../domain/settings.ts';
import { loadConfig } from '../config.ts';
import { openApp, createAppWorker, type App } from '../main.ts';
import { IMPORT_FORMATS, importFiles, writeBatch, type ImportFormat } from '../app/imports.ts';
import {
  cancelJob,
  countCandidatesNow,
  createPurgeJob,
  listJobViews,
  readJobProgress,
  readJobReport,
  reportToCsv,
  showJob,
  validatePurgeRequest,
  type JobView,
} from '../app/purge-jobs.ts';
import { applyHistoryRetention } from '../app/retention.ts';
import { currentSettings, getAllSettings, getSetting, setSetting } from '../app/settings.ts';
import { explainPurge, showUser } from '../app/users.ts';
import { generateLibraryChunks } from '../app/synthetic-library.ts';
import { CliExit, EXIT, failWith, formatTable, printJson, printLine, printMessage, reportError, type Io } from './output.ts';
import { guardOptionValues } from './option-values.ts';
import { addPurgeParameterFlags, inFlagTerms, REPEATABLE_FLAGS, toPurgeRequest, type PurgeFlagValues } from './purge-flags.ts';
import { createProgress } from './progress.ts';
import { describePurgeToConfirm } from './purge-confirmation.ts';
import { describeReasonDetail } from './why-details.ts';

const DB_HELP = 'database: a PostgreSQL URL or an SQLite file (default: PATRON_PURGE_DB, DATABASE_URL, ./data/patron-purge.sqlite)';

/** Largest seed of `generate` and `demo`: an unsigned 32-bit number, well inside the generator's safe integers. */
const MAX_SEED = 4_294_967_295;

/** Refuses a seed that is not a whole number from 0 to MAX_SEED (exit 2). */
function checkSeed(text: string, io: Io, json: boolean): void {
  if (!/^\d+$/.test(text) || Number(text) > MAX_SEED) {
    failWith(io, json, { code: 'VALIDATION_FAILED', message: `--seed must be a whole number from 0 to ${MAX_SEED}, not "${text}"` });
  }
}

/** Largest job id: ids are 32-bit integers on PostgreSQL, which refuses a larger value as a query error. */
const MAX_JOB_ID = 2_147_483_647;

function parseId(text: string, io: Io, json: boolean): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_JOB_ID) {
    failWith(io, json, { code: 'VALIDATION_FAILED', message: `job id must be a whole number from 1 to ${MAX_JOB_ID}, not "${text}"` });
  }
  return Number(text);
}

function mustSucceed<T extends { ok: boolean }>(io: Io, json: boolean, result: T): Extract<T, { ok: true }> {
  if (!result.ok) failWith(io, json, result as unknown as { code: 'VALIDATION_FAILED'; message: string });
  return result as Extract<T, { ok: true }>;
}

/** Prints a job's counters as a two-column table, skipping zero reason counters for readability. */
function printCounters(io: Io, view: JobView): void {
  const rows = PURGE_COUNTERS.filter((name) => !(REASON_CODES as readonly string[]).includes(name.toUpperCase()) || (view.counters[name] ?? 0) > 0).map(
    (name) => [name, view.counters[name] ?? 0],
  );
  printLine(io, formatTable(['counter', 'value'], rows));
}

function printJobSummary(io: Io, view: JobView, timezone: string): void {
  const p = view.parameters;
  const when = (s: string | null) => (s ? formatInstant(new Date(s), timezone) : '-');
  if (p.simulate) printLine(io, "SIMULATION: nothing was deleted; 'purged' counts the users a real run would purge.");
  printLine(io, `Job ${view.id} (${view.type}${p.simulate ? ', simulated' : ''}): ${view.status}`);
  printLine(
    io,
    `  parameters: days after purge date ${p.daysAfterPurgeDate}, record type ${p.recordType}, group ${p.userGroup}, waive threshold ${p.waiveThreshold}` +
      `${p.libraries.length ? `, libraries ${p.libraries.join(',')}` : ''}${p.maxUsers !== null ? `, max users ${p.maxUsers}` : ''}`,
  );
  printLine(io, `  today ${view.today ?? '-'}, operator ${view.operator ?? '-'}, submitted ${when(view.submittedAt)}, started ${when(view.startedAt)}, ended ${when(view.endedAt)} (${timezone})`);
  printLine(io);
  printCounters(io, view);
}

/** The reason counters, largest first. */
function topReasons(view: JobView): Array<[string, number]> {
  return REASON_CODES.map((code) => [code, view.counters[code.toLowerCase()] ?? 0] as [string, number])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
}

async function withApp<T>(dbOption: string | undefined, work: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(loadConfig({ db: dbOption }));
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Runs the worker in-process until `jobId` ends, with a progress bar. */
async function runJobToEnd(app: App, io: Io, jobId: number, title: string): Promise<JobView> {
  const progress = createProgress(io, title);
  const worker = createAppWorker(app, {
    pollMs: 200,
    onStep: (job) => {
      if (job.id !== jobId || job.total_users === 0) return;
      void readJobProgress(app, jobId).then((p) => progress.update(p.done, p.total));
    },
  });
  // Ctrl-C means "stop this job", and a job stops only through its cancel (SPEC.md 3.4): the first
  // SIGINT or SIGTERM asks for it and the worker runs on until the job has ended, so the command still
  // prints the counters and exits by the status (USER_ABORTED, exit 4). The handler is removed at once:
  // a second signal ends the process as usual, and the cancel request stays for the next worker.
  const cancel = () => {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    printMessage(io, `${io.stderr.isTTY ? '\n' : ''}Cancelling job ${jobId}: it stops at the next bulk boundary; committed bulks stay`);
    void cancelJob(app, jobId, app.config.actor).then(
      (result) => {
        if (!result.ok && result.code !== 'JOB_NOT_CANCELLABLE') printMessage(io, `error: ${result.message}`);
      },
      (error: unknown) => printMessage(io, `error: could not cancel job ${jobId}: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  try {
    await worker.run({ untilJobEnded: jobId });
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    progress.stop();
  }
  const shown = await showJob(app, jobId);
  if (!shown.ok) throw new AppError('NOT_FOUND', shown.message);
  return shown.job;
}

/** Builds the program. `io` is where it reads and writes. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('patron-purge')
    .description('Purge library user records safely, in bulk, with proof of what happened.')
    .option('--db <value>', DB_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  // `--db` is global and may come before or after the subcommand.
  const command = (parent: Command, name: string, description: string) =>
    parent.command(name).description(description).option('--db <value>', DB_HELP);
  const dbOf = (cmd: Command) => (cmd.optsWithGlobals() as { db?: string }).db;

  command(program, 'import', 'import users and their loans, requests, fees and relationships from files or directories')
    .addOption(new Option('--format <format>', 'source format').choices([...IMPORT_FORMATS]).makeOptionMandatory())
    .option('--purge-days-after-expiry <n>', 'give users without a purge date one: expiry date + N days')
    .option('--json', 'print the summary as JSON')
    .argument('<paths...>', 'files and directories (read recursively)')
    .action(async (paths: string[], opts: { format: ImportFormat; purgeDaysAfterExpiry?: string; json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      let days: number | null = null;
      if (opts.purgeDaysAfterExpiry !== undefined) {
        if (!/^\d+$/.test(opts.purgeDaysAfterExpiry) || Number(opts.purgeDaysAfterExpiry) > 36_500) {
          failWith(io, json, { code: 'VALIDATION_FAILED', message: `--purge-days-after-expiry must be a whole number from 0 to 36500, not "${opts.purgeDaysAfterExpiry}"` });
        }
        days = Number(opts.purgeDaysAfterExpiry);
      }
      await withApp(dbOf(cmd), async (app) => {
        const summary = await importFiles(app, opts.format, paths, { purgeDaysAfterExpiry: days, actor: app.config.actor });
        for (const warning of summary.warnings) printMessage(io, `warning: ${warning}`);
        if (json) printJson(io, summary);
        else {
          const { warnings, ...counts } = summary;
          printLine(io, `Imported (${opts.format}): ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}; ${warnings.length} warning(s)`);
        }
      });
    });

  addPurgeParameterFlags(command(program, 'purge', 'queue a Purge User Records job and (unless --no-wait) run it to its end; Ctrl-C cancels it at the next bulk boundary'))
    .option('--yes', 'do not ask for confirmation')
    .option('--no-wait', 'queue the job and return; a worker runs it')
    .option('--json', 'print the job as JSON')
    .action(async (opts: PurgeFlagValues & { yes?: boolean; wait: boolean; json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      await withApp(dbOf(cmd), async (app) => {
        const request = toPurgeRequest(opts, app.config.operator);
        const validated = mustSucceed(io, json, inFlagTerms(await validatePurgeRequest(app, request)));
        if (!opts.yes) {
          if (!io.stdin.isTTY) {
            failWith(io, json, { code: 'CONFIRMATION_REQUIRED', message: 'no terminal to ask for confirmation: add --yes to queue the purge job' });
          }
          const settings = await currentSettings(app);
          const now = mustSucceed(io, json, await countCandidatesNow(app, validated.parameters));
          const lines = describePurgeToConfirm({ parameters: validated.parameters, deletePolicy: settings.deletePolicy, currency: settings.currency, ...now });
          for (const line of lines) printMessage(io, line);
          const verb = validated.parameters.simulate ? 'simulate a purge (nothing is deleted)' : `purge users under the policy ${settings.deletePolicy}`;
          if (!(await confirm(io, `Queue a job to ${verb}?`))) {
            printMessage(io, 'Not confirmed: nothing was queued.');
            throw new CliExit(EXIT.USAGE);
          }
        }
        const created = mustSucceed(io, json, inFlagTerms(await createPurgeJob(app, request, app.config.actor)));
        if (!opts.wait) {
          const shown = mustSucceed(io, json, await showJob(app, created.jobId));
          if (json) printJson(io, shown.job);
          else printLine(io, `Queued job ${created.jobId}. A worker runs it: patron-purge worker`);
          return;
        }
        const view = await runJobToEnd(app, io, created.jobId, `Purge job ${created.jobId}`);
        const settings = await currentSettings(app);
        if (json) printJson(io, view);
        else {
          printJobSummary(io, view, settings.timezone);
          printLine(io);
          printLine(io, `Report: patron-purge${dbHint(dbOf(cmd))} jobs report ${view.id} --format csv   (or --format json)`);
        }
        setExit(exitCodeForStatus(view.status));
      });
    });

  command(program, 'worker', 'run queued jobs until stopped (SIGTERM or SIGINT finish the current bulk, then exit)')
    .option('--once', 'exit when no job is left to run')
    .action(async (opts: { once?: boolean }, cmd: Command) => {
      await withApp(dbOf(cmd), async (app) => {
        const worker = createAppWorker(app, {
          onStep: (job) => {
            if (isEnded(job.status as JobStatus)) printMessage(io, `job ${job.id} ended: ${job.status}`);
          },
        });
        const stop = () => {
          printMessage(io, 'stopping after the current bulk...');
          worker.stop();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        printMessage(io, `worker ${worker.id} started on ${app.db.description}`);
        await applyHistoryRetention(app);
        // A long-running worker also ends the history retention of old jobs, once an hour.
        const retention = setInterval(() => void applyHistoryRetention(app).catch((error) => reportError(io, false, error)), 3_600_000);
        retention.unref();
        try {
          await worker.run({ untilIdle: Boolean(opts.once) });
        } finally {
          clearInterval(retention);
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
        }
      });
    });

  const jobs = program.command('jobs').description('monitor jobs: list, show, report, cancel');
  command(jobs, 'list', 'list jobs, newest first')
    .option('--running', 'only jobs not yet ended (queued or running)')
    .option('--completed', 'only ended jobs')
    .option('--json', 'print as JSON')
    .action(async (opts: { running?: boolean; completed?: boolean; json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      if (opts.running && opts.completed) failWith(io, json, { code: 'VALIDATION_FAILED', message: 'use either --running or --completed, not both' });
      await withApp(dbOf(cmd), async (app) => {
        await applyHistoryRetention(app);
        const settings = await currentSettings(app);
        const jobs = await listJobViews(app, { ended: opts.running ? false : opts.completed ? true : undefined });
        const views = jobs.map((j) => j.view);
        if (json) return printJson(io, { jobs: views });
        const when = (s: string | null) => (s ? formatInstant(new Date(s), settings.timezone) : '');
        printLine(
          io,
          formatTable(
            ['id', 'type', 'status', 'submitted', 'ended', 'submitter', 'candidates', 'purged', 'not_purged'],
            views.map((v, i) => [v.id, v.type + (v.parameters.simulate ? ' (sim)' : ''), v.status, when(v.submittedAt), when(v.endedAt), jobs[i]?.submittedBy ?? '', v.counters.candidates ?? 0, v.counters.purged ?? 0, v.counters.not_purged ?? 0]),
          ),
        );
      });
    });
  command(jobs, 'show', 'show one job with its parameters and counters (exit 0 whatever its status)')
    .argument('<id>', 'job id')
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      const jobId = parseId(id, io, json);
      await withApp(dbOf(cmd), async (app) => {
        await applyHistoryRetention(app);
        const shown = mustSucceed(io, json, await showJob(app, jobId));
        if (json) printJson(io, shown.job);
        else printJobSummary(io, shown.job, (await currentSettings(app)).timezone);
      });
    });
  command(jobs, 'report', "print a job's report: every kept user with all its reasons")
    .argument('<id>', 'job id')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .action(async (id: string, opts: { format: 'csv' | 'json' }, cmd: Command) => {
      const json = opts.format === 'json';
      const jobId = parseId(id, io, json);
      await withApp(dbOf(cmd), async (app) => {
        await applyHistoryRetention(app);
        const { report } = mustSucceed(io, json, await readJobReport(app, jobId));
        if (json) printJson(io, report);
        else io.stdout.write(reportToCsv(report));
      });
    });
  command(jobs, 'cancel', 'cancel a job: it stops at the next bulk boundary; what was committed stays')
    .argument('<id>', 'job id')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      const jobId = parseId(id, io, json);
      await withApp(dbOf(cmd), async (app) => {
        const result = mustSucceed(io, json, await cancelJob(app, jobId, app.config.actor));
        if (json) printJson(io, { id: jobId, cancelRequested: true, status: result.status });
        // The command only records the request: the worker running the job stops it, so say that one must run.
        else printLine(io, result.status === 'USER_ABORTED' ? `Job ${jobId} cancelled before it started.` : `Job ${jobId} will stop at its next bulk boundary (a worker must be running: patron-purge worker)`);
      });
    });

  const users = program.command('users').description('look at users');
  addPurgeParameterFlags(command(users, 'show', 'show a user; with --why, could a purge job with these flags purge it now, and if not, why'))
    .argument('<primaryId>', 'the user primary id')
    .option('--why', 'explain whether the user could be purged now')
    .option('--json', 'print as JSON')
    .action(async (primaryId: string, opts: PurgeFlagValues & { why?: boolean; json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      await withApp(dbOf(cmd), async (app) => {
        const request = toPurgeRequest(opts, app.config.operator);
        const usesPurgeFlags = Object.keys(request).some((k) => k !== 'operator') || opts.operator !== undefined;
        if (!opts.why && usesPurgeFlags) failWith(io, json, { code: 'VALIDATION_FAILED', message: 'purge flags need --why' });
        const shown = mustSucceed(io, json, await showUser(app, primaryId));
        const why = opts.why ? mustSucceed(io, json, inFlagTerms(await explainPurge(app, primaryId, request))).answer : undefined;
        if (json) return printJson(io, why ? { user: shown.user, why } : { user: shown.user });
        const u = shown.user;
        printLine(io, `${u.primaryId} (internal id ${u.id}): ${u.recordType}, group ${u.userGroup ?? '-'}, ${u.status}, home library ${u.homeLibrary ?? '-'}`);
        printLine(io, `  expiry ${u.expiryDate ?? '-'}, purge date ${u.purgeDate ?? '-'}${u.doNotPurge ? `, do not purge (${u.doNotPurgeReason ?? 'no reason given'})` : ''}`);
        printLine(
          io,
          `  loans ${u.loans.length} (${u.activeLoans} active), requests ${u.requests.length} (${u.activeRequests} active), fees ${u.fees.length}, relationships ${u.relationships.length}, blocks ${u.blocks.length}`,
        );
        if (why) {
          printLine(io, why.purgeable ? `  Could be purged now (today ${why.today}, cutoff ${why.cutoff}).` : `  Would not be purged now (today ${why.today}): ${why.reasons.join(', ')}`);
          for (const detail of why.details) printLine(io, `    ${detail.code}: ${describeReasonDetail(detail)}`);
        }
      });
    });

  const settingsCmd = program.command('settings').description('institution settings');
  command(settingsCmd, 'get', 'print one setting, or all')
    .argument('[key]', 'setting key')
    .option('--json', 'print as JSON')
    .action(async (key: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      await withApp(dbOf(cmd), async (app) => {
        if (key !== undefined) {
          const one = mustSucceed(io, json, await getSetting(app, key));
          if (json) printJson(io, { [one.key]: one.value });
          else printLine(io, one.value);
          return;
        }
        const all = await getAllSettings(app);
        if (json) printJson(io, all);
        else printLine(io, formatTable(['key', 'value'], Object.entries(all)));
      });
    });
  command(settingsCmd, 'set', 'change one setting (invalid values change nothing)')
    .argument('<key>', 'setting key')
    .argument('<value>', 'new value')
    .option('--json', 'print as JSON')
    .action(async (key: string, value: string, opts: { json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      if (!isSettingKey(key)) failWith(io, json, { code: 'UNKNOWN_FIELD', message: `unknown setting "${key}"` });
      await withApp(dbOf(cmd), async (app) => {
        const result = mustSucceed(io, json, await setSetting(app, key, value, app.config.actor));
        if (json) printJson(io, { [result.key]: result.value });
        else printLine(io, `${result.key} = ${result.value}`);
      });
    });

  command(program, 'generate', 'fill the database with a deterministic synthetic library (demo and benchmarks)')
    .requiredOption('--users <n>', 'number of users')
    .option('--seed <s>', 'seed: the same seed gives the same library', '1')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { users: string; seed: string; json?: boolean }, cmd: Command) => {
      const json = Boolean(opts.json);
      if (!/^\d+$/.test(opts.users) || Number(opts.users) < 1 || Number(opts.users) > 10_000_000) {
        failWith(io, json, { code: 'VALIDATION_FAILED', message: `--users must be a whole number from 1 to 10000000, not "${opts.users}"` });
      }
      checkSeed(opts.seed, io, json);
      await withApp(dbOf(cmd), async (app) => {
        const summary = await generateInto(app, io, Number(opts.users), Number(opts.seed));
        if (json) printJson(io, summary);
        else printLine(io, `Generated ${summary.users} users (seed ${opts.seed}) in ${app.db.description}`);
      });
    });

  command(program, 'demo', `build a demo library in a fresh SQLite file (${DEMO_DATABASE}, recreated each run, or a new file given with --db), run a purge job on it and print the report`)
    .option('--users <n>', 'number of users', '5000')
    .option('--seed <s>', 'seed', '42')
    .action(async (opts: { users: string; seed: string }, cmd: Command) => {
      if (!/^\d+$/.test(opts.users) || Number(opts.users) < 1 || Number(opts.users) > 1_000_000) {
        failWith(io, false, { code: 'VALIDATION_FAILED', message: `--users must be a whole number from 1 to 1000000, not "${opts.users}"` });
      }
      checkSeed(opts.seed, io, false);
      const dbPath = claimDemoDatabase(io, dbOf(cmd));
      await withApp(dbPath, async (app) => {
        printMessage(io, `Building a demo library of ${opts.users} users in ${app.db.description} ...`);
        await setSetting(app, 'institution_name', 'Demo University Library', app.config.actor);
        await generateInto(app, io, Number(opts.users), Number(opts.seed));
        const request = { daysAfterPurgeDate: 0, recordType: 'all', userGroup: 'all', waiveThreshold: '5.00' };
        printMessage(io, 'Running Purge User Records: days after purge date 0, record type All, group All, waive threshold 5.00');
        const created = mustSucceed(io, false, await createPurgeJob(app, request, app.config.actor));
        const view = await runJobToEnd(app, io, created.jobId, `Purge job ${created.jobId}`);
        const settings = await currentSettings(app);
        printJobSummary(io, view, settings.timezone);
        printLine(io);
        printLine(io, 'Top reasons users were kept:');
        printLine(io, formatTable(['reason', 'users'], topReasons(view)));
        const { report } = mustSucceed(io, false, await readJobReport(app, created.jobId));
        printLine(io);
        printLine(io, 'First rows of the report:');
        printLine(io, formatTable(['primary_id', 'group', 'reasons', 'amount', 'loans', 'requests'], report.not_purged.slice(0, 8).map((r) => [r.primary_id, r.user_group, r.reasons.join(';'), r.amount, r.active_loans, r.active_requests])));
        printLine(io);
        printLine(io, `Whole report: npx patron-purge${dbHint(dbPath)} jobs report ${view.id} --format csv`);
        printLine(io, `Why a user was kept: npx patron-purge${dbHint(dbPath)} users show ${shellWord(report.not_purged[0]?.primary_id ?? 'PRIMARY_ID')} --why`);
        setExit(exitCodeForStatus(view.status));
      });
    });

  guardOptionValues(program, REPEATABLE_FLAGS);
  return program;
}

/** The demo's own database, recreated by every run. */
const DEMO_DATABASE = './data/demo.sqlite';

/**
 * The database the demo may write: it deletes and rewrites whatever it opens, so it only ever opens one
 * it owns. Its default file is recreated; a `--db` value must name an SQLite file that does not exist yet,
 * created here exclusively so that no other process's database is taken over. An existing file or a
 * PostgreSQL URL is refused (exit 2): the demo must never purge a real library.
 */
function claimDemoDatabase(io: Io, dbOption: string | undefined): string {
  if (dbOption === undefined) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(DEMO_DATABASE + suffix, { force: true });
    return DEMO_DATABASE;
  }
  const refuse = (why: string): never =>
    failWith(io, false, { code: 'VALIDATION_FAILED', message: `demo refuses --db "${redactUrl(dbOption)}": ${why}; run it without --db (it uses ${DEMO_DATABASE}) or give the path of a new SQLite file` });
  if (/^postgres(ql)?:\/\//i.test(dbOption)) refuse('the demo writes synthetic users into its database and purges them, so it never runs on PostgreSQL');
  if (dbOption.trim() === '' || dbOption === ':memory:') refuse('the demo needs a file to leave its report in');
  const exists = 'it already exists, and the demo only writes a database it creates';
  if (existsSync(dbOption)) refuse(exists);
  if (['-wal', '-shm'].some((suffix) => existsSync(dbOption + suffix))) refuse('its -wal or -shm file exists, so it belongs to an SQLite database');
  const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
  try {
    mkdirSync(dirname(dbOption), { recursive: true });
  } catch (error) {
    refuse(`its folder cannot be created (${reason(error)})`);
  }
  try {
    // Created exclusively: if another process made the file since the check above, it is not ours.
    closeSync(openSync(dbOption, 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') refuse(exists);
    refuse(`it cannot be created (${reason(error)})`);
  }
  return dbOption;
}

/** `text` as one shell word, quoted only when it must be, for commands the user may copy. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The ` --db VALUE` of a suggested command when the user gave `--db` (nothing otherwise: the same
 * variables or default then choose the same database), with a URL's password hidden.
 */
function dbHint(dbOption: string | undefined): string {
  return dbOption === undefined ? '' : ` --db ${shellWord(redactUrl(dbOption))}`;
}

/** `url` without its password, for messages. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Writes the synthetic library into `app` in chunks, with a progress bar. */
async function generateInto(app: App, io: Io, users: number, seed: number): Promise<{ users: number }> {
  const settings = await currentSettings(app);
  const today = dateInTimeZone(app.clock.now(), settings.timezone);
  const progress = createProgress(io, 'Generating');
  let done = 0;
  try {
    for (const chunk of generateLibraryChunks({ users, seed, today }, 5000)) {
      await writeBatch(app, chunk, app.config.actor);
      done += chunk.users.length;
      progress.update(done, users);
    }
  } finally {
    progress.stop();
  }
  return { users: done };
}

/** Runs the CLI with `argv` (as process.argv); returns the exit code. */
export async function runCli(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  let exitCode: number = EXIT.OK;
  const json = argv.includes('--json') || (argv.includes('report') && argv.includes('json'));
  // A reader that stops early (`jobs report 1 | head -1`) closes the pipe: what is left to print has no
  // one to read it, which is not a failure of the command. It ends with its own exit code, without a
  // stack trace; any other stream error still surfaces.
  const ignoreClosedReader = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  };
  io.stdout.on('error', ignoreClosedReader);
  io.stderr.on('error', ignoreClosedReader);
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      // Help asked for (`help`, `help jobs`) is a success; usage shown because a subcommand is missing
      // (`jobs`) or unknown (`help bogus`) is a usage error.
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      if (error.code === 'commander.executeSubCommandAsync') return EXIT.OK;
      if (json) printJson(io, { error: { code: error.code === 'commander.unknownOption' ? 'UNKNOWN_FIELD' : 'VALIDATION_FAILED', message: error.message.replace(/^error: /, '') } });
      return EXIT.USAGE;
    }
    return reportError(io, json, error);
  }
}
