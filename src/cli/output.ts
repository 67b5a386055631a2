/** CLI output conventions (SPEC.md section 8): `--json` prints one JSON object on stdout; messages go to stderr. */
import { AppError, type ErrorCode, type Failure } from '../domain/errors.ts';

/** Exit codes of SPEC.md section 8. */
export const EXIT = { OK: 0, UNEXPECTED: 1, USAGE: 2 } as const;

const USAGE_CODES: readonly ErrorCode[] = [
  'VALIDATION_FAILED',
  'UNKNOWN_FIELD',
  'NOT_FOUND',
  'IMPORT_MALFORMED',
  'CONFIRMATION_REQUIRED',
  'JOB_NOT_CANCELLABLE',
  'USER_NOT_DELETABLE',
  'FORBIDDEN',
];

/** Thrown inside a command to end it with an exit code after printing. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Where a command writes. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Prints a JSON object on stdout. */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints a line on stdout. */
export function printLine(io: Io, text = ''): void {
  io.stdout.write(`${text}\n`);
}

/** Prints a message on stderr. */
export function printMessage(io: Io, text: string): void {
  io.stderr.write(`${text}\n`);
}

/** Reports a failure (stderr; with --json also as `{"error": ...}` on stdout) and ends the command. */
export function failWith(io: Io, json: boolean, failure: Pick<Failure, 'code' | 'message'>): never {
  printMessage(io, `error: ${failure.message}`);
  if (json) printJson(io, { error: { code: failure.code, message: failure.message } });
  throw new CliExit(USAGE_CODES.includes(failure.code) ? EXIT.USAGE : EXIT.UNEXPECTED);
}

/** Reports an error that escaped a command. */
export function reportError(io: Io, json: boolean, error: unknown): number {
  if (error instanceof CliExit) return error.exitCode;
  if (error instanceof AppError) {
    try {
      failWith(io, json, error);
    } catch (exit) {
      return (exit as CliExit).exitCode;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  printMessage(io, `error: unexpected failure: ${message}`);
  if (process.env.PATRON_PURGE_DEBUG && error instanceof Error) printMessage(io, String(error.stack));
  if (json) printJson(io, { error: { code: 'INTERNAL', message: 'unexpected failure; see standard error' } });
  return EXIT.UNEXPECTED;
}

/** Formats rows as an aligned text table. */
export function formatTable(headers: string[], rows: Array<Array<string | number | null>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
