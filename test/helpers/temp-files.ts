/** A fresh temporary folder per test, and a way to write input files into it. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** Registers hooks that give every test of the file its own folder (removed afterwards). */
export function useTempDir(prefix: string): { dir(): string; write(name: string, text: string | Uint8Array): Promise<string> } {
  let current = '';
  beforeEach(async () => {
    current = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await rm(current, { recursive: true, force: true });
  });
  return {
    dir: () => current,
    async write(name, text) {
      const file = path.join(current, name);
      await writeFile(file, text);
      return file;
    },
  };
}
