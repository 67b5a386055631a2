/** Options every importer takes. */
export interface ImportOptions {
  /** ISO 4217 code of the institution; every amount is parsed with its digits and a different currency is refused. */
  currency: string;
  /** When set, a user without a purge date gets expiry + N days (as Alma's student-system loads do). */
  purgeDaysAfterExpiry: number | null;
}
