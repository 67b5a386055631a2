/** The human form of `users show --why`: what explains each reason a user would not be purged. */
import type { FilterMismatch, ReasonDetail } from '../app/users.ts';

/** "1 active loan", "2 active loans". */
function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Which filter leaves the user out, with the flag that sets it. */
function describeMismatch(mismatch: FilterMismatch): string {
  switch (mismatch.filter) {
    case 'recordType':
      return `record type ${mismatch.user} is not ${mismatch.job} (--record-type)`;
    case 'userGroup':
      return `${mismatch.user === null ? 'no group' : `group ${mismatch.user}`} is not ${mismatch.job} (--group)`;
    case 'libraries':
      return `${mismatch.user === null ? 'no home library' : `home library ${mismatch.user}`} is not ${mismatch.job.length === 1 ? mismatch.job[0] : `one of ${mismatch.job.join(', ')}`} (--library)`;
  }
}

/** One line explaining `detail`, after its code. */
export function describeReasonDetail(detail: ReasonDetail): string {
  switch (detail.code) {
    case 'ACTIVE_LOANS':
      return count(detail.activeLoans, 'active loan');
    case 'FEES_OVER_THRESHOLD':
      return `owes ${detail.amount} ${detail.currency} net of credits, more than the waive threshold ${detail.waiveThreshold}`;
    case 'CREDIT_OWED':
      return `the library owes the user a credit of ${detail.credit} ${detail.currency} (setting block_on_credit)`;
    case 'ACTIVE_REQUESTS':
      return count(detail.activeRequests, 'active request');
    case 'ASSIGNMENTS':
      return `${count(detail.assignments, 'assignment')} (acquisitions, import profiles or locked records)`;
    case 'PROTECTED':
      return `do not purge is set (${detail.doNotPurgeReason ?? 'no reason given'})`;
    case 'SYSTEM_USER':
      return [detail.anonymisationUser ? 'the anonymisation_user' : '', detail.operator ? "the job's operator" : ''].filter(Boolean).join(' and ') || 'a system account';
    case 'PURGE_DATE_NOT_REACHED':
      return `purge date ${detail.purgeDate} is after the cutoff ${detail.cutoff} (today minus --days-after ${detail.daysAfterPurgeDate})`;
    case 'NOT_IN_FILTER':
      return detail.excludedBy.map(describeMismatch).join('; ');
    case 'ACTIVE_PROXY':
      return 'a sponsor or a proxy in a relationship that has not ended';
    case 'GUARANTOR':
      return 'the guarantor of another user in a relationship that has not ended';
    case 'NO_PURGE_DATE':
      return 'the user has no purge date, so no job purges it';
    case 'DELETED':
      return 'the user is already deleted';
  }
}
