/**
 * Amounts are stored in minor units of the institution currency (SPEC.md section 2), so the currency
 * cannot change once any amount is stored: a fee line, or a job (its waive threshold, its report).
 * The refusal changes nothing and says why; setting the same currency again is fine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPurgeJob } from '../../src/app/purge-jobs.ts';
import { getSetting, setSetting } from '../../src/app/settings.ts';
import { fee, openTestApp, seed, testDatabases, user, type TestApp } from '../helpers/test-app.ts';

const NOW = '2025-06-01T10:00:00Z';

describe.each(testDatabases())('on %s', (database) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const auditedChanges = async (a: TestApp) =>
    (await a.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'SETTING_CHANGED').execute()).length;

  it('an empty database may change its currency', async () => {
    app = await openTestApp(NOW, {}, database);
    expect(await setSetting(app, 'currency', 'jpy', 'test')).toEqual({ ok: true, key: 'currency', value: 'JPY' });
    expect(await setSetting(app, 'currency', 'EUR', 'test')).toEqual({ ok: true, key: 'currency', value: 'EUR' });
  });

  it('once a fee line exists, a change is refused with the reason and nothing changes', async () => {
    app = await openTestApp(NOW, { currency: 'USD' }, database);
    await seed(app, { users: [user('U1')], fees: [fee('U1', 500)] });
    const audited = await auditedChanges(app);

    const refused = await setSetting(app, 'currency', 'JPY', 'test');
    expect(refused).toEqual({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringContaining('currency cannot change from USD to JPY') });
    expect(refused.ok ? '' : refused.message).toContain('fee lines');
    expect(await getSetting(app, 'currency')).toEqual({ ok: true, key: 'currency', value: 'USD' });
    expect(await auditedChanges(app)).toBe(audited);

    // The same currency again (in any case) is not a change.
    expect(await setSetting(app, 'currency', 'usd', 'test')).toEqual({ ok: true, key: 'currency', value: 'USD' });
  });

  it('once a job exists (even without fees), a change is refused', async () => {
    app = await openTestApp(NOW, {}, database);
    const created = await createPurgeJob(app, { waiveThreshold: '5.00' }, 'test');
    expect(created.ok).toBe(true);
    const refused = await setSetting(app, 'currency', 'JPY', 'test');
    expect(refused).toEqual({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringContaining('jobs') });
    expect(await getSetting(app, 'currency')).toEqual({ ok: true, key: 'currency', value: 'USD' });
  });

  it('a stored currency that is no currency at all may still be fixed', async () => {
    app = await openTestApp(NOW, {}, database);
    await seed(app, { users: [user('U1')], fees: [fee('U1', 500)] });
    // No command stores an invalid value; a database written by hand can hold one.
    await app.db.kysely.insertInto('settings').values({ key: 'currency', value: 'XYZ', updated_at: NOW }).execute();
    expect(await setSetting(app, 'currency', 'USD', 'test')).toEqual({ ok: true, key: 'currency', value: 'USD' });
  });
});
