/**
 * What `purge` shows before it asks for confirmation on a terminal: the job's parameters, the Delete
 * User Policy it would apply, how many users are candidates today, and that deleting cannot be undone.
 */
import { addDays, type CalendarDate } from '../domain/calendar-date.ts';
import type { PurgeParameters } from '../domain/job.ts';
import { currencyDigits, formatMoney } from '../domain/money.ts';
import type { DeletePolicy } from '../domain/settings.ts';

/** What a purged user becomes under each Delete User Policy (SPEC.md section 6), in one line. */
const POLICY_EFFECT: Readonly<Record<DeletePolicy, string>> = {
  KEEP_FULLY_REPORTABLE: 'the user row stays with status DELETED and its personal data; identifiers are deactivated',
  KEEP_STATISTICS: 'personal data is removed; a tombstone keeps the primary id, the loans, fees and requests',
  KEEP_STATISTICS_REMOVE_PRIMARY_ID: 'personal data and the primary id are removed; a tombstone DEL-<internal id> keeps the loans, fees and requests',
  FULLY_REMOVE: 'the user and its personal data are removed; loans, fees and requests stay, unlinked',
};

/** The facts the confirmation shows. */
export interface PurgeToConfirm {
  parameters: PurgeParameters;
  deletePolicy: DeletePolicy;
  currency: string;
  /** Today in the institution's time zone, as the job would see it if it started now. */
  today: CalendarDate;
  /** Candidates of these parameters today. */
  candidates: number;
}

/** "1 user is" / "N users are". */
function usersAre(n: number): string {
  return n === 1 ? '1 user is' : `${n} users are`;
}

/** The lines shown before the question, in order. */
export function describePurgeToConfirm(purge: PurgeToConfirm): string[] {
  const p = purge.parameters;
  const parameters = [
    `record type ${p.recordType ?? 'ALL'}`,
    `group ${p.userGroup ?? 'ALL'}`,
    `waive threshold ${formatMoney(p.waiveThreshold, currencyDigits(purge.currency))} ${purge.currency}`,
    `days after purge date ${p.daysAfterPurgeDate} (purge dates on or before ${addDays(purge.today, -p.daysAfterPurgeDate)})`,
    `libraries ${p.libraries.length > 0 ? p.libraries.join(', ') : 'all'}`,
    `max users ${p.maxUsers ?? 'no limit'}`,
  ];
  const candidates = `${usersAre(purge.candidates)} ${purge.candidates === 1 ? 'a candidate' : 'candidates'} today (${purge.today}); the criteria decide which of them are purged.`;
  const policy = `${purge.deletePolicy}: ${POLICY_EFFECT[purge.deletePolicy]}`;
  if (p.simulate) {
    return [
      'A simulated purge job will be queued: it evaluates and reports exactly as a real run would, and deletes nothing.',
      `  Parameters: ${parameters.join(', ')}`,
      `  Delete policy a real run would apply: ${policy}`,
      `  ${candidates}`,
    ];
  }
  return [
    'A purge job will be queued and run:',
    `  Parameters: ${parameters.join(', ')}`,
    `  Delete policy: ${policy}`,
    `  ${candidates}`,
    'Deleting cannot be undone. Run with --simulate first to see exactly who would be purged and why.',
  ];
}
