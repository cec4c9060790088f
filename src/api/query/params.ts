/**
 * The parameters of one query-protocol request: form body merged with the query string (a name
 * given twice, in either place or both, is refused — two values would mean two readings of one
 * signed request), with typed accessors that raise AWS-style validation errors.
 * Lists use the query protocol's flattening: `Tags.member.1.Key`, `TagKeys.member.2`.
 */
import { AppError } from '../../core/index.js';

const MAX_PARAMS = 1000;
const MAX_LIST = 1000;

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export class QueryParams {
  readonly #values: ReadonlyMap<string, string>;

  constructor(values: ReadonlyMap<string, string>) {
    this.#values = values;
  }

  /** Parses `application/x-www-form-urlencoded` text from the query string and the body. */
  static parse(query: string, body: string): QueryParams {
    const values = new Map<string, string>();
    for (const source of [query, body]) {
      if (source === '') continue;
      for (const [name, value] of new URLSearchParams(source)) {
        if (values.has(name)) {
          throw new AppError('InvalidParameterValue', { message: `The parameter ${name.slice(0, 128)} was given more than once.` });
        }
        values.set(name, value);
        if (values.size > MAX_PARAMS) throw new AppError('InvalidParameterValue', { message: 'Too many parameters.' });
      }
    }
    return new QueryParams(values);
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  string(name: string): string | undefined {
    return this.#values.get(name);
  }

  required(name: string): string {
    const value = this.#values.get(name);
    if (value === undefined || value === '') {
      throw new AppError('MissingParameter', {
        message: `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
      });
    }
    return value;
  }

  /** An integer within [min, max]; undefined when absent. */
  integer(name: string, min: number, max: number): number | undefined {
    const text = this.#values.get(name);
    if (text === undefined) return undefined;
    const value = /^-?\d{1,10}$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(value)) {
      throw new AppError('InvalidParameterValue', { message: `Value '${text.slice(0, 32)}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must be a number` });
    }
    if (value < min) {
      throw new AppError('InvalidParameterValue', {
        message: `1 validation error detected: Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      });
    }
    if (value > max) {
      throw new AppError('InvalidParameterValue', {
        message: `1 validation error detected: Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      });
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    const text = this.#values.get(name);
    if (text === undefined) return undefined;
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new AppError('InvalidParameterValue', { message: `Value '${text.slice(0, 32)}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must be true or false` });
  }

  /** `Name.member.1`, `Name.member.2`, … in order; stops at the first gap. */
  list(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; i <= MAX_LIST; i++) {
      const value = this.#values.get(`${name}.member.${i}`);
      if (value === undefined) break;
      out.push(value);
    }
    return out;
  }

  /** `Tags.member.N.Key` / `.Value` → a record; a repeated key is refused as AWS does. */
  tags(name = 'Tags'): Record<string, string> | undefined {
    const tags = new Map<string, string>();
    const seen = new Set<string>();
    for (let i = 1; i <= MAX_LIST; i++) {
      const key = this.#values.get(`${name}.member.${i}.Key`);
      if (key === undefined) break;
      if (seen.has(key.toLowerCase())) {
        throw new AppError('InvalidInput', { message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' });
      }
      seen.add(key.toLowerCase());
      tags.set(key, this.#values.get(`${name}.member.${i}.Value`) ?? '');
    }
    // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
    return tags.size === 0 ? undefined : Object.fromEntries(tags);
  }
}
