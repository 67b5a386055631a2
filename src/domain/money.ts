/**
 * Money, SPEC.md section 2: an integer count of minor units of the institution's currency. Decimal
 * strings are parsed exactly; floating point never touches an amount.
 */

/** Result of parsing an amount: the minor units, or why the text is not an acceptable amount. */
export type MoneyParse = { ok: true; minor: number } | { ok: false; message: string };

/** True when `code` is an ISO 4217 currency code this runtime knows. */
export function isValidCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return Intl.supportedValuesOf('currency').includes(code);
}

// ISO 4217 minor units, fixed here rather than read from the runtime's locale data: that data differs
// from ISO 4217 for some currencies (HUF, IDR, IQD...) and may change with a Node upgrade, which would
// change the meaning of every stored amount.
const ZERO_DIGITS = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DIGITS = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
const FOUR_DIGITS = new Set(['CLF', 'UYW']);

/** Number of fraction digits of `currency` under ISO 4217 (USD 2, JPY 0, BHD 3). */
export function currencyDigits(currency: string): number {
  if (ZERO_DIGITS.has(currency)) return 0;
  if (THREE_DIGITS.has(currency)) return 3;
  if (FOUR_DIGITS.has(currency)) return 4;
  return 2;
}

/**
 * Parses a decimal amount exactly ("0.3" = "0.30" = 30 minor units with 2 digits). A JSON number is
 * read through its decimal string. Rejects more fraction digits than `digits`, a negative amount unless
 * `allowNegative`, and anything that is not a plain decimal number.
 */
export function parseMoney(value: unknown, digits: number, options: { allowNegative?: boolean } = {}): MoneyParse {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, message: 'is not a number' };
    text = String(value);
    if (/e/i.test(text)) return { ok: false, message: `${text} is not a plain decimal amount` };
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return { ok: false, message: 'is not an amount' };
  }
  const match = /^([+-]?)(\d+)(?:\.(\d*))?$|^([+-]?)\.(\d+)$/.exec(text);
  if (!match) return { ok: false, message: `"${text}" is not a decimal amount` };
  const sign = match[1] ?? match[4] ?? '';
  const whole = match[2] ?? '0';
  const fraction = match[3] ?? match[5] ?? '';
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > digits) {
    return { ok: false, message: `"${text}" has more than ${digits} fraction digit${digits === 1 ? '' : 's'}` };
  }
  const minorText = whole + trimmed.padEnd(digits, '0');
  const minor = Number(minorText);
  if (!Number.isSafeInteger(minor)) return { ok: false, message: `"${text}" is too large` };
  const signed = sign === '-' ? -minor : minor;
  if (signed < 0 && !options.allowNegative) return { ok: false, message: `"${text}" is negative` };
  return { ok: true, minor: signed === 0 ? 0 : signed };
}

/** Formats minor units as a decimal string with the currency's digits ("5.00", "-2.00"). */
export function formatMoney(minor: number, digits: number): string {
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const body = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${body}` : body;
}
