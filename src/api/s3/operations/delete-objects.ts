/** DeleteObject and DeleteObjects (≤ 1000 keys, quiet mode, Content-MD5 or checksum required). */
import { createHash } from 'node:crypto';
import { AppError, isAppError } from '../../../core/index.js';
import { buildXml, child, children, parseXml } from '../../common/xml/index.js';
import { APP_TO_S3, S3_ERRORS } from '../errors/index.js';
import { defineOperation } from '../operation.js';
import { contentMd5Of } from './put-object.js';

export const DeleteObject = defineOperation({
  name: 'DeleteObject',
  needsBucket: true,
  authorize: (route) => [
    { action: route.query.has('versionId') ? 's3:DeleteObjectVersion' : 's3:DeleteObject', bucket: route.bucket, key: route.key },
  ],
  handle: async (ctx) => {
    const versionId = ctx.query.get('versionId');
    await ctx.services.objects.deleteObject(ctx.bucket as string, ctx.key as string, versionId);
    return { status: 204, headers: versionId !== undefined ? { 'x-amz-version-id': versionId } : undefined };
  },
});

const MAX_DELETE_BODY_BYTES = 4 * 1024 * 1024;
const MAX_KEYS = 1000;

export const DeleteObjects = defineOperation({
  name: 'DeleteObjects',
  needsBucket: true,
  // Each key is an s3:DeleteObject on that key; with root-only identities the bucket-level
  // check suffices. The IAM issue authorizes per key inside the handler.
  authorize: (route) => [{ action: 's3:DeleteObject', bucket: route.bucket, key: '*' }],
  handle: async (ctx) => {
    const contentMd5 = contentMd5Of(ctx);
    const hasChecksum = Object.keys(ctx.headers).some((h) => h.startsWith('x-amz-checksum-') && h !== 'x-amz-checksum-type');
    if (contentMd5 === undefined && !hasChecksum) {
      throw new AppError('InvalidRequest', { message: 'Missing required header for this request: Content-MD5' });
    }
    const raw = await ctx.readBody(MAX_DELETE_BODY_BYTES);
    if (contentMd5 !== undefined && createHash('md5').update(raw).digest('base64') !== contentMd5) throw new AppError('BadDigest');
    const doc = parseXml(raw);
    if (doc.name !== 'Delete') throw new AppError('MalformedXML');
    const quiet = child(doc, 'Quiet')?.text.trim().toLowerCase() === 'true';
    const objects = children(doc, 'Object');
    if (objects.length === 0 || objects.length > MAX_KEYS) throw new AppError('MalformedXML');
    const targets = objects.map((o) => {
      const key = child(o, 'Key');
      if (!key) throw new AppError('MalformedXML');
      return { key: key.text, versionId: child(o, 'VersionId')?.text };
    });
    const deleted: Array<Record<string, string | undefined>> = [];
    const errors: Array<Record<string, string>> = [];
    for (const target of targets) {
      try {
        await ctx.services.objects.deleteObject(ctx.bucket as string, target.key, target.versionId);
        if (!quiet) deleted.push({ Key: target.key, VersionId: target.versionId });
      } catch (error) {
        const code = isAppError(error) ? APP_TO_S3[error.code] : 'InternalError';
        errors.push({ Key: target.key, Code: code, Message: S3_ERRORS[code][1] });
      }
    }
    return { body: buildXml('DeleteResult', { Deleted: deleted, Error: errors }) };
  },
});
