/**
 * Object and bucket tags as S3 defines them: at most 10 tags on an object and 50 on a bucket,
 * unique keys of 1–128 characters, values of 0–256 characters (counted in UTF-16 code units,
 * as S3 says it represents tags internally), Unicode letters, digits, white space and
 * `_ . : / = + - @` only, and no key in the reserved `aws:` prefix.
 * A tag set is kept sorted by key: S3 returns tags in key order, not in the order given.
 */
import { AppError } from '../core/index.js';

export interface Tag {
  key: string;
  value: string;
}

export type TagTarget = 'object' | 'bucket';

export const MAX_OBJECT_TAGS = 10;
export const MAX_BUCKET_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function invalidTag(message: string): AppError {
  return new AppError('InvalidTag', { message });
}

/** Validates a tag set and returns it sorted by key; throws InvalidTag / TooManyTags as S3 does. */
export function validateTagSet(tags: readonly Tag[], target: TagTarget): Tag[] {
  const max = target === 'object' ? MAX_OBJECT_TAGS : MAX_BUCKET_TAGS;
  if (tags.length > max) {
    throw new AppError('TooManyTags', { message: `${target === 'object' ? 'Object' : 'Bucket'} tags cannot be greater than ${max}` });
  }
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.length === 0 || !ALLOWED.test(key)) throw invalidTag('The TagKey you have provided is invalid');
    if (key.length > MAX_TAG_KEY_LENGTH) throw invalidTag(`The TagKey you have provided is too long, max ${MAX_TAG_KEY_LENGTH}`);
    if (!ALLOWED.test(value)) throw invalidTag('The TagValue you have provided is invalid');
    if (value.length > MAX_TAG_VALUE_LENGTH) throw invalidTag(`The TagValue you have provided is too long, max ${MAX_TAG_VALUE_LENGTH}`);
    if (key.toLowerCase().startsWith('aws:')) throw invalidTag('Your TagKey cannot be prefixed with aws:');
    if (seen.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const HEADER_PROBLEM =
  "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new AppError('InvalidArgument', { message: HEADER_PROBLEM, fields: { ArgumentName: 'x-amz-tagging' } });
  }
}

/**
 * `x-amz-tagging: k1=v1&k2=v2`, form-URL-encoded (`+` is a space); a key without `=` has the
 * empty value. A duplicate key, a raw `=` in a value or a broken escape is InvalidArgument.
 */
export function parseTaggingHeader(header: string): Tag[] {
  const tags: Tag[] = [];
  const keys = new Set<string>();
  for (const pair of header.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    if (rawValue.includes('=')) throw new AppError('InvalidArgument', { message: HEADER_PROBLEM, fields: { ArgumentName: 'x-amz-tagging' } });
    const key = decodeComponent(rawKey);
    if (keys.has(key)) throw new AppError('InvalidArgument', { message: HEADER_PROBLEM, fields: { ArgumentName: 'x-amz-tagging' } });
    keys.add(key);
    tags.push({ key, value: decodeComponent(rawValue) });
  }
  return validateTagSet(tags, 'object');
}
