/**
 * The authorization seam. Every operation declares the IAM checks it needs (action + resource);
 * the pipeline hands them here before any body byte is read and before any precondition or
 * existence check. Protects every bucket and object from callers without a grant.
 * Until the IAM issue lands the only identity is root, which may do everything; anonymous
 * callers are denied everything (no bucket policies yet). Fails closed: no checks → denied.
 */
import { AppError } from '../../core/index.js';
import type { Principal } from '../credentials/index.js';

export interface AuthorizationCheck {
  /** IAM action exactly as AWS writes it, e.g. 's3:GetObject'. */
  action: string;
  bucket?: string;
  key?: string;
}

export interface AuthorizationRequest {
  principal: Principal | undefined;
  checks: readonly AuthorizationCheck[];
}

export interface Authorizer {
  /** Resolves when every check is allowed; throws AccessDenied otherwise. */
  authorize(request: AuthorizationRequest): Promise<void>;
}

export function resourceArn(check: AuthorizationCheck): string {
  if (check.bucket === undefined) return '*';
  return check.key === undefined ? `arn:aws:s3:::${check.bucket}` : `arn:aws:s3:::${check.bucket}/${check.key}`;
}

export class RootOnlyAuthorizer implements Authorizer {
  async authorize(request: AuthorizationRequest): Promise<void> {
    if (request.checks.length === 0) throw new AppError('AccessDenied', { details: { reason: 'operation declared no checks' } });
    if (request.principal?.kind === 'root') return;
    throw new AppError('AccessDenied', { message: 'Access Denied', details: { actions: request.checks.map((c) => c.action) } });
  }
}
