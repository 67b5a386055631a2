/**
 * Money (SPEC.md section 2): integer minor units of an ISO 4217 currency, decimal strings parsed exactly,
 * floating point never touching an amount. Expected values come from the SPEC and ISO 4217.
 */
import { describe, expect, it } from 'vitest';
import { currencyDigits, formatMoney, isValidCurrency, parseMoney } from '../../src/domain/money.ts';

describe('parseMoney: accepted amounts', () => {
  it.each<{ name: string; input: unknown; digits: number; allowNegative?: boolean; minor: number }>([
    { name: '"0.3" with 2 digits', input: '0.3', digits: 2, minor: 30 },
    { name: '"0.30" with 2 digits', input: '0.30', digits: 2, minor: 30 },
    { name: 'the JSON number 0.3 through its decimal string', input: 0.3, digits: 2, minor: 30 },
    { name: '"5" with 2 digits', input: '5', digits: 2, minor: 500 },
    { name: 'the JSON number 5', input: 5, digits: 2, minor: 500 },
    { name: '"5.00" with 2 digits', input: '5.00', digits: 2, minor: 500 },
    { name: '"0" with 2 digits', input: '0', digits: 2, minor: 0 },
    { name: '"0.01", one minor unit', input: '0.01', digits: 2, minor: 1 },
    { name: '"4.99" (C02)', input: '4.99', digits: 2, minor: 499 },
    { name: '"5.01" (C02)', input: '5.01', digits: 2, minor: 501 },
    { name: '"12.50" (C03)', input: '12.50', digits: 2, minor: 1_250 },
    // A float multiplied by 100 gives 1998.9999999999998 here; the decimal string gives 1999.
    { name: 'the JSON number 19.99 exactly', input: 19.99, digits: 2, minor: 1_999 },
    { name: 'the JSON number 1.1 exactly', input: 1.1, digits: 2, minor: 110 },
    { name: '" 5.00 " with surrounding whitespace', input: ' 5.00 ', digits: 2, minor: 500 },
    { name: '"5" with 0 digits (JPY)', input: '5', digits: 0, minor: 5 },
    { name: '"1500" with 0 digits (JPY)', input: '1500', digits: 0, minor: 1_500 },
    { name: '"1.234" with 3 digits (BHD)', input: '1.234', digits: 3, minor: 1_234 },
    { name: '"0.5" with 3 digits (BHD)', input: '0.5', digits: 3, minor: 500 },
    { name: 'the JSON number 0.001 with 3 digits (BHD)', input: 0.001, digits: 3, minor: 1 },
    { name: '"-5.00" with allowNegative', input: '-5.00', digits: 2, allowNegative: true, minor: -500 },
    { name: '"-0.3" with allowNegative', input: '-0.3', digits: 2, allowNegative: true, minor: -30 },
    { name: 'the JSON number -2 with allowNegative', input: -2, digits: 2, allowNegative: true, minor: -200 },
    { name: '"-0" is zero, not a negative amount', input: '-0', digits: 2, minor: 0 },
    { name: 'the JSON number -0 is zero', input: -0, digits: 2, minor: 0 },
    { name: 'the largest safe count of minor units', input: '90071992547409.91', digits: 2, minor: Number.MAX_SAFE_INTEGER },
  ])('accepts $name', ({ input, digits, allowNegative, minor }) => {
    expect(parseMoney(input, digits, { allowNegative: allowNegative ?? false })).toEqual({ ok: true, minor });
  });
});

describe('parseMoney: refused amounts', () => {
  it.each<{ name: string; input: unknown; digits: number; allowNegative?: boolean }>([
    { name: '"5.001", three fraction digits with 2', input: '5.001', digits: 2 },
    { name: 'the JSON number 1.005 with 2 digits', input: 1.005, digits: 2 },
    // 0.1 + 0.2 is 0.30000000000000004: the float's own digits, not 30.
    { name: 'a float result 0.1 + 0.2 with 2 digits', input: 0.1 + 0.2, digits: 2 },
    { name: '"5.5" with 0 digits (JPY)', input: '5.5', digits: 0 },
    { name: '"0.01" with 0 digits (JPY)', input: '0.01', digits: 0 },
    { name: '"1.2345" with 3 digits (BHD)', input: '1.2345', digits: 3 },
    { name: '"-5.00" without allowNegative', input: '-5.00', digits: 2 },
    { name: '"-0.01" without allowNegative', input: '-0.01', digits: 2 },
    { name: 'the JSON number -2 without allowNegative', input: -2, digits: 2 },
    { name: '"abc"', input: 'abc', digits: 2 },
    { name: 'the empty string', input: '', digits: 2 },
    { name: 'a blank string', input: '   ', digits: 2 },
    { name: '"1e3", exponent notation', input: '1e3', digits: 2 },
    { name: 'the JSON number 1e21 (String gives "1e+21")', input: 1e21, digits: 2 },
    { name: '"1,00", a decimal comma', input: '1,00', digits: 2 },
    { name: '"1,000.00", a thousands separator', input: '1,000.00', digits: 2 },
    { name: '"$5.00", a currency sign', input: '$5.00', digits: 2 },
    { name: '"5.00 USD", a currency code', input: '5.00 USD', digits: 2 },
    { name: '"5..0"', input: '5..0', digits: 2 },
    { name: '"--5"', input: '--5', digits: 2, allowNegative: true },
    { name: '"0x10", hexadecimal', input: '0x10', digits: 2 },
    { name: '"Infinity"', input: 'Infinity', digits: 2 },
    { name: '"NaN"', input: 'NaN', digits: 2 },
    { name: 'the number NaN', input: Number.NaN, digits: 2 },
    { name: 'the number Infinity', input: Number.POSITIVE_INFINITY, digits: 2 },
    { name: 'null', input: null, digits: 2 },
    { name: 'undefined', input: undefined, digits: 2 },
    { name: 'a boolean', input: true, digits: 2 },
    { name: 'an object', input: { amount: 5 }, digits: 2 },
    { name: 'one minor unit more than the largest safe integer', input: '90071992547409.92', digits: 2 },
    { name: 'a huge amount', input: '99999999999999999999', digits: 2 },
    { name: 'a huge amount with 0 digits', input: '123456789012345678901234567890', digits: 0 },
  ])('refuses $name', ({ input, digits, allowNegative }) => {
    const result = parseMoney(input, digits, { allowNegative: allowNegative ?? false });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toBe('');
  });
});

describe('formatMoney', () => {
  it.each([
    { minor: 0, digits: 2, expected: '0.00' },
    { minor: 5, digits: 2, expected: '0.05' },
    { minor: 500, digits: 2, expected: '5.00' },
    { minor: -200, digits: 2, expected: '-2.00' },
    { minor: -5, digits: 2, expected: '-0.05' },
    { minor: 1_234_567, digits: 2, expected: '12345.67' },
    { minor: 0, digits: 0, expected: '0' },
    { minor: 5, digits: 0, expected: '5' },
    { minor: -200, digits: 0, expected: '-200' },
    { minor: 1_234_567, digits: 0, expected: '1234567' },
    { minor: 0, digits: 3, expected: '0.000' },
    { minor: 5, digits: 3, expected: '0.005' },
    { minor: -200, digits: 3, expected: '-0.200' },
    { minor: 1_234_567, digits: 3, expected: '1234.567' },
  ])('shows $minor minor units with $digits digits as "$expected"', ({ minor, digits, expected }) => {
    expect(formatMoney(minor, digits)).toBe(expected);
  });

  it.each([
    { minor: 0, digits: 2 },
    { minor: 1, digits: 2 },
    { minor: -1, digits: 2 },
    { minor: 1_234_567, digits: 0 },
    { minor: -1_234_567, digits: 3 },
    { minor: Number.MAX_SAFE_INTEGER, digits: 2 },
  ])('parses back what it shows: $minor with $digits digits', ({ minor, digits }) => {
    expect(parseMoney(formatMoney(minor, digits), digits, { allowNegative: true })).toEqual({ ok: true, minor });
  });
});

describe('currencyDigits (ISO 4217 minor units)', () => {
  // SPEC.md section 2: "ISO 4217; the number of fraction digits comes from the currency". The expected
  // digits are the minor units of the ISO 4217 list, not of any runtime's locale data: stored amounts are
  // integer minor units, so the digits must not change with the Node or ICU version.
  it.each([
    { currency: 'USD', digits: 2 },
    { currency: 'EUR', digits: 2 },
    { currency: 'GBP', digits: 2 },
    { currency: 'CAD', digits: 2 },
    { currency: 'JPY', digits: 0 },
    { currency: 'KRW', digits: 0 },
    { currency: 'ISK', digits: 0 },
    { currency: 'CLP', digits: 0 },
    { currency: 'BHD', digits: 3 },
    { currency: 'KWD', digits: 3 },
    { currency: 'JOD', digits: 3 },
    { currency: 'OMR', digits: 3 },
    { currency: 'TND', digits: 3 },
    { currency: 'LYD', digits: 3 },
    { currency: 'IQD', digits: 3 },
    { currency: 'RSD', digits: 2 },
    { currency: 'HUF', digits: 2 },
    { currency: 'IDR', digits: 2 },
    { currency: 'COP', digits: 2 },
    { currency: 'PKR', digits: 2 },
  ])('$currency has $digits fraction digits', ({ currency, digits }) => {
    expect(currencyDigits(currency)).toBe(digits);
  });

  it.each([
    { input: '5.5', currency: 'JPY', ok: false },
    { input: '5', currency: 'JPY', ok: true },
    { input: '1.234', currency: 'BHD', ok: true },
    { input: '1.234', currency: 'USD', ok: false },
  ])('with the digits of $currency, "$input" is accepted: $ok', ({ input, currency, ok }) => {
    expect(parseMoney(input, currencyDigits(currency)).ok).toBe(ok);
  });
});

describe('isValidCurrency', () => {
  it.each([
    { code: 'USD', expected: true },
    { code: 'EUR', expected: true },
    { code: 'JPY', expected: true },
    { code: 'BHD', expected: true },
    { code: 'ZZZ', expected: false },
    { code: 'US', expected: false },
    { code: 'USDX', expected: false },
    { code: 'US1', expected: false },
    { code: '', expected: false },
    { code: 'usd', expected: false },
  ])('"$code" is an ISO 4217 code: $expected', ({ code, expected }) => {
    expect(isValidCurrency(code)).toBe(expected);
  });
});
