/** Institution settings (SPEC.md section 2): keys, defaults and validation. */
import { isValidTimeZone } from './calendar-date.ts';
import { isValidCurrency } from './money.ts';

/** The Delete User Policy values (SPEC.md section 6). */
export const DELETE_POLICIES = [
  'KEEP_FULLY_REPORTABLE',
  'KEEP_STATISTICS',
  'KEEP_STATISTICS_REMOVE_PRIMARY_ID',
  'FULLY_REMOVE',
] as const;
export type DeletePolicy = (typeof DELETE_POLICIES)[number];

/** Settings as the rules use them. */
export interface Settings {
  institutionName: string;
  timezone: string;
  currency: string;
  deletePolicy: DeletePolicy;
  blockOnCredit: boolean;
  blockOnRequests: boolean;
  blockOnRelationships: boolean;
  /** Primary id of the placeholder account, or '' when the institution keeps none. */
  anonymisationUser: string;
  bulkSize: number;
  historyRetentionDays: number;
  reportPurgedUsers: boolean;
}

/** The setting keys as written in the CLI, the API and the configuration file. */
export const SETTING_KEYS = [
  'institution_name',
  'timezone',
  'currency',
  'delete_policy',
  'block_on_credit',
  'block_on_requests',
  'block_on_relationships',
  'anonymisation_user',
  'bulk_size',
  'history_retention_days',
  'report_purged_users',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Default value of each setting, as its stored text. */
export const SETTING_DEFAULTS: Record<SettingKey, string> = {
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

/** True when `key` is a setting key. */
export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

/**
 * Normalises and validates one value. Returns the text to store, or a message naming what is wrong.
 * (Whether `anonymisation_user` names an existing user is checked by the caller, which can read users.)
 */
export function normaliseSetting(key: SettingKey, raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const value = raw.trim();
  const bool = () => {
    const v = value.toLowerCase();
    return v === 'true' || v === 'false' ? { ok: true as const, value: v } : { ok: false as const, message: `${key} must be true or false, not "${raw}"` };
  };
  const wholeNumber = (min: number, max: number) =>
    /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max
      ? { ok: true as const, value: String(Number(value)) }
      : { ok: false as const, message: `${key} must be a whole number from ${min} to ${max}, not "${raw}"` };
  switch (key) {
    case 'institution_name':
      return value === '' || value.length > 200
        ? { ok: false, message: 'institution_name must be 1 to 200 characters' }
        : { ok: true, value };
    case 'timezone':
      // Stored by its canonical IANA name ("america/new_york" is America/New_York), as every reader of
      // the setting shows it; Intl matches zone names case-insensitively.
      return isValidTimeZone(value)
        ? { ok: true, value: new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone }
        : { ok: false, message: `timezone "${raw}" is not a known IANA time zone` };
    case 'currency': {
      const code = value.toUpperCase();
      return isValidCurrency(code) ? { ok: true, value: code } : { ok: false, message: `currency "${raw}" is not an ISO 4217 code` };
    }
    case 'delete_policy': {
      const policy = value.toUpperCase();
      return (DELETE_POLICIES as readonly string[]).includes(policy)
        ? { ok: true, value: policy }
        : { ok: false, message: `delete_policy must be one of ${DELETE_POLICIES.join(', ')}, not "${raw}"` };
    }
    case 'block_on_credit':
    case 'block_on_requests':
    case 'block_on_relationships':
    case 'report_purged_users':
      return bool();
    case 'anonymisation_user':
      return { ok: true, value };
    case 'bulk_size':
      // One bulk's ids are bound as parameters of a few statements: 10,000 stays well inside the limits
      // of both engines, and PERFORMANCE.md finds nothing to gain past 5,000.
      return wholeNumber(1, 10_000);
    case 'history_retention_days':
      return wholeNumber(1, 36_500);
  }
}

/**
 * Messages for stored values that are not valid (a database written by hand or by another version):
 * a job that would run with them FAILS instead of running on a wrong clock or currency.
 */
export function findInvalidSettings(stored: Partial<Record<SettingKey, string>>): string[] {
  const problems: string[] = [];
  for (const key of SETTING_KEYS) {
    const value = stored[key];
    if (value === undefined) continue;
    const checked = normaliseSetting(key, value);
    if (!checked.ok) problems.push(`stored setting ${checked.message}; correct it with: settings set ${key} VALUE`);
  }
  return problems;
}

/** Builds Settings from stored texts (missing keys take their defaults). */
export function toSettings(stored: Partial<Record<SettingKey, string>>): Settings {
  const get = (key: SettingKey) => stored[key] ?? SETTING_DEFAULTS[key];
  return {
    institutionName: get('institution_name'),
    timezone: get('timezone'),
    currency: get('currency'),
    deletePolicy: get('delete_policy') as DeletePolicy,
    blockOnCredit: get('block_on_credit') === 'true',
    blockOnRequests: get('block_on_requests') === 'true',
    blockOnRelationships: get('block_on_relationships') === 'true',
    anonymisationUser: get('anonymisation_user'),
    bulkSize: Number(get('bulk_size')),
    historyRetentionDays: Number(get('history_retention_days')),
    reportPurgedUsers: get('report_purged_users') === 'true',
  };
}
