/** User vocabulary (SPEC.md section 2) and the key used for case-insensitive matching. */
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_TYPES,
  ACTIVE_LOAN_STATUSES,
  ACTIVE_REQUEST_STATUSES,
  FEE_CLOSE_REASONS,
  FEE_STATUSES,
  LOAN_STATUSES,
  RECORD_TYPES,
  RELATIONSHIP_KINDS,
  REQUEST_STATUSES,
  USER_STATUSES,
  toKey,
  tombstonePrimaryId,
} from '../../src/domain/user.ts';

describe('user vocabulary', () => {
  it.each([
    { name: 'record types', actual: RECORD_TYPES, expected: ['CONTACT', 'PUBLIC', 'STAFF'] },
    { name: 'account types', actual: ACCOUNT_TYPES, expected: ['EXTERNAL', 'INTERNAL'] },
    { name: 'user statuses', actual: USER_STATUSES, expected: ['ACTIVE', 'DELETED', 'INACTIVE'] },
    { name: 'fee statuses', actual: FEE_STATUSES, expected: ['ACTIVE', 'CLOSED'] },
    { name: 'fee close reasons', actual: FEE_CLOSE_REASONS, expected: ['CANCELLED', 'PAID', 'TRANSFERRED', 'WAIVED'] },
    { name: 'relationship kinds', actual: RELATIONSHIP_KINDS, expected: ['GUARANTOR', 'PROXY'] },
  ])('has the $name of SPEC.md section 2', ({ actual, expected }) => {
    expect([...actual].sort()).toEqual(expected);
  });

  it.each([
    { status: 'ON_LOAN', active: true },
    { status: 'LOST', active: true },
    { status: 'CLAIMED_RETURNED', active: true },
    { status: 'IN_TRANSIT_HOME', active: true },
    { status: 'RETURNED', active: false },
    { status: 'NOT_STARTED', active: false },
  ] as const)('a loan $status blocks the purge: $active', ({ status, active }) => {
    expect(LOAN_STATUSES).toContain(status);
    expect(ACTIVE_LOAN_STATUSES.includes(status)).toBe(active);
  });

  it.each([
    { status: 'PLACED', active: true },
    { status: 'IN_TRANSIT', active: true },
    { status: 'ON_HOLD_SHELF', active: true },
    { status: 'FULFILLED', active: false },
    { status: 'CANCELLED', active: false },
    { status: 'EXPIRED', active: false },
  ] as const)('a request $status is active: $active', ({ status, active }) => {
    expect(REQUEST_STATUSES).toContain(status);
    expect(ACTIVE_REQUEST_STATUSES.includes(status)).toBe(active);
  });
});

describe('toKey', () => {
  it.each([
    { value: 'JDoe', key: 'jdoe' },
    { value: 'jdoe', key: 'jdoe' },
    { value: '  JDOE  ', key: 'jdoe' },
    { value: 'UnderGrad', key: 'undergrad' },
    { value: 'LAW', key: 'law' },
    { value: 'Ünïcode', key: 'ünïcode' },
  ])('"$value" matches as "$key"', ({ value, key }) => {
    expect(toKey(value)).toBe(key);
  });
});

describe('tombstonePrimaryId', () => {
  it('is derived from the internal id only, so it carries nothing of the person', () => {
    expect(tombstonePrimaryId(42)).toBe(tombstonePrimaryId(42));
    expect(tombstonePrimaryId(42)).not.toBe(tombstonePrimaryId(43));
    expect(tombstonePrimaryId(42)).toContain('42');
  });
});
