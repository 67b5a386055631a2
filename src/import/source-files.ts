/** Reading import inputs: files and directories (read recursively), in a stable order. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../domain/errors.ts';

/** One input file with its text (without a leading byte-order mark). `name` is the path as the user would recognise it. */
export interface SourceFile {
  name: string;
  text: string;
}

/**
 * Expands `paths` (files and directories, directories read recursively) into files sorted by path,
 * each read once. A path that does not exist is refused before anything is read further. Every file
 * must be UTF-8: anything else is refused with IMPORT_MALFORMED naming the file, because a lenient
 * decoding would store U+FFFD in place of the letters it cannot read. A leading byte-order mark is
 * dropped here, for every format: it is not part of the text, and left in it hides a COPY line or a
 * JSON document from its reader.
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
  return Promise.all(names.map(async (name) => ({ name, text: decodeUtf8(name, await readFile(name)) })));
}

/** The text of `bytes`, without a leading byte-order mark; IMPORT_MALFORMED when it is not UTF-8. */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    // `ignoreBOM: false` (the default, spelt out): the decoder drops one leading U+FEFF.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      throw malformed(file, '(file)', '(encoding)', 'is UTF-16 text, not UTF-8: save the file as UTF-8');
    }
    throw malformed(file, `line ${firstInvalidLine(bytes)}`, '(encoding)', 'is not valid UTF-8 text: save the file as UTF-8');
  }
}

/** The 1-based line of the first byte sequence that is not UTF-8 (a newline byte is never inside a character). */
function firstInvalidLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let line = 1;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
    line += 1;
  }
  return line;
}

/** The failure of a malformed input: names the file, the record and the field. Nothing is written. */
export function malformed(file: string, record: string, field: string, problem: string): AppError {
  return new AppError('IMPORT_MALFORMED', `${file}: record ${record}: field ${field}: ${problem}; nothing was imported`);
}
