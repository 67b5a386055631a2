import { AppError } from '../domain/errors.ts';
import { isValidCurrency } from '../domain/money.ts';

/** Options every importer takes. */
export interface ImportOptions {
  /** ISO 4217 code of the institution; every amount is parsed with its digits and a different currency is refused. */
  currency: string;
  /** When set, a user without a purge date gets expiry + N days (as Alma's student-system loads do). */
  purgeDaysAfterExpiry: number | null;
}

/** Refuses options no importer can work with (before any file is read). */
export function checkImportOptions(options: ImportOptions): void {
  if (!isValidCurrency(options.currency)) {
    throw new AppError('VALIDATION_FAILED', `currency "${options.currency}" is not an ISO 4217 code`);
  }
  const days = options.purgeDaysAfterExpiry;
  if (days !== null && (!Number.isSafeInteger(days) || days < 0)) {
    throw new AppError('VALIDATION_FAILED', `purgeDaysAfterExpiry ${String(days)} is not a whole number of days >= 0`);
  }
}
