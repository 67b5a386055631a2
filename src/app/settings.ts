/** Use cases of institution settings. */
import { fail, type Result } from '../domain/errors.ts';
import { findInvalidSettings, isSettingKey, normaliseSetting, SETTING_DEFAULTS, SETTING_KEYS, toSettings, type SettingKey } from '../domain/settings.ts';
import { isValidCurrency } from '../domain/money.ts';
import { findLiveUser } from '../db/reference-store.ts';
import { appendAudit } from '../db/audit-store.ts';
import { inWriteTransaction } from '../db/connection.ts';
import { findStoredAmounts, readSettings, readStoredSettings, writeSetting } from '../db/settings-store.ts';
import type { Settings } from '../domain/settings.ts';
import type { AppContext } from './context.ts';

/** Every setting with its effective value. */
export async function getAllSettings(context: AppContext): Promise<Record<SettingKey, string>> {
  const stored = await readStoredSettings(context.db.kysely);
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, stored[key] ?? SETTING_DEFAULTS[key]])) as Record<SettingKey, string>;
}

/** One setting's effective value. */
export async function getSetting(context: AppContext, key: string): Promise<Result<{ key: SettingKey; value: string }>> {
  if (!isSettingKey(key)) return fail('UNKNOWN_FIELD', `unknown setting "${key}"; known settings: ${SETTING_KEYS.join(', ')}`);
  const all = await getAllSettings(context);
  return { ok: true, key, value: all[key] };
}

/** Validates and stores one setting, with an audit entry; an invalid value changes nothing. */
export async function setSetting(context: AppContext, key: string, raw: string, actor: string): Promise<Result<{ key: SettingKey; value: string }>> {
  if (!isSettingKey(key)) return fail('UNKNOWN_FIELD', `unknown setting "${key}"; known settings: ${SETTING_KEYS.join(', ')}`);
  const normalised = normaliseSetting(key, raw);
  if (!normalised.ok) return fail('VALIDATION_FAILED', normalised.message);
  const value = normalised.value;
  const now = context.clock.now().toISOString();
  return inWriteTransaction(context.db, async (trx) => {
    if (key === 'anonymisation_user' && value !== '') {
      const user = await findLiveUser(trx, value);
      if (!user) return fail('NOT_FOUND', `anonymisation_user "${value}" is not an existing user`);
    }
    const before = (await readStoredSettings(trx))[key] ?? SETTING_DEFAULTS[key];
    // Amounts are stored as minor units of the currency: under another currency every fee, past report
    // and queued threshold would be read with other fraction digits (500 cents becoming 500 yen). A stored
    // value that is no currency at all (written by hand) gives them no meaning to keep, so it may be fixed.
    if (key === 'currency' && value !== before && isValidCurrency(before)) {
      const stored = await findStoredAmounts(trx);
      if (stored.fees || stored.jobs) {
        const holders = [stored.fees ? 'fee lines' : '', stored.jobs ? 'jobs' : ''].filter(Boolean).join(' and ');
        return fail(
          'VALIDATION_FAILED',
          `currency cannot change from ${before} to ${value}: the database already holds amounts in ${before} (${holders}), and they would be rescaled; set currency before importing fees or running jobs`,
        );
      }
    }
    await writeSetting(trx, key, value, now);
    await appendAudit(trx, [{ at: now, actor, action: 'SETTING_CHANGED', details: { key, from: before, to: value } }]);
    return { ok: true as const, key, value };
  });
}

/** The effective settings as the rules use them. */
export async function currentSettings(context: AppContext): Promise<Settings> {
  return readSettings(context.db.kysely);
}

/** The settings, or a failure naming every stored value that is invalid (what needs "today" cannot run on a broken clock). */
export async function readValidSettings(context: AppContext): Promise<Result<{ settings: Settings }>> {
  const stored = await readStoredSettings(context.db.kysely);
  const invalid = findInvalidSettings(stored);
  if (invalid.length > 0) return fail('VALIDATION_FAILED', invalid.join('; '));
  return { ok: true, settings: toSettings(stored) };
}
