/** The purge flags of SPEC.md section 8, shared by `purge` and `users show --why`. */
import { Option, type Command } from 'commander';
import type { PurgeRequest } from '../app/purge-jobs.ts';
import type { Result } from '../domain/errors.ts';

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

/** The app layer's names of the purge parameters (those of the API) and the flags that set them. */
const FLAG_OF_PARAMETER: Readonly<Record<string, string>> = {
  daysAfterPurgeDate: '--days-after',
  recordType: '--record-type',
  userGroup: '--group',
  waiveThreshold: '--waive-threshold',
  libraries: '--library',
  maxUsers: '--max-users',
};

/**
 * An app-layer message about the purge parameters in the CLI's terms: each parameter named by its flag
 * (`userGroup "X" is not a configured user group` becomes `--group "X" ...`). Quoted values are left as
 * they are, and the plain words `operator` and `library` are flags only where they open the message.
 */
export function withFlagNames(message: string): string {
  const named = message.replace(/^(operator|library) "/, '--$1 "');
  return named
    .split(/("[^"]*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\b(daysAfterPurgeDate|recordType|userGroup|waiveThreshold|libraries|maxUsers)\b/g, (name) => FLAG_OF_PARAMETER[name] ?? name)))
    .join('');
}

/** `result` with its failure message, if any, in the CLI's terms (`withFlagNames`). */
export function inFlagTerms<T>(result: Result<T>): Result<T> {
  return result.ok ? result : { ...result, message: withFlagNames(result.message) };
}
