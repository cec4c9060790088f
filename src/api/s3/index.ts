import { AppError } from '../../core/index.js';
import type { OperationSpec } from './operation.js';
import { IMPLEMENTED_OPERATIONS } from './operations/index.js';
import { OPERATION_NAMES } from './routes.js';

export { createS3Pipeline } from './pipeline.js';
export type { S3PipelineDeps } from './pipeline.js';
export type { S3Services, OperationSpec } from './operation.js';
export { renderS3Error, S3_ERRORS } from './errors/index.js';
export { ROUTES, OPERATION_NAMES } from './routes.js';
export { routeRequest } from './router.js';
export { isSecureTransport, sourceIpOf, trustedProxyMatcher } from './request-facts.js';

/** The only operations that may bypass request signatures: the CORS preflight (browsers never
 * send credentials with it) and PostObject, whose credentials are in the form. */
const ACCESS_EXCEPTIONS: Readonly<Record<string, string>> = { OptionsPreflight: 'anonymous', PostObject: 'post-form' };

/** The only operations authorized after their bounded body: DeleteObjects names its keys there,
 * the two lock writes carry their condition keys there. */
const PER_ITEM_ADMISSION = new Set(['DeleteObjects', 'PutObjectRetention', 'PutObjectLegalHold']);

/** The operation registry: every implemented spec must name a routed operation and declare checks. */
export function buildOperationRegistry(specs: readonly OperationSpec[] = IMPLEMENTED_OPERATIONS): ReadonlyMap<string, OperationSpec> {
  const registry = new Map<string, OperationSpec>();
  for (const spec of specs) {
    if (!OPERATION_NAMES.has(spec.name)) throw new AppError('InternalError', { details: { reason: `unrouted operation ${spec.name}` } });
    if (typeof spec.authorize !== 'function') throw new AppError('InternalError', { details: { reason: `${spec.name} declares no checks` } });
    const access = spec.access ?? 'signed';
    if (access !== 'signed' && ACCESS_EXCEPTIONS[spec.name] !== access) {
      throw new AppError('InternalError', { details: { reason: `${spec.name} may not use ${access} access` } });
    }
    if ((spec.admission ?? 'before-body') !== 'before-body' && !PER_ITEM_ADMISSION.has(spec.name)) {
      throw new AppError('InternalError', { details: { reason: `${spec.name} may not authorize per item` } });
    }
    if (registry.has(spec.name)) throw new AppError('InternalError', { details: { reason: `duplicate operation ${spec.name}` } });
    registry.set(spec.name, spec);
  }
  return registry;
}
