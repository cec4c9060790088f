/**
 * Who may see and who may weaken Object Lock. Protects the lock promise at the API edge:
 *  - bypassGovernance is true only when the request sends x-amz-bypass-governance-retention: true
 *    (case-insensitive) AND the caller holds s3:BypassGovernanceRetention on the key. The
 *    permission is evaluated only when the header is sent, so a caller without it can still
 *    delete unlocked versions; it never lifts COMPLIANCE or a legal hold (the services judge that).
 *  - GET/HEAD show x-amz-object-lock-mode / -retain-until-date only to callers holding
 *    s3:GetObjectRetention, and x-amz-object-lock-legal-hold only with s3:GetObjectLegalHold (AWS).
 */
import type { AuthorizationCheck } from '../../../iam/authorizer/index.js';
import type { ObjectVersionRecord } from '../../../storage/ports.js';
import type { OperationContext } from '../operation.js';
import { versionConditions, type Conditions } from './check-conditions.js';

export function bypassRequested(ctx: Pick<OperationContext, 'headers'>): boolean {
  const value = ctx.headers['x-amz-bypass-governance-retention'];
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

/** The bypass for one key (conditions: the lock keys of the request, where AWS gives them). */
export async function bypassGovernanceFor(ctx: OperationContext, key: string, conditions: Conditions = {}): Promise<boolean> {
  if (!bypassRequested(ctx)) return false;
  const [allowed] = await ctx.isAllowed([{ action: 's3:BypassGovernanceRetention', bucket: ctx.bucket, key, conditions }]);
  return allowed === true;
}

/** One bypass answer per key, evaluated in one call; all false without the header. */
export async function bypassGovernanceForKeys(ctx: OperationContext, keys: readonly string[]): Promise<boolean[]> {
  if (!bypassRequested(ctx) || keys.length === 0) return keys.map(() => false);
  const checks: AuthorizationCheck[] = keys.map((key) => ({ action: 's3:BypassGovernanceRetention', bucket: ctx.bucket, key }));
  return ctx.isAllowed(checks);
}

/** x-amz-object-lock-* response headers of a version, each only for a caller allowed to read it. */
export async function lockResponseHeaders(ctx: OperationContext, record: ObjectVersionRecord): Promise<Record<string, string>> {
  const { retention, legalHold } = record;
  if (retention === undefined && legalHold === undefined) return {};
  const conditions = versionConditions(ctx.query.get('versionId'));
  const checks: AuthorizationCheck[] = [];
  if (retention !== undefined) checks.push({ action: 's3:GetObjectRetention', bucket: ctx.bucket, key: ctx.key, conditions });
  if (legalHold !== undefined) checks.push({ action: 's3:GetObjectLegalHold', bucket: ctx.bucket, key: ctx.key, conditions });
  const allowed = await ctx.isAllowed(checks);
  const out: Record<string, string> = {};
  if (retention !== undefined && allowed[0] === true) {
    out['x-amz-object-lock-mode'] = retention.mode;
    out['x-amz-object-lock-retain-until-date'] = retention.retainUntil.toISOString();
  }
  if (legalHold !== undefined && allowed[retention !== undefined ? 1 : 0] === true) out['x-amz-object-lock-legal-hold'] = legalHold;
  return out;
}
