/** The folders say what the system is (STYLE.md): this test fails on an import that crosses a layer the wrong way. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The layer of a file: its first folder under src/, or the file name for top-level files. */
function layerOf(path: string): string {
  const rel = relative(SRC, path);
  return rel.includes('/') ? (rel.split('/')[0] as string) : rel;
}

/** What each layer may import from our own code; `packages` says whether it may import any package or node: module. */
const RULES: Record<string, { layers: string[]; packages: boolean }> = {
  domain: { layers: ['domain'], packages: false },
  db: { layers: ['domain', 'db'], packages: true },
  import: { layers: ['domain', 'import'], packages: true },
  jobs: { layers: ['domain', 'db', 'jobs'], packages: true },
  app: { layers: ['domain', 'db', 'jobs', 'import', 'app'], packages: true },
  cli: { layers: ['domain', 'app', 'cli', 'main.ts', 'config.ts'], packages: true },
  'config.ts': { layers: ['domain'], packages: false },
  'main.ts': { layers: ['domain', 'db', 'jobs', 'app', 'config.ts'], packages: true },
};

function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] as string);
}

describe('layering', () => {
  const files = sourceFiles(SRC);

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [relative(SRC, f), f]))('%s imports only what its layer may', (_name, file) => {
    const layer = layerOf(file);
    const rule = RULES[layer];
    expect(rule, `no rule for layer ${layer}`).toBeDefined();
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), specifier));
        expect(rule!.layers, `${relative(SRC, file)} imports ${specifier} (layer ${target})`).toContain(target);
      } else if (!rule!.packages) {
        expect.fail(`${relative(SRC, file)} must not import the package ${specifier}: ${layer} has no IO`);
      }
    }
  });

  it('keeps SQL in db/ (STYLE.md: the only place that knows SQL)', () => {
    for (const file of files.filter((f) => layerOf(f) !== 'db')) {
      expect(readFileSync(file, 'utf8'), relative(SRC, file)).not.toMatch(/\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`/);
    }
  });
});

describe('error catalogue', () => {
  it('documents every error code in the README', async () => {
    const { ERROR_CODES } = await import('../../src/domain/errors.ts');
    const readme = readFileSync('README.md', 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(readme, code).toContain(`\`${code}\``);
  });
});
