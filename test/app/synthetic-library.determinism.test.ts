/** The synthetic library is pure and deterministic: the same options give the same batch. */
import { describe, expect, it } from 'vitest';
import { generateLibrary, generateLibraryChunks, syntheticPrimaryId } from '../../src/app/synthetic-library.ts';

const today = '2025-06-01';

describe('synthetic library determinism', () => {
  it('gives a deep-equal batch for the same options', () => {
    const a = generateLibrary({ users: 2000, seed: 42, today });
    const b = generateLibrary({ users: 2000, seed: 42, today });
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('gives a different library for a different seed, with the same primary ids', () => {
    const a = generateLibrary({ users: 2000, seed: 42, today });
    const b = generateLibrary({ users: 2000, seed: 43, today });
    expect(b).not.toEqual(a);
    expect(b.users.map((u) => u.primaryId)).toEqual(a.users.map((u) => u.primaryId));
    const sameLastName = a.users.filter((u, i) => u.lastName === b.users[i]?.lastName).length;
    expect(sameLastName).toBeLessThan(200);
  });

  it('keeps the first users and their records the same when more users are generated', () => {
    const small = generateLibrary({ users: 300, seed: 7, today });
    const [firstChunkOfLarge] = generateLibraryChunks({ users: 3000, seed: 7, today }, 300);
    expect(firstChunkOfLarge).toEqual(small);
    // With an odd number, only the last user's relationship (its partner does not exist) is missing.
    const odd = generateLibrary({ users: 301, seed: 7, today });
    const large = generateLibrary({ users: 3000, seed: 7, today });
    const firstOf = (batch: typeof large) => {
      const keep = new Set(odd.users.map((u) => u.sourceKey));
      return {
        users: batch.users.filter((u) => keep.has(u.sourceKey)),
        loans: batch.loans.filter((r) => keep.has(r.userKey)),
        fees: batch.fees.filter((r) => keep.has(r.userKey)),
        requests: batch.requests.filter((r) => keep.has(r.userKey)),
        assignments: batch.assignments.filter((r) => keep.has(r.userKey)),
        blocks: batch.blocks.filter((r) => keep.has(r.userKey)),
        relationships: batch.relationships.filter((r) => keep.has(r.fromUserKey) && keep.has(r.toUserKey)),
      };
    };
    expect(firstOf(large)).toEqual(firstOf(odd));
  });

  it('moves every date with today and nothing else', () => {
    const a = generateLibrary({ users: 50, seed: 1, today });
    const b = generateLibrary({ users: 50, seed: 1, today: '2025-06-02' });
    expect(b.users.map((u) => u.lastName)).toEqual(a.users.map((u) => u.lastName));
    expect(b.users.map((u) => u.purgeDate === null)).toEqual(a.users.map((u) => u.purgeDate === null));
    expect(b.users[0]?.expiryDate).not.toBe(a.users[0]?.expiryDate);
  });

  it('generates exactly N users with unique, zero-padded, stable primary ids', () => {
    for (const users of [0, 1, 7, 1000]) {
      const batch = generateLibrary({ users, seed: 3, today });
      expect(batch.users).toHaveLength(users);
      const ids = batch.users.map((u) => u.primaryId);
      expect(new Set(ids).size).toBe(users);
      ids.forEach((id, i) => {
        expect(id).toBe(`u${String(i + 1).padStart(7, '0')}`);
        expect(batch.users[i]?.sourceKey).toBe(id);
      });
    }
    expect(syntheticPrimaryId(0)).toBe('u0000001');
    expect(syntheticPrimaryId(9_999_999)).toBe('u10000000');
  });

  it('always carries the groups and libraries, and the synthetic source', () => {
    const batch = generateLibrary({ users: 0, seed: 1, today });
    expect(batch.source).toBe('synthetic');
    expect(batch.groups.map((g) => g.code)).toEqual(['UNDERGRAD', 'GRAD', 'FACULTY', 'STAFF', 'ALUMNI', 'COMMUNITY']);
    expect(batch.libraries.map((l) => l.code)).toEqual(['MAIN', 'LAW', 'MED', 'SCI']);
    expect(batch.warnings).toEqual([]);
  });

  it('refuses invalid options with a RangeError naming the option', () => {
    expect(() => generateLibrary({ users: -1, seed: 1, today })).toThrow(/users/);
    expect(() => generateLibrary({ users: 1.5, seed: 1, today })).toThrow(/users/);
    expect(() => generateLibrary({ users: 1, seed: Number.NaN, today })).toThrow(/seed/);
    expect(() => generateLibrary({ users: 1, seed: 1, today: '2025-02-30' })).toThrow(/today/);
    expect(() => generateLibraryChunks({ users: 1, seed: 1, today }, 3)).toThrow(/chunkUsers/);
    expect(() => generateLibraryChunks({ users: 1, seed: 1, today }, 0)).toThrow(/chunkUsers/);
  });

  it('accepts negative and large seeds deterministically', () => {
    for (const seed of [-1, 0, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
      expect(generateLibrary({ users: 20, seed, today })).toEqual(generateLibrary({ users: 20, seed, today }));
    }
    expect(generateLibrary({ users: 20, seed: 2 ** 40 + 5, today })).not.toEqual(generateLibrary({ users: 20, seed: 5, today }));
  });
});
