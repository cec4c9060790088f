/**
 * PutBucketVersioning and GetBucketVersioning. The body is capped before parsing; only
 * `Status` (Enabled | Suspended) and `MfaDelete` are understood. MFA Delete is not available:
 * `Disabled` (what SDKs send by default, and what S3 accepts without an MFA token) is a no-op,
 * `Enabled` is refused with NotImplemented rather than silently ignored.
 */
import { AppError } from '../../../core/index.js';
import { isVersioningStatus, type VersioningStatus } from '../../../domain/index.js';
import { buildXml, parseXml, S3_XMLNS, type XmlElement } from '../../common/xml/index.js';
import { defineOperation } from '../operation.js';
import { bucketCheck } from './check-conditions.js';

const MAX_VERSIONING_BODY_BYTES = 16 * 1024;

function single(doc: XmlElement, name: string): string | undefined {
  const found = doc.children.filter((c) => c.name === name);
  if (found.length > 1) throw new AppError('MalformedXML');
  const element = found[0];
  if (element && element.children.length > 0) throw new AppError('MalformedXML');
  return element?.text.trim();
}

export function parseVersioningConfiguration(body: Buffer): VersioningStatus {
  if (body.length === 0) throw new AppError('MalformedXML');
  const doc = parseXml(body);
  if (doc.name !== 'VersioningConfiguration' || (doc.namespace !== '' && doc.namespace !== S3_XMLNS)) throw new AppError('MalformedXML');
  if (doc.children.some((c) => c.name !== 'Status' && c.name !== 'MfaDelete')) throw new AppError('MalformedXML');
  const mfaDelete = single(doc, 'MfaDelete');
  if (mfaDelete !== undefined && mfaDelete !== 'Disabled' && mfaDelete !== 'Enabled') throw new AppError('MalformedXML');
  if (mfaDelete === 'Enabled') throw new AppError('NotImplemented', { message: 'MFA Delete is not supported.' });
  const status = single(doc, 'Status');
  if (status === undefined || !isVersioningStatus(status)) throw new AppError('MalformedXML');
  return status;
}


export const PutBucketVersioning = defineOperation({
  name: 'PutBucketVersioning',
  needsBucket: true,
  authorize: bucketCheck('s3:PutBucketVersioning'),
  handle: async (ctx) => {
    if (ctx.headers['x-amz-mfa'] !== undefined) throw new AppError('NotImplemented', { message: 'MFA Delete is not supported.' });
    const status = parseVersioningConfiguration(await ctx.readBody(MAX_VERSIONING_BODY_BYTES));
    await ctx.services.buckets.setVersioning(ctx.bucket as string, status);
    return {};
  },
});

export const GetBucketVersioning = defineOperation({
  name: 'GetBucketVersioning',
  needsBucket: true,
  authorize: bucketCheck('s3:GetBucketVersioning'),
  handle: async (ctx) => {
    const { versioning } = await ctx.services.buckets.getBucket(ctx.bucket as string);
    // A bucket that was never versioned answers an empty configuration, as S3 does.
    return { body: buildXml('VersioningConfiguration', { Status: versioning === 'Unversioned' ? undefined : versioning }) };
  },
});
