/**
 * Checks every option value as commander reads it: an empty value is refused (a script's unset variable
 * must not mean "the default", and for the purge flags "everyone"), and so is a second value for an
 * option that takes one (the last silently winning hides a mistake). Both are usage errors (exit 2)
 * naming the flag.
 */
import type { Command } from 'commander';
import { AppError } from '../domain/errors.ts';

/**
 * Wraps the value parser of every option of `program` and its subcommands that takes a value; an option
 * whose long name is in `repeatable` may be given more than once. An option declared on several commands
 * (the global `--db`) counts as one.
 */
export function guardOptionValues(program: Command, repeatable: ReadonlySet<string>): void {
  const given = new Set<string>();
  const visit = (command: Command) => {
    for (const option of command.options) {
      if (!option.required && !option.optional) continue;
      const flag = option.long ?? option.flags;
      // Commander's own parser (e.g. the check of `.choices()`) still runs after these checks.
      const parse = option.parseArg;
      option.argParser((value: string, previous: unknown) => {
        if (value.trim() === '') {
          throw new AppError('VALIDATION_FAILED', `${flag} was given an empty value: give a value, or leave ${flag} out for its default`);
        }
        if (!repeatable.has(flag)) {
          if (given.has(flag)) throw new AppError('VALIDATION_FAILED', `${flag} may be given only once (a second value "${value}" was given)`);
          given.add(flag);
        }
        return parse ? parse(value, previous) : value;
      });
    }
    command.commands.forEach(visit);
  };
  visit(program);
}
