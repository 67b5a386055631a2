/** The purge flags of SPEC.md section 8, shared by `purge` and `users show --why`. */
import { Option, type Command } from 'commander';
import type { PurgeRequest } from '../app/purge-jobs.ts';

/** Raw values of the purge flags as commander parses them. */
export interface PurgeFlagValues {
  daysAfter?: string;
  recordType?: string;
  group?: string;
  waiveThreshold?: string;
  library?: string[];
  maxUsers?: string;
  operator?: string;
  simulate?: boolean;
}

/** The only purge flag that may be given more than once; every other flag takes one value. */
export const REPEATABLE_FLAGS: ReadonlySet<string> = new Set(['--library']);

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds the job-parameter flags to `command`. */
export function addPurgeParameterFlags(command: Command): Command {
  return command
    .option('--days-after <n>', 'Number of Days After Purge Date: grace period in days (0..36500)', undefined)
    .option('--record-type <type>', 'User Record Type: all, public, staff or contact')
    .option('--group <code>', 'User Group: a configured group code, or all')
    .option('--waive-threshold <amount>', 'Waive Threshold: users owing more than this are not purged (e.g. 5.00)')
    .addOption(new Option('--library <code>', 'only users whose home library is this code (repeatable)').argParser(collect))
    .option('--max-users <n>', 'stop before purging more than this many users')
    .option('--operator <primaryId>', 'the operator submitting the job (default: PATRON_PURGE_OPERATOR)')
    .option('--simulate', 'evaluate and report exactly as a real run would, delete nothing');
}

/** Turns parsed flags into a purge request for the app layer. */
export function toPurgeRequest(values: PurgeFlagValues, defaultOperator: string | null): PurgeRequest {
  const request: PurgeRequest = {};
  if (values.daysAfter !== undefined) request.daysAfterPurgeDate = values.daysAfter;
  if (values.recordType !== undefined) request.recordType = values.recordType;
  if (values.group !== undefined) request.userGroup = values.group;
  if (values.waiveThreshold !== undefined) request.waiveThreshold = values.waiveThreshold;
  if (values.library !== undefined) request.libraries = values.library;
  if (values.maxUsers !== undefined) request.maxUsers = values.maxUsers;
  const operator = values.operator ?? defaultOperator;
  if (operator) request.operator = operator;
  if (values.simulate) request.simulate = true;
  return request;
}
