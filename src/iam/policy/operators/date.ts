/**
 * Date operators. Values: ISO 8601 / RFC 3339 (date, or date-time with optional fraction and
 * zone; no zone means UTC) or epoch seconds (aws:EpochTime). Compared as milliseconds.
 */
import { comparisonFamily } from './numeric.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

export function parseDate(s: string): number | undefined {
  if (/^\d{1,12}$/.test(s)) return Number(s) * 1000;
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = 'Z'] = m;
  const ms = frac === '' ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  const check = new Date(0);
  check.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  check.setUTCHours(Number(h), Number(mi), Number(sec), ms);
  const base = check.getTime();
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) {
    return undefined;
  }
  if (zone === 'Z' || zone === 'z') return base;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offH = Number(digits.slice(0, 2));
  const offM = Number(digits.slice(2));
  if (offH > 23 || offM > 59) return undefined;
  return base - sign * (offH * 60 + offM) * 60_000;
}

export const DATE_OPERATORS = comparisonFamily('Date', parseDate, 'a date (ISO 8601 or epoch seconds)');
