/**
 * PutObjectLegalHold and GetObjectLegalHold (`?legal-hold[&versionId]`; the same IAM actions
 * with or without a version id, as AWS). The body (≤ 4 KiB, Content-MD5 or checksum required)
 * is `<LegalHold><Status>ON|OFF</Status></LegalHold>`; admitted 'per-item' and authorized once
 * the body is read, with s3:object-lock-legal-hold (see object-retention.ts). A version that never had a hold answers 404
 * NoSuchObjectLockConfiguration; a delete marker 405, as tagging does.
 */
import { AppError } from '../../../core/index.js';
import { buildXml } from '../../common/xml/index.js';
import { defineOperation } from '../operation.js';
import { lockConditions } from './check-conditions.js';
import { MAX_LOCK_BODY_BYTES } from './object-lock-configuration.js';
import { parseLegalHold } from './object-lock-input.js';
import { authorizeLockBody, lockObjectCheck } from './object-retention.js';
import { liveVersion } from './object-tagging.js';
import { readVerifiedBody } from './verified-body.js';

export const PutObjectLegalHold = defineOperation({
  name: 'PutObjectLegalHold',
  needsBucket: true,
  // Authorized in the handler, once the body's condition key is known (see object-retention.ts).
  admission: 'per-item',
  authorize: lockObjectCheck('s3:PutObjectLegalHold'),
  handle: async (ctx) => {
    const status = parseLegalHold(await readVerifiedBody(ctx, MAX_LOCK_BODY_BYTES));
    await authorizeLockBody(ctx, 's3:PutObjectLegalHold', lockConditions(undefined, status, ctx.now));
    await ctx.services.objects.assertObjectLockBucket(ctx.bucket as string);
    const record = await liveVersion(ctx, 'PUT');
    await ctx.services.objects.putObjectLegalHold(record, status, ctx.query.has('versionId'));
    return {};
  },
});

export const GetObjectLegalHold = defineOperation({
  name: 'GetObjectLegalHold',
  needsBucket: true,
  authorize: lockObjectCheck('s3:GetObjectLegalHold'),
  handle: async (ctx) => {
    await ctx.services.objects.assertObjectLockBucket(ctx.bucket as string);
    const record = await liveVersion(ctx, 'GET');
    if (record.legalHold === undefined) throw new AppError('NoSuchObjectLockConfiguration');
    return { body: buildXml('LegalHold', { Status: record.legalHold }) };
  },
});
