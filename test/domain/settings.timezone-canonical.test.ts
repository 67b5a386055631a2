/** The timezone setting is stored by its canonical IANA name, whatever spelling was typed. */
import { describe, expect, it } from 'vitest';
import { normaliseSetting } from '../../src/domain/settings.ts';

describe('normaliseSetting: timezone is stored canonical', () => {
  it.each([
    { raw: 'america/new_york', value: 'America/New_York' },
    { raw: 'AMERICA/NEW_YORK', value: 'America/New_York' },
    { raw: ' europe/paris ', value: 'Europe/Paris' },
    { raw: 'utc', value: 'UTC' },
    { raw: 'UTC', value: 'UTC' },
  ])('"$raw" is stored as "$value"', ({ raw, value }) => {
    expect(normaliseSetting('timezone', raw)).toEqual({ ok: true, value });
  });

  it('still refuses a zone that does not exist, naming the text as typed', () => {
    expect(normaliseSetting('timezone', 'mars/olympus')).toEqual({ ok: false, message: 'timezone "mars/olympus" is not a known IANA time zone' });
  });
});
