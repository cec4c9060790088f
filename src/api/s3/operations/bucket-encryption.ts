/**
 * PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption (AWS): the bucket's default
 * encryption, one rule of AES256 (SSE-S3) or aws:kms (SSE-KMS, optional KMSMasterKeyID). The
 * default is applied by the object services, after authorization, to writes that carry no SSE
 * headers. Needs a KMS (501 otherwise); an unknown KMS key is 400 KMS.NotFoundException.
 * Actions: s3:PutEncryptionConfiguration (Put and Delete), s3:GetEncryptionConfiguration.
 */
import { AppError } from '../../../core/index.js';
import type { BucketEncryptionRule } from '../../../storage/ports.js';
import { buildXml, child, parseXml, S3_XMLNS } from '../../common/xml/index.js';
import { defineOperation } from '../operation.js';
import { kmsKeyIdOf } from './sse-headers.js';
import { readVerifiedBody } from './verified-body.js';
import { bucketCheck } from './check-conditions.js';

const MAX_BODY_BYTES = 16 * 1024;
const malformed = (message?: string): AppError => new AppError('MalformedXML', message ? { message } : {});

export function parseEncryptionConfiguration(body: Buffer): BucketEncryptionRule {
  if (body.length === 0) throw malformed();
  const doc = parseXml(body);
  if (doc.name !== 'ServerSideEncryptionConfiguration' || (doc.namespace !== '' && doc.namespace !== S3_XMLNS)) throw malformed();
  if (doc.children.some((c) => c.name !== 'Rule')) throw malformed();
  if (doc.children.length !== 1) throw malformed('The server side encryption configuration must have exactly one rule.');
  const rule = doc.children[0]!;
  if (rule.children.some((c) => c.name !== 'ApplyServerSideEncryptionByDefault' && c.name !== 'BucketKeyEnabled')) throw malformed();
  const apply = child(rule, 'ApplyServerSideEncryptionByDefault');
  if (!apply || apply.children.some((c) => c.name !== 'SSEAlgorithm' && c.name !== 'KMSMasterKeyID')) throw malformed();
  const algorithm = child(apply, 'SSEAlgorithm')?.text.trim();
  const keyText = child(apply, 'KMSMasterKeyID')?.text.trim();
  const bucketKey = child(rule, 'BucketKeyEnabled')?.text.trim();
  if (bucketKey !== undefined && bucketKey !== 'true' && bucketKey !== 'false') throw malformed();
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms') {
    throw new AppError('InvalidArgument', { message: 'The SSE algorithm is not valid.', fields: { ArgumentName: 'SSEAlgorithm' } });
  }
  if (keyText !== undefined && algorithm !== 'aws:kms') {
    throw new AppError('InvalidArgument', { message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms', fields: { ArgumentName: 'ApplyServerSideEncryptionByDefault' } });
  }
  return {
    algorithm,
    // Kept as given (GetBucketEncryption returns it unchanged, as AWS); validated here, the
    // arn:aws:kms prefix is stripped where the key is used.
    ...(keyText !== undefined && keyText !== '' && kmsKeyIdOf(keyText) !== '' ? { kmsKeyId: keyText } : {}),
    ...(bucketKey !== undefined ? { bucketKeyEnabled: bucketKey === 'true' } : {}),
  };
}

export function encryptionConfigurationXml(rule: BucketEncryptionRule): string {
  return buildXml('ServerSideEncryptionConfiguration', {
    Rule: {
      ApplyServerSideEncryptionByDefault: {
        SSEAlgorithm: rule.algorithm,
        ...(rule.kmsKeyId !== undefined ? { KMSMasterKeyID: rule.kmsKeyId } : {}),
      },
      BucketKeyEnabled: rule.bucketKeyEnabled === true,
    },
  });
}

export const PutBucketEncryption = defineOperation({
  name: 'PutBucketEncryption',
  needsBucket: true,
  authorize: bucketCheck('s3:PutEncryptionConfiguration'),
  handle: async (ctx) => {
    const rule = parseEncryptionConfiguration(await readVerifiedBody(ctx, MAX_BODY_BYTES));
    // A default no write could honour is refused now rather than on every later PUT.
    await ctx.services.objects.crypto.assertKeyUsable(rule.algorithm === 'aws:kms' && rule.kmsKeyId !== undefined ? kmsKeyIdOf(rule.kmsKeyId) : undefined);
    await ctx.services.buckets.setEncryption(ctx.bucket as string, rule);
    return {};
  },
});

export const GetBucketEncryption = defineOperation({
  name: 'GetBucketEncryption',
  needsBucket: true,
  authorize: bucketCheck('s3:GetEncryptionConfiguration'),
  handle: async (ctx) => {
    const { encryption } = await ctx.services.buckets.getBucket(ctx.bucket as string);
    if (!encryption) {
      throw new AppError('ServerSideEncryptionConfigurationNotFoundError', { message: 'The server side encryption configuration was not found', fields: { BucketName: ctx.bucket as string } });
    }
    return { body: encryptionConfigurationXml(encryption) };
  },
});

export const DeleteBucketEncryption = defineOperation({
  name: 'DeleteBucketEncryption',
  needsBucket: true,
  authorize: bucketCheck('s3:PutEncryptionConfiguration'),
  handle: async (ctx) => {
    await ctx.services.buckets.setEncryption(ctx.bucket as string, undefined);
    return { status: 204 };
  },
});
