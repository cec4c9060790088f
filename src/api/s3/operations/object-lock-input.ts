/**
 * Object Lock on the wire: the x-amz-object-lock-* write headers, the ObjectLockConfiguration,
 * Retention and LegalHold documents, and ISO 8601 dates. Protects: the retention a write asks
 * for is exactly what the client sent — an unknown mode, a half-given retention, a date that does
 * not parse or is not in the future is refused (InvalidArgument / MalformedXML), never guessed.
 * Pure functions: bodies arrive capped and verified (verified-body.ts), `now` is the server's
 * admission time. Values are case-sensitive as in AWS (GOVERNANCE|COMPLIANCE, ON|OFF, Enabled).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../core/index.js';
import type { DefaultRetentionRule, ObjectLockMode, ObjectLockRequest, ObjectRetention } from '../../../storage/ports.js';
import { parseXml, S3_XMLNS, type XmlElement } from '../../common/xml/index.js';

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})$/;
const MAX_DAYS = 36500;
const MAX_YEARS = 100;
const DAY_MS = 86_400_000;

/** An ISO 8601 date-time with Z or an offset ("2030-01-01T00:00:00.000Z", "…T02:00:00+02:00"); undefined if not one. */
export function parseIsoDate(text: string): Date | undefined {
  const m = ISO_8601.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined; // 2030-02-30
  let offset = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offset = (digits.startsWith('-') ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const date = new Date(utc - offset);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function isLockMode(value: string): value is ObjectLockMode {
  return value === 'GOVERNANCE' || value === 'COMPLIANCE';
}

/** Whole days left until `until`, rounded up (s3:object-lock-remaining-retention-days); 0 when past. */
export function remainingRetentionDays(until: Date, now: Date): number {
  return Math.max(0, Math.ceil((until.getTime() - now.getTime()) / DAY_MS));
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw invalid(`Multiple ${name} headers are not allowed.`, name, value.join(','));
  return value;
}

function invalid(message: string, name: string, value: string): AppError {
  return new AppError('InvalidArgument', { message, fields: { ArgumentName: name, ArgumentValue: value } });
}

/** The lock a write asks for (PutObject, CopyObject, CreateMultipartUpload); undefined: no lock header. */
export function lockRequestOf(headers: IncomingHttpHeaders, now: Date): ObjectLockRequest | undefined {
  const mode = single(headers, 'x-amz-object-lock-mode');
  const until = single(headers, 'x-amz-object-lock-retain-until-date');
  const hold = single(headers, 'x-amz-object-lock-legal-hold');
  if (mode === undefined && until === undefined && hold === undefined) return undefined;
  const out: ObjectLockRequest = {};
  if (mode !== undefined || until !== undefined) {
    if (mode === undefined || until === undefined) {
      const missing = mode === undefined ? 'x-amz-object-lock-mode' : 'x-amz-object-lock-retain-until-date';
      throw invalid('x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied', missing, '');
    }
    if (!isLockMode(mode)) throw invalid('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
    const retainUntil = parseIsoDate(until);
    if (retainUntil === undefined) throw invalid('The retain until date is not a valid ISO 8601 date.', 'x-amz-object-lock-retain-until-date', until);
    if (retainUntil.getTime() <= now.getTime()) throw invalid('The retain until date must be in the future!', 'x-amz-object-lock-retain-until-date', until);
    out.retention = { mode, retainUntil };
  }
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF') throw invalid("Legal Hold must be either of 'ON' or 'OFF'", 'x-amz-object-lock-legal-hold', hold);
    out.legalHold = hold;
  }
  return out;
}

function root(body: Buffer, name: string): XmlElement {
  if (body.length === 0) throw new AppError('MalformedXML');
  const doc = parseXml(body);
  if (doc.name !== name || (doc.namespace !== '' && doc.namespace !== S3_XMLNS)) throw new AppError('MalformedXML');
  return doc;
}

/** The text of the only `name` child (a leaf), undefined when absent; anything else is MalformedXML. */
function leaf(element: XmlElement, name: string): string | undefined {
  const found = element.children.filter((c) => c.name === name);
  if (found.length > 1) throw new AppError('MalformedXML');
  const only = found[0];
  if (only === undefined) return undefined;
  if (only.children.length > 0) throw new AppError('MalformedXML');
  return only.text.trim();
}

function onlyChildren(element: XmlElement, allowed: readonly string[]): void {
  if (element.children.some((c) => !allowed.includes(c.name))) throw new AppError('MalformedXML');
}

function period(text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[+-]?\d{1,12}$/.test(text)) throw new AppError('MalformedXML');
  const value = Number(text);
  if (value <= 0) throw new AppError('InvalidRetentionPeriod');
  if (value > max) throw new AppError('InvalidRetentionPeriod', { message: `Default retention period too large. Maximum is ${max === MAX_DAYS ? `${MAX_DAYS} days` : `${MAX_YEARS} years`}.` });
  return value;
}

/** PutObjectLockConfiguration's document: the default rule, or undefined for a configuration without Rule. */
export function parseObjectLockConfiguration(body: Buffer): DefaultRetentionRule | undefined {
  const doc = root(body, 'ObjectLockConfiguration');
  onlyChildren(doc, ['ObjectLockEnabled', 'Rule']);
  if (leaf(doc, 'ObjectLockEnabled') !== 'Enabled') throw new AppError('MalformedXML');
  const rules = doc.children.filter((c) => c.name === 'Rule');
  if (rules.length > 1) throw new AppError('MalformedXML');
  const rule = rules[0];
  if (rule === undefined) return undefined;
  onlyChildren(rule, ['DefaultRetention']);
  const defaults = rule.children;
  if (defaults.length !== 1 || defaults[0] === undefined) throw new AppError('MalformedXML');
  const retention = defaults[0];
  onlyChildren(retention, ['Mode', 'Days', 'Years']);
  const mode = leaf(retention, 'Mode');
  if (mode === undefined || !isLockMode(mode)) throw new AppError('MalformedXML');
  const daysText = leaf(retention, 'Days');
  const yearsText = leaf(retention, 'Years');
  if ((daysText === undefined) === (yearsText === undefined)) throw new AppError('MalformedXML');
  const days = period(daysText, MAX_DAYS);
  const years = period(yearsText, MAX_YEARS);
  return days !== undefined ? { mode, days } : { mode, years };
}

/** PutObjectRetention's document: the retention, or undefined when both Mode and RetainUntilDate are absent (remove). */
export function parseRetention(body: Buffer): ObjectRetention | undefined {
  const doc = root(body, 'Retention');
  onlyChildren(doc, ['Mode', 'RetainUntilDate']);
  const mode = leaf(doc, 'Mode');
  const until = leaf(doc, 'RetainUntilDate');
  if (mode === undefined && until === undefined) return undefined;
  if (mode === undefined || until === undefined || !isLockMode(mode)) throw new AppError('MalformedXML');
  const retainUntil = parseIsoDate(until);
  if (retainUntil === undefined) throw new AppError('MalformedXML');
  return { mode, retainUntil };
}

/** PutObjectLegalHold's document: ON or OFF. */
export function parseLegalHold(body: Buffer): 'ON' | 'OFF' {
  const doc = root(body, 'LegalHold');
  onlyChildren(doc, ['Status']);
  const status = leaf(doc, 'Status');
  if (status !== 'ON' && status !== 'OFF') throw new AppError('MalformedXML');
  return status;
}
