/**
 * The CSV report never hands a spreadsheet a formula: a primary id or user group that begins with `=`,
 * `+`, `-`, `@`, a tab or a carriage return is written with a leading single quote (OWASP CSV injection).
 */
import { describe, expect, it } from 'vitest';
import { reportToCsv, type JobReport, type NotPurgedRow } from '../../src/app/purge-jobs.ts';

function reportOf(rows: Array<Partial<NotPurgedRow>>): JobReport {
  return {
    job: {} as JobReport['job'],
    not_purged: rows.map((r) => ({ primary_id: 'x', user_group: null, reasons: ['PROTECTED'], amount: '0.00', active_loans: 0, active_requests: 0, ...r })),
    failed: [],
  };
}

describe('reportToCsv', () => {
  it.each(['=cmd|calc', '+1', '-2', '@SUM(A1)', '\tx', '\rx'])('prefixes a primary id and a user group beginning with %j with a single quote', (text) => {
    const csv = reportToCsv(reportOf([{ primary_id: text, user_group: text }]));
    const quoted = `'${text}`;
    // csv-stringify quotes a cell holding a carriage return; the cell's content is what matters.
    expect(csv).toContain(text === '\rx' ? `"${quoted}","${quoted}"` : `${quoted},${quoted},`);
  });

  it('leaves other text, the reasons and a negative amount (a credit) unchanged', () => {
    const csv = reportToCsv(reportOf([{ primary_id: 'ab=c', user_group: 'UG', reasons: ['CREDIT_OWED', 'ACTIVE_LOANS'], amount: '-3.50', active_loans: 1 }]));
    expect(csv).toBe('primary_id,user_group,reasons,amount,active_loans,active_requests\nab=c,UG,CREDIT_OWED;ACTIVE_LOANS,-3.50,1,0\n');
  });
});
