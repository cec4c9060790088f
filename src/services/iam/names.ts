/**
 * Input validation with AWS IAM's rules and limits. Every check throws AppError('InvalidInput')
 * (or LimitExceeded for counts) with a message that names the field, never the stored state.
 */
import { AppError } from '../../core/index.js';

/** AWS's name character set: letters, digits and + = , . @ _ - */
const NAME_CHARS = /^[\w+=,.@-]+$/;
const PATH = /^\/(?:[\x21-\x7e]*\/)?$/;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const LIMITS = {
  entityName: 64,
  policyName: 128,
  path: 512,
  tags: 50,
  tagKey: 128,
  tagValue: 256,
  description: 1000,
  groupsPerUser: 10,
  attachedPolicies: 10,
  policyVersions: 5,
  accessKeysPerOwner: 100,
  accessKeyName: 32,
  accessKeyDescriptionBytes: 256,
  accessKeyPolicyBytes: 4096,
  /** Aggregate size of a principal's inline policies (normalised JSON, AWS's quotas). */
  inlineBytes: { user: 2048, group: 5120, role: 10240 },
  loginKeyId: { min: 3, max: 128 },
  secretKey: { min: 8, max: 128 },
} as const;

export function invalid(message: string): AppError {
  return new AppError('InvalidInput', { message });
}

function checkName(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > max || !NAME_CHARS.test(value)) {
    throw invalid(`${field} must be 1 to ${max} characters of letters, digits and + = , . @ _ -`);
  }
  return value;
}

export const userName = (value: unknown): string => checkName(value, 'UserName', LIMITS.entityName);
export const groupName = (value: unknown): string => checkName(value, 'GroupName', LIMITS.entityName);
export const roleName = (value: unknown): string => checkName(value, 'RoleName', LIMITS.entityName);
export const policyName = (value: unknown): string => checkName(value, 'PolicyName', LIMITS.policyName);

/** An IAM path: '/' or '/a/b/', printable ASCII, at most 512 characters. Defaults to '/'. */
export function iamPath(value: unknown, field = 'Path'): string {
  if (value === undefined) return '/';
  if (typeof value !== 'string' || value.length > LIMITS.path || !PATH.test(value)) {
    throw invalid(`${field} must begin and end with / and contain only printable ASCII characters (at most ${LIMITS.path})`);
  }
  return value;
}

/** A listing's PathPrefix: '/' followed by printable ASCII. */
export function pathPrefix(value: unknown): string {
  if (value === undefined) return '/';
  if (typeof value !== 'string' || value.length > LIMITS.path || !/^\/[\x21-\x7e]*$/.test(value)) throw invalid('PathPrefix must begin with /');
  return value;
}

export function description(value: unknown, field = 'Description', max: number = LIMITS.description): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max || /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) {
    throw invalid(`${field} must be at most ${max} characters of text`);
  }
  return value;
}

/** Merges `add` into `base`; keys 1–128 and values 0–256 of AWS's tag characters; ≤ 50 in all. */
export function mergeTags(base: Readonly<Record<string, string>>, add: unknown): Record<string, string> {
  if (add === undefined) return { ...base };
  if (typeof add !== 'object' || add === null || Array.isArray(add)) throw invalid('Tags must be a map of keys to values');
  const merged: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(add as Record<string, unknown>)) {
    if (key.length < 1 || key.length > LIMITS.tagKey || !TAG_CHARS.test(key) || key.toLowerCase().startsWith('aws:')) {
      throw invalid(`Tag key ${JSON.stringify(key.slice(0, 128))} must be 1 to ${LIMITS.tagKey} letters, digits, spaces or _ . : / = + - @, not starting with aws:`);
    }
    if (typeof value !== 'string' || value.length > LIMITS.tagValue || !TAG_CHARS.test(value)) {
      throw invalid(`Tag value of ${JSON.stringify(key)} must be at most ${LIMITS.tagValue} letters, digits, spaces or _ . : / = + - @`);
    }
    merged[key] = value;
  }
  if (Object.keys(merged).length > LIMITS.tags) {
    throw new AppError('LimitExceeded', { message: `At most ${LIMITS.tags} tags are allowed per entity.` });
  }
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** 1–1000, default 100 (AWS MaxItems). */
export function maxItems(value: unknown): number {
  if (value === undefined) return 100;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1000) throw invalid('MaxItems must be between 1 and 1000');
  return value;
}

/** A caller-chosen access key id: 3–128 of the user-name characters without = and ,. */
export function customAccessKeyId(value: unknown, field = 'AccessKeyId'): string {
  const { min, max } = LIMITS.loginKeyId;
  if (typeof value !== 'string' || value.length < min || value.length > max || !/^[\w+.@-]+$/.test(value)) {
    throw invalid(`${field} must be ${min} to ${max} characters of letters, digits and + . @ _ -`);
  }
  return value;
}

export function customSecretKey(value: string): string {
  const { min, max } = LIMITS.secretKey;
  if (value.length < min || value.length > max || !/^[\x21-\x7e]+$/.test(value)) {
    throw invalid(`SecretAccessKey must be ${min} to ${max} printable ASCII characters without spaces`);
  }
  return value;
}

/** STS RoleSessionName: 2–64 of the name characters. */
export function roleSessionName(value: unknown): string {
  if (typeof value !== 'string' || value.length < 2 || value.length > 64 || !NAME_CHARS.test(value)) {
    throw new AppError('InvalidParameterValue', { message: 'RoleSessionName must be 2 to 64 characters of letters, digits and + = , . @ _ -' });
  }
  return value;
}
