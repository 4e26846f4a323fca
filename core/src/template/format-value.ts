/**
 * Parsing and formatting of template values: ISO 8601 calendar dates, decimal numbers (with exact
 * decimal rounding, so money never picks up binary floating-point errors) and amounts in Chinese
 * capital numerals (大写金额, as the PBOC rules for bills write them).
 */
import type { NumberFormat } from './template-definition.js';

/** A calendar date. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Parses an ISO 8601 calendar date `YYYY-MM-DD` (ISO 8601-1 §5.2.2.1); undefined when it is not a real date. */
export function parseIsoDate(value: string): CalendarDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days || year < 1) return undefined;
  return { year, month, day };
}

/** Writes a date with the tokens YYYY, MM, M, DD and D; default `YYYY年MM月DD日`. */
export function formatDate(d: CalendarDate, format = 'YYYY年MM月DD日'): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return format.replace(/YYYY|MM|M|DD|D/g, (t) => {
    switch (t) {
      case 'YYYY': return String(d.year).padStart(4, '0');
      case 'MM': return p2(d.month);
      case 'M': return String(d.month);
      case 'DD': return p2(d.day);
      default: return String(d.day);
    }
  });
}

/** A decimal number kept as digits: sign, integer digits and fraction digits. */
export interface Decimal {
  negative: boolean;
  int: string;
  frac: string;
}

/**
 * Parses a JSON number or a decimal string (`-1234.5`, no exponent, no separators) exactly;
 * undefined when it is not one.
 */
export function parseDecimal(value: unknown): Decimal | undefined {
  let s: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    s = String(value);
    if (/e/i.test(s)) s = Math.abs(value) < 1 ? value.toFixed(20) : BigInt(Math.trunc(value)).toString();
  } else if (typeof value === 'string') s = value.trim();
  else return undefined;
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(s) ?? /^([+-]?)()\.(\d+)$/.exec(s);
  if (!m) return undefined;
  const int = m[2].replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const negative = m[1] === '-' && (/[1-9]/.test(int) || /[1-9]/.test(frac));
  return { negative, int, frac };
}

/** The decimal as a JavaScript number (for range checks). */
export function decimalToNumber(d: Decimal): number {
  return Number(`${d.negative ? '-' : ''}${d.int}.${d.frac || '0'}`);
}

/** Rounds half away from zero to `decimals` fraction digits, exactly on the digits. */
export function roundDecimal(d: Decimal, decimals: number): Decimal {
  if (d.frac.length <= decimals) return { ...d, frac: d.frac.padEnd(decimals, '0') };
  const keep = d.int + d.frac.slice(0, decimals);
  const up = d.frac.charCodeAt(decimals) >= 0x35; // '5'
  let digits = keep;
  if (up) {
    const a = digits.split('');
    let i = a.length - 1;
    while (i >= 0) {
      if (a[i] === '9') { a[i] = '0'; i--; } else { a[i] = String(Number(a[i]) + 1); break; }
    }
    digits = (i < 0 ? '1' : '') + a.join('');
  }
  const int = digits.slice(0, digits.length - decimals).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits.slice(digits.length - decimals);
  const negative = d.negative && /[1-9]/.test(int + frac);
  return { negative, int, frac };
}

/** Writes a number as the format asks: decimals, thousands separator, prefix and suffix, or capital numerals. */
export function formatNumberValue(d: Decimal, format: NumberFormat = {}): string {
  let body: string;
  if (format.style === 'rmb-upper') body = rmbUpper(d);
  else {
    const r = format.decimals === undefined ? { ...d, frac: d.frac.slice(0, 10) } : roundDecimal(d, format.decimals);
    const sep = format.thousands === true ? ',' : typeof format.thousands === 'string' ? format.thousands : '';
    const int = sep ? r.int.replace(/\B(?=(\d{3})+(?!\d))/g, sep) : r.int;
    body = `${r.negative ? '-' : ''}${int}${r.frac ? '.' + r.frac : ''}`;
  }
  return `${format.prefix ?? ''}${body}${format.suffix ?? ''}`;
}

/** The largest amount {@link rmbUpper} writes: below 10^16 yuan (万亿 is the largest unit used). */
export const RMB_UPPER_MAX_DIGITS = 16;

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS = ['仟', '佰', '拾', ''];
const GROUP_UNITS = ['', '万', '亿', '万亿'];

/**
 * Writes an amount in yuan as Chinese capital numerals, rounded to the fen: 10500 → 壹万零伍佰元整,
 * 0.05 → 伍分, 12.3 → 壹拾贰元叁角. Amounts with more than {@link RMB_UPPER_MAX_DIGITS} integer digits are not written.
 */
export function rmbUpper(d: Decimal): string {
  const r = roundDecimal(d, 2);
  if (r.int.length > RMB_UPPER_MAX_DIGITS) throw new RangeError(`amount has more than ${RMB_UPPER_MAX_DIGITS} integer digits`);
  const jiao = Number(r.frac[0]);
  const fen = Number(r.frac[1]);
  let yuan = '';
  if (r.int !== '0') {
    const groups: string[] = [];
    for (let end = r.int.length; end > 0; end -= 4) groups.unshift(r.int.slice(Math.max(0, end - 4), end));
    let pendingZero = false;
    groups.forEach((g, i) => {
      const unit = GROUP_UNITS[groups.length - 1 - i];
      const padded = g.padStart(4, '0');
      if (/^0+$/.test(padded)) {
        if (yuan) pendingZero = true;
        return;
      }
      if (yuan && (pendingZero || padded[0] === '0')) yuan += '零';
      pendingZero = false;
      let zero = false;
      let part = '';
      for (let k = 0; k < 4; k++) {
        const digit = Number(padded[k]);
        if (digit === 0) { if (part) zero = true; continue; }
        if (zero) { part += '零'; zero = false; }
        part += DIGITS[digit] + SMALL_UNITS[k];
      }
      yuan += part + unit;
      // Zeros at the end of a group lead to a 零 before the next non-zero group.
      if (/0$/.test(padded)) pendingZero = true;
    });
    yuan += '元';
  }
  let out = yuan;
  if (jiao === 0 && fen === 0) out = yuan ? yuan + '整' : '零元整';
  else {
    if (jiao > 0) out += DIGITS[jiao] + '角';
    else if (yuan) out += '零';
    if (fen > 0) out += DIGITS[fen] + '分';
  }
  return (r.negative ? '负' : '') + out;
}
