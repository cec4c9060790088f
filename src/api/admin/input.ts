/**
 * Shape checks for admin request bodies and query strings. Every body is a JSON object whose
 * fields are declared by its endpoint: an unknown field is refused (a field the server would
 * ignore is a field a caller may believe was applied — CVE-2021-43858 was a "change password"
 * call that also honoured a policy field). Values are type-checked and length-capped here;
 * the identity service validates names, paths and policies with AWS's rules.
 */
import { AppError } from '../../core/index.js';
import type { JsonValue } from './strict-json.js';

export type Fields = Readonly<Record<string, JsonValue | undefined>>;

export function invalid(message: string): AppError {
  return new AppError('InvalidInput', { message });
}

/** The body as an object with only `allowed` keys; `required` ones must be present. */
export function objectBody(body: JsonValue | undefined, allowed: readonly string[], required: readonly string[] = []): Fields {
  if (body === undefined) {
    if (required.length > 0) throw invalid(`The request needs a JSON body with ${required.join(', ')}.`);
    return {};
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The request body must be a JSON object.');
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw invalid(`Unknown field ${JSON.stringify(key.slice(0, 64))}; allowed: ${allowed.join(', ') || 'none'}.`);
  }
  for (const key of required) if (body[key] === undefined) throw invalid(`The field ${key} is required.`);
  return body;
}

export function noBody(body: JsonValue | undefined): void {
  if (body !== undefined) throw invalid('This request takes no body.');
}

const MAX_STRING = 32 * 1024;

export function str(fields: Fields, name: string, max = 1024): string {
  const value = fields[name];
  if (typeof value !== 'string') throw invalid(`The field ${name} must be a string.`);
  if (value.length > Math.min(max, MAX_STRING)) throw invalid(`The field ${name} is longer than ${max} characters.`);
  return value;
}

export function optStr(fields: Fields, name: string, max = 1024): string | undefined {
  return fields[name] === undefined ? undefined : str(fields, name, max);
}

/** undefined: absent (leave as is); null: remove; string: set. */
export function optNullableStr(fields: Fields, name: string, max = 1024): string | null | undefined {
  return fields[name] === null ? null : optStr(fields, name, max);
}

export function optInt(fields: Fields, name: string, min: number, max: number): number | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`The field ${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

export function optBool(fields: Fields, name: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(`The field ${name} must be true or false.`);
  return value;
}

export function strList(fields: Fields, name: string, maxItems = 100): string[] {
  const value = fields[name];
  if (!Array.isArray(value) || value.length === 0 || value.length > maxItems || value.some((v) => typeof v !== 'string' || v.length > 1024)) {
    throw invalid(`The field ${name} must be a list of 1 to ${maxItems} strings.`);
  }
  return value as string[];
}

/** A map of string to string (tags). */
export function optStringMap(fields: Fields, name: string, maxEntries = 50): Record<string, string> | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`The field ${name} must be an object of strings.`);
  const entries = Object.entries(value);
  if (entries.length > maxEntries || entries.some(([, v]) => typeof v !== 'string')) {
    throw invalid(`The field ${name} must be an object of at most ${maxEntries} string values.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** A JSON policy document, sent as its JSON text (so the policy parser sees it byte for byte). */
export function policyText(fields: Fields, name: string): string {
  return str(fields, name, 20 * 1024);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export function optTimestamp(fields: Fields, name: string): Date | null | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(`The field ${name} must be an RFC 3339 timestamp, e.g. 2027-06-30T00:00:00Z.`);
  }
  return new Date(value);
}

/** Only the declared query parameters, each at most once. */
export function queryParams(query: URLSearchParams, allowed: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of query) {
    if (!allowed.includes(key)) throw invalid(`Unknown query parameter ${JSON.stringify(key.slice(0, 64))}.`);
    if (out[key] !== undefined) throw invalid(`The query parameter ${key} is repeated.`);
    out[key] = value;
  }
  return out;
}

export function queryInt(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,7}$/.test(value) || Number(value) < min || Number(value) > max) throw invalid(`The query parameter ${name} must be from ${min} to ${max}.`);
  return Number(value);
}

export function queryBool(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalid(`The query parameter ${name} must be true or false.`);
  return value === 'true';
}

/** The IAM list options every list endpoint takes: ?pathPrefix, ?marker, ?maxItems (1–1000). */
export function listOptions(q: Record<string, string | undefined>): { pathPrefix: string | undefined; marker: string | undefined; maxItems: number | undefined } {
  return { pathPrefix: q.pathPrefix, marker: q.marker, maxItems: queryInt(q.maxItems, 'maxItems', 1, 1000) };
}

/** The body of a status change: {"status": "enabled" | "disabled"}. */
export function statusBody(body: JsonValue | undefined): 'enabled' | 'disabled' {
  const status = str(objectBody(body, ['status'], ['status']), 'status', 16);
  if (status !== 'enabled' && status !== 'disabled') throw invalid('The field status must be "enabled" or "disabled".');
  return status;
}
