/** What every use case needs: the database and the clock. */
import type { Clock } from '../domain/clock.ts';
import type { Db } from '../db/connection.ts';

/** The dependencies of the use cases, wired in main.ts. */
export interface AppContext {
  db: Db;
  clock: Clock;
}
