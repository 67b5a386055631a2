/** Chunks of the synthetic library: the same content as the whole batch, each chunk self-contained. */
import { describe, expect, it } from 'vitest';
import type { ImportBatch } from '../../src/domain/import-batch.ts';
import { emptyBatch } from '../../src/domain/import-batch.ts';
import { generateLibrary, generateLibraryChunks } from '../../src/app/synthetic-library.ts';

const options = { users: 1001, seed: 11, today: '2025-06-01' };

function concatenate(chunks: Iterable<ImportBatch>): ImportBatch {
  const all = emptyBatch('synthetic');
  for (const chunk of chunks) {
    all.groups.push(...chunk.groups);
    all.libraries.push(...chunk.libraries);
    all.users.push(...chunk.users);
    all.loans.push(...chunk.loans);
    all.requests.push(...chunk.requests);
    all.fees.push(...chunk.fees);
    all.blocks.push(...chunk.blocks);
    all.relationships.push(...chunk.relationships);
    all.assignments.push(...chunk.assignments);
    all.warnings.push(...chunk.warnings);
  }
  return all;
}

describe('synthetic library chunks', () => {
  it('concatenated, equal generateLibrary exactly, whatever the chunk size', () => {
    const whole = generateLibrary(options);
    for (const size of [2, 100, 250, 1000, 1002, 5000]) {
      expect(concatenate(generateLibraryChunks(options, size))).toEqual(whole);
    }
  });

  it('hold chunkUsers users each, the last one the rest, reference data in the first only', () => {
    const chunks = [...generateLibraryChunks(options, 100)];
    expect(chunks.map((c) => c.users.length)).toEqual([...Array(10).fill(100), 1]);
    expect(chunks[0]?.groups).toHaveLength(6);
    expect(chunks[0]?.libraries).toHaveLength(4);
    for (const chunk of chunks.slice(1)) {
      expect(chunk.groups).toEqual([]);
      expect(chunk.libraries).toEqual([]);
    }
  });

  it('give one chunk with the reference data when there are no users', () => {
    const chunks = [...generateLibraryChunks({ ...options, users: 0 }, 10)];
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.users).toEqual([]);
    expect(chunks[0]?.groups).toHaveLength(6);
  });

  it('relate only users of the same chunk', () => {
    let relationships = 0;
    for (const chunk of generateLibraryChunks({ ...options, users: 20_000 }, 2)) {
      const keys = new Set(chunk.users.map((u) => u.sourceKey));
      for (const r of [...chunk.loans, ...chunk.fees, ...chunk.requests, ...chunk.blocks, ...chunk.assignments]) expect(keys.has(r.userKey)).toBe(true);
      for (const r of chunk.relationships) {
        expect(keys.has(r.fromUserKey) && keys.has(r.toUserKey)).toBe(true);
        relationships += 1;
      }
    }
    expect(relationships).toBeGreaterThan(100);
  });
});
