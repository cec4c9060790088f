/**
 * A verified token's claims → ExternalIdentity. Only called with a payload verifyToken
 * returned, so every value in `claims` comes from a verified token (never from the request).
 */
import type { JWTPayload } from 'jose';
import type { ExternalIdentity } from '../types.js';
import type { OpenIdProviderSettings } from './settings.js';

const MAX_POLICIES = 64;

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

/** A policy claim: a comma-separated string or an array of strings; anything else grants none. */
export function policiesFromClaim(value: unknown): string[] {
  let names: string[];
  if (typeof value === 'string') names = value.split(',');
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) names = value as string[];
  else return [];
  const out = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))];
  return out.slice(0, MAX_POLICIES);
}

export function identityFrom(payload: JWTPayload, settings: OpenIdProviderSettings): ExternalIdentity {
  const sub = payload.sub as string;
  const claims: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(payload)) {
    const values = stringList(value);
    const key = `jwt:${name.toLowerCase()}`;
    if (values && !Object.hasOwn(claims, key)) claims[key] = [...values];
  }
  const username = payload.preferred_username;
  return {
    provider: `openid:${settings.name}`,
    subject: sub,
    name: typeof username === 'string' && username !== '' ? username : sub,
    groups: [],
    policies: settings.rolePolicy ? [...settings.rolePolicy] : policiesFromClaim(payload[settings.claimName]),
    claims,
    notAfter: new Date((payload.exp as number) * 1000),
  };
}
