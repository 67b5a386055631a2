/**
 * What an input carries besides its users. A user's loans and fees are what keep that user from being
 * purged: when an input of a format that can carry them (FOLIO, Alma, Koha, Evergreen) has users but no
 * loans or no fees at all, the purge judges those users on the records an earlier import left in the
 * database, and an administrator who forgot a file must be told so.
 */
import type { ImportBatch } from '../domain/import-batch.ts';

/** Whether the input held loan and fee records (a list of them counts even when empty). */
export interface CarriedRecords {
  loans: boolean;
  fees: boolean;
}

/** Adds a warning to `batch` for each kind of record its input did not carry, when it has users. */
export function warnUncarriedRecords(batch: ImportBatch, carried: CarriedRecords): void {
  if (batch.users.length === 0) return;
  if (!carried.loans) batch.warnings.push('this input carries no loans: users are judged on the loans already in the database');
  if (!carried.fees) batch.warnings.push('this input carries no fees: users are judged on the fees already in the database');
}
