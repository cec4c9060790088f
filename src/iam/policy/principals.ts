/**
 * Principal / NotPrincipal blocks of bucket and trust policies.
 * Accepted: "*" or an object with AWS, Service, Federated, CanonicalUser (string or array).
 * "*" (alone or as {"AWS":"*"}) is everyone, anonymous included; otherwise entries are exact:
 * an ARN, a 12-digit account id or arn:aws:iam::<account>:root (= every principal of that account).
 * AWS forbids partial wildcards in principals, so do we. Anonymous matches only "*".
 */
import type { PrincipalBlock, RequestPrincipal } from './types.js';

const FIELDS = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;

/** Failure inside a principal block; `sub` is the path below Principal (e.g. 'AWS[1]'). */
export class PrincipalFieldError extends Error {
  constructor(readonly sub: string, message: string) {
    super(message);
  }
}

/** Parses a written principal block; throws Error(message) naming the sub-field. */
export function parsePrincipal(value: unknown): PrincipalBlock {
  if (value === '*') return { any: true, aws: [], service: [], federated: [] };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PrincipalFieldError('', 'must be "*" or an object with AWS, Service, Federated or CanonicalUser');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw new PrincipalFieldError('', 'must not be empty');
  let any = false;
  const aws: string[] = [];
  const service: string[] = [];
  const federated: string[] = [];
  for (const [field, raw] of entries) {
    if (!(FIELDS as readonly string[]).includes(field)) throw new PrincipalFieldError('', `unknown principal type ${JSON.stringify(field)} (expected ${FIELDS.join(', ')})`);
    const list = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(list) || list.length === 0) throw new PrincipalFieldError(field, `must be a string or a non-empty array of strings`);
    list.forEach((entry: unknown, i: number) => {
      const at = `${field}${typeof raw === 'string' ? '' : `[${i}]`}`;
      if (typeof entry !== 'string' || entry === '') throw new PrincipalFieldError(at, 'must be a non-empty string');
      if (entry === '*' && field === 'AWS') {
        any = true;
        return;
      }
      if (/[*?]/.test(entry)) throw new PrincipalFieldError(at, `wildcards are not allowed in principals except "*" alone in AWS`);
      if (field === 'AWS' && !/^\d{12}$/.test(entry) && !/^arn:aws:(iam|sts)::\d{12}:\S+$/.test(entry)) {
        throw new PrincipalFieldError(at, `${JSON.stringify(entry)} is not an account id or an arn:aws:iam/sts ARN`);
      }
      (field === 'Service' ? service : field === 'Federated' ? federated : aws).push(entry);
    });
  }
  return { any, aws, service, federated };
}

function names(p: RequestPrincipal, entry: string): boolean {
  return p.arn === entry || (p.aliases?.includes(entry) ?? false);
}

/** Does the request principal (undefined = anonymous) fall within the block? */
export function principalMatches(block: PrincipalBlock, p: RequestPrincipal | undefined): boolean {
  if (block.any) return true;
  if (p === undefined) return false;
  for (const entry of block.aws) {
    if (names(p, entry)) return true;
    if (entry === p.account || entry === `arn:aws:iam::${p.account}:root`) return true;
  }
  for (const entry of block.service) if (names(p, entry)) return true;
  for (const entry of block.federated) if (names(p, entry)) return true;
  return false;
}
