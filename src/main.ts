/** The composition root: the only place that wires real implementations together. */
import { openDatabase } from './db/connection.ts';
import type { AppContext } from './app/context.ts';
import type { Config } from './config.ts';
import { createWorker, type WorkerOptions } from './jobs/runner.ts';
import { purgeJobKind } from './jobs/purge/purge-job-kind.ts';

/** Every job kind the runner knows. */
export const JOB_KINDS: WorkerOptions['kinds'] = { PURGE_USERS: purgeJobKind };

/** An open application: the context and how to close it. */
export interface App extends AppContext {
  config: Config;
  close(): Promise<void>;
}

/** Opens the database of `config` and returns the application context. */
export async function openApp(config: Config): Promise<App> {
  const db = await openDatabase(config.databaseUrl);
  return { db, clock: config.clock, config, close: () => db.close() };
}

/** A worker over `app` with every job kind. */
export function createAppWorker(app: App, options: Omit<WorkerOptions, 'kinds'> = {}) {
  return createWorker({ db: app.db, clock: app.clock }, { kinds: JOB_KINDS, leaseMs: app.config.leaseMs, ...options });
}
