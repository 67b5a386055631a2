/** Institution settings (SPEC.md section 2): the keys, their defaults, and which values are refused. */
import { describe, expect, it } from 'vitest';
import {
  DELETE_POLICIES,
  SETTING_DEFAULTS,
  SETTING_KEYS,
  isSettingKey,
  normaliseSetting,
  toSettings,
  type SettingKey,
} from '../../src/domain/settings.ts';

/** The table of SPEC.md section 2, key and default, literally. */
const SPEC_TABLE: Record<string, string> = {
  institution_name: 'Library',
  timezone: 'UTC',
  currency: 'USD',
  delete_policy: 'KEEP_STATISTICS_REMOVE_PRIMARY_ID',
  block_on_credit: 'true',
  block_on_requests: 'true',
  block_on_relationships: 'true',
  anonymisation_user: '',
  bulk_size: '1000',
  history_retention_days: '365',
  report_purged_users: 'true',
};

describe('setting keys and defaults', () => {
  it('has exactly the keys of SPEC.md section 2', () => {
    expect([...SETTING_KEYS].sort()).toEqual(Object.keys(SPEC_TABLE).sort());
  });

  it('has the defaults of SPEC.md section 2', () => {
    expect(SETTING_DEFAULTS).toEqual(SPEC_TABLE);
  });

  it.each([...Object.keys(SPEC_TABLE).map((key) => ({ key, expected: true })), { key: 'unknown_key', expected: false }, { key: 'Timezone', expected: false }, { key: '', expected: false }])(
    '"$key" is a setting key: $expected',
    ({ key, expected }) => {
      expect(isSettingKey(key)).toBe(expected);
    },
  );

  it('lists the four Delete User Policies of SPEC.md section 6', () => {
    expect([...DELETE_POLICIES].sort()).toEqual(['FULLY_REMOVE', 'KEEP_FULLY_REPORTABLE', 'KEEP_STATISTICS', 'KEEP_STATISTICS_REMOVE_PRIMARY_ID']);
  });

  it.each(Object.entries(SPEC_TABLE).filter(([key]) => key !== 'anonymisation_user' && key !== 'institution_name'))(
    'accepts the default of %s as a value',
    (key, value) => {
      expect(normaliseSetting(key as SettingKey, value)).toEqual({ ok: true, value });
    },
  );
});

describe('normaliseSetting: accepted values', () => {
  it.each<{ key: SettingKey; raw: string; value: string }>([
    { key: 'institution_name', raw: 'Springfield Public Library', value: 'Springfield Public Library' },
    { key: 'institution_name', raw: '  Library  ', value: 'Library' },
    { key: 'timezone', raw: 'UTC', value: 'UTC' },
    { key: 'timezone', raw: 'America/New_York', value: 'America/New_York' },
    { key: 'timezone', raw: 'Europe/Paris', value: 'Europe/Paris' },
    { key: 'timezone', raw: ' Europe/Paris ', value: 'Europe/Paris' },
    { key: 'currency', raw: 'USD', value: 'USD' },
    { key: 'currency', raw: 'usd', value: 'USD' },
    { key: 'currency', raw: 'Eur', value: 'EUR' },
    { key: 'currency', raw: 'jpy', value: 'JPY' },
    { key: 'currency', raw: ' bhd ', value: 'BHD' },
    { key: 'delete_policy', raw: 'KEEP_FULLY_REPORTABLE', value: 'KEEP_FULLY_REPORTABLE' },
    { key: 'delete_policy', raw: 'KEEP_STATISTICS', value: 'KEEP_STATISTICS' },
    { key: 'delete_policy', raw: 'KEEP_STATISTICS_REMOVE_PRIMARY_ID', value: 'KEEP_STATISTICS_REMOVE_PRIMARY_ID' },
    { key: 'delete_policy', raw: 'FULLY_REMOVE', value: 'FULLY_REMOVE' },
    { key: 'delete_policy', raw: 'fully_remove', value: 'FULLY_REMOVE' },
    { key: 'delete_policy', raw: 'Keep_Statistics', value: 'KEEP_STATISTICS' },
    { key: 'block_on_credit', raw: 'true', value: 'true' },
    { key: 'block_on_credit', raw: 'false', value: 'false' },
    { key: 'block_on_credit', raw: 'FALSE', value: 'false' },
    { key: 'block_on_requests', raw: 'False', value: 'false' },
    { key: 'block_on_requests', raw: 'TRUE', value: 'true' },
    { key: 'block_on_relationships', raw: 'false', value: 'false' },
    { key: 'block_on_relationships', raw: 'True', value: 'true' },
    { key: 'report_purged_users', raw: 'false', value: 'false' },
    { key: 'report_purged_users', raw: ' true ', value: 'true' },
    // Whether the user exists is checked by the caller, which can read users.
    { key: 'anonymisation_user', raw: '', value: '' },
    { key: 'anonymisation_user', raw: 'anon-placeholder', value: 'anon-placeholder' },
    { key: 'bulk_size', raw: '1', value: '1' },
    { key: 'bulk_size', raw: '1000', value: '1000' },
    { key: 'bulk_size', raw: '250', value: '250' },
    { key: 'bulk_size', raw: '0250', value: '250' },
    { key: 'history_retention_days', raw: '1', value: '1' },
    { key: 'history_retention_days', raw: '365', value: '365' },
    { key: 'history_retention_days', raw: '3650', value: '3650' },
  ])('$key "$raw" is stored as "$value"', ({ key, raw, value }) => {
    expect(normaliseSetting(key, raw)).toEqual({ ok: true, value });
  });
});

describe('normaliseSetting: refused values', () => {
  it.each<{ key: SettingKey; raw: string }>([
    { key: 'institution_name', raw: '' },
    { key: 'institution_name', raw: '   ' },
    { key: 'timezone', raw: 'Mars/Olympus_Mons' },
    { key: 'timezone', raw: 'Not a zone' },
    { key: 'timezone', raw: '' },
    { key: 'currency', raw: 'ZZZ' },
    { key: 'currency', raw: 'US' },
    { key: 'currency', raw: 'DOLLAR' },
    { key: 'currency', raw: '$' },
    { key: 'currency', raw: '' },
    { key: 'delete_policy', raw: 'DELETE_EVERYTHING' },
    { key: 'delete_policy', raw: 'KEEP' },
    { key: 'delete_policy', raw: '' },
    { key: 'block_on_credit', raw: 'maybe' },
    { key: 'block_on_credit', raw: '' },
    { key: 'block_on_requests', raw: 'maybe' },
    { key: 'block_on_relationships', raw: 'maybe' },
    { key: 'report_purged_users', raw: 'maybe' },
    { key: 'bulk_size', raw: '0' },
    { key: 'bulk_size', raw: '-1' },
    { key: 'bulk_size', raw: '-1000' },
    { key: 'bulk_size', raw: 'ten' },
    { key: 'bulk_size', raw: '1.5' },
    { key: 'bulk_size', raw: '1e3' },
    { key: 'bulk_size', raw: '' },
    { key: 'history_retention_days', raw: '-1' },
    { key: 'history_retention_days', raw: 'a year' },
    { key: 'history_retention_days', raw: '1.5' },
    { key: 'history_retention_days', raw: '' },
  ])('$key "$raw" is refused with a message naming the key', ({ key, raw }) => {
    const result = normaliseSetting(key, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(key);
  });
});

describe('toSettings', () => {
  it('gives the defaults of SPEC.md section 2 when nothing is stored', () => {
    expect(toSettings({})).toEqual({
      institutionName: 'Library',
      timezone: 'UTC',
      currency: 'USD',
      deletePolicy: 'KEEP_STATISTICS_REMOVE_PRIMARY_ID',
      blockOnCredit: true,
      blockOnRequests: true,
      blockOnRelationships: true,
      anonymisationUser: '',
      bulkSize: 1000,
      historyRetentionDays: 365,
      reportPurgedUsers: true,
    });
  });

  it('takes stored values and the defaults for the rest', () => {
    const settings = toSettings({
      timezone: 'America/New_York',
      currency: 'JPY',
      delete_policy: 'FULLY_REMOVE',
      block_on_credit: 'false',
      bulk_size: '50',
      report_purged_users: 'false',
    });
    expect(settings).toEqual({
      institutionName: 'Library',
      timezone: 'America/New_York',
      currency: 'JPY',
      deletePolicy: 'FULLY_REMOVE',
      blockOnCredit: false,
      blockOnRequests: true,
      blockOnRelationships: true,
      anonymisationUser: '',
      bulkSize: 50,
      historyRetentionDays: 365,
      reportPurgedUsers: false,
    });
  });

  it.each<{ key: 'block_on_credit' | 'block_on_requests' | 'block_on_relationships'; field: 'blockOnCredit' | 'blockOnRequests' | 'blockOnRelationships' }>([
    { key: 'block_on_credit', field: 'blockOnCredit' },
    { key: 'block_on_requests', field: 'blockOnRequests' },
    { key: 'block_on_relationships', field: 'blockOnRelationships' },
  ])('reads $key "false" as $field off and "true" as on', ({ key, field }) => {
    expect(toSettings({ [key]: 'false' })[field]).toBe(false);
    expect(toSettings({ [key]: 'true' })[field]).toBe(true);
  });
});

describe('bulk_size bounds', () => {
  it.each([
    ['10000', true],
    ['10001', false],
    ['1', true],
  ])('bulk_size %s valid: %s', async (value, valid) => {
    const { normaliseSetting } = await import('../../src/domain/settings.ts');
    expect(normaliseSetting('bulk_size', value).ok).toBe(valid);
  });
});
