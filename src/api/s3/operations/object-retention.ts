/**
 * PutObjectRetention and GetObjectRetention (`?retention[&versionId]`; the same IAM actions with
 * or without a version id, as AWS). Protects the lock promise at the edge: the body (≤ 4 KiB,
 * Content-MD5 or checksum required) is parsed strictly, the new date must be in the future.
 * The lock condition keys live in the body (s3:object-lock-mode, -retain-until-date,
 * -remaining-retention-days), so these writes are admitted 'per-item': the signed caller's body
 * (≤ 4 KiB) is read first, then s3:PutObjectRetention is authorized once, with those keys —
 * before anything about the bucket or the object is looked at or answered. A Deny on the keys
 * holds, and so does an Allow that requires them (AWS's "at most N days" policies). Whether the
 * change weakens an active retention, and whether the bypass applies, is judged by
 * ObjectService.putObjectRetention; the bypass is computed here (object-lock-access).
 */
import { AppError } from '../../../core/index.js';
import { buildXml } from '../../common/xml/index.js';
import { defineOperation, type OperationContext, type RouteContext } from '../operation.js';
import { lockConditions, versionConditions, type Conditions } from './check-conditions.js';
import { bypassGovernanceFor } from './object-lock-access.js';
import { MAX_LOCK_BODY_BYTES } from './object-lock-configuration.js';
import { parseRetention } from './object-lock-input.js';
import { liveVersion } from './object-tagging.js';
import { readVerifiedBody } from './verified-body.js';

/** s3:<action> on the key, with s3:versionid when the request names a version. */
export function lockObjectCheck(action: string) {
  return (route: RouteContext) => [{ action, bucket: route.bucket, key: route.key, conditions: versionConditions(route.query.get('versionId')) }];
}

/** The one authorization of a lock write, with the body's condition keys (see the design note above). */
export async function authorizeLockBody(ctx: OperationContext, action: string, conditions: Conditions): Promise<void> {
  const [allowed] = await ctx.isAllowed([
    { action, bucket: ctx.bucket, key: ctx.key, conditions: { ...versionConditions(ctx.query.get('versionId')), ...conditions } },
  ]);
  if (allowed !== true) throw new AppError('AccessDenied', { message: 'Access Denied', details: { reason: `${action} refused for the lock values in the body` } });
}

export const PutObjectRetention = defineOperation({
  name: 'PutObjectRetention',
  needsBucket: true,
  // Authorized in the handler, once the body's condition keys are known (design note above).
  admission: 'per-item',
  authorize: lockObjectCheck('s3:PutObjectRetention'),
  handle: async (ctx) => {
    const bucket = ctx.bucket as string;
    const retention = parseRetention(await readVerifiedBody(ctx, MAX_LOCK_BODY_BYTES));
    const conditions = lockConditions(retention, undefined, ctx.now);
    await authorizeLockBody(ctx, 's3:PutObjectRetention', conditions);
    await ctx.services.objects.assertObjectLockBucket(bucket);
    if (retention !== undefined && retention.retainUntil.getTime() <= ctx.now.getTime()) {
      throw new AppError('InvalidArgument', { message: 'The retain until date must be in the future!', fields: { ArgumentName: 'RetainUntilDate', ArgumentValue: retention.retainUntil.toISOString() } });
    }
    const record = await liveVersion(ctx, 'PUT');
    const bypassGovernance = await bypassGovernanceFor(ctx, ctx.key as string, conditions);
    await ctx.services.objects.putObjectRetention(record, retention, { bypassGovernance, byVersionId: ctx.query.has('versionId') });
    return {};
  },
});

export const GetObjectRetention = defineOperation({
  name: 'GetObjectRetention',
  needsBucket: true,
  authorize: lockObjectCheck('s3:GetObjectRetention'),
  handle: async (ctx) => {
    await ctx.services.objects.assertObjectLockBucket(ctx.bucket as string);
    const record = await liveVersion(ctx, 'GET');
    if (record.retention === undefined) throw new AppError('NoSuchObjectLockConfiguration');
    return { body: buildXml('Retention', { Mode: record.retention.mode, RetainUntilDate: record.retention.retainUntil }) };
  },
});
