/** Reading import inputs: files and directories (read recursively), in a stable order. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../domain/errors.ts';

/** One input file with its text. `name` is the path as the user would recognise it. */
export interface SourceFile {
  name: string;
  text: string;
}

/**
 * Expands `paths` (files and directories, directories read recursively) into files sorted by path,
 * each read once. A path that does not exist is refused before anything is read further.
 */
export async function readSourceFiles(paths: readonly string[]): Promise<SourceFile[]> {
  const names: string[] = [];
  const seen = new Set<string>();
  async function walk(path: string): Promise<void> {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new AppError('NOT_FOUND', `${path}: no such file or directory`);
    if (info.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const entry of entries) {
        if (entry.startsWith('.')) continue;
        await walk(join(path, entry));
      }
    } else if (info.isFile()) {
      const absolute = resolve(path);
      if (!seen.has(absolute)) {
        seen.add(absolute);
        names.push(path);
      }
    }
  }
  for (const path of paths) await walk(path);
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(name, 'utf8') })));
}

/** The failure of a malformed input: names the file, the record and the field. Nothing is written. */
export function malformed(file: string, record: string, field: string, problem: string): AppError {
  return new AppError('IMPORT_MALFORMED', `${file}: record ${record}: field ${field}: ${problem}; nothing was imported`);
}
