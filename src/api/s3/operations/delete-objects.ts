/**
 * DeleteObject and DeleteObjects (≤ 1000 keys, quiet mode, Content-MD5 or checksum required).
 * DeleteObjects authorizes every key as its own s3:DeleteObject (s3:DeleteObjectVersion with a
 * version id) once the bounded body is parsed, and reports a refused key as an AccessDenied
 * entry while the others proceed — as AWS does (admission 'per-item', see OperationAdmission).
 * Object Lock: a version under legal hold or active retention is refused by the service
 * (ObjectLocked → AccessDenied for that key, with its VersionId); x-amz-bypass-governance-retention
 * lifts GOVERNANCE only for keys whose caller also holds s3:BypassGovernanceRetention.
 */
import { createHash } from 'node:crypto';
import { AppError, isAppError } from '../../../core/index.js';
import { isValidVersionId } from '../../../domain/index.js';
import type { DeleteOutcome } from '../../../services/index.js';
import { buildXml, child, children, parseXml } from '../../common/xml/index.js';
import type { AuthorizationCheck } from '../../../iam/authorizer/index.js';
import { APP_TO_S3, S3_ERRORS } from '../errors/index.js';
import { versionConditions } from './check-conditions.js';
import { bypassGovernanceFor, bypassGovernanceForKeys } from './object-lock-access.js';
import { defineOperation } from '../operation.js';
import { contentMd5Of } from './put-object.js';
import { deleteConditionsOf } from './write-conditions.js';

export const DeleteObject = defineOperation({
  name: 'DeleteObject',
  needsBucket: true,
  authorize: (route) => [deleteCheck(route.bucket, route.key, route.query.get('versionId'))],
  handle: async (ctx) => {
    const conditions = deleteConditionsOf(ctx.headers);
    const versionId = ctx.query.get('versionId');
    // Only a versioned delete can remove a locked version; a delete marker is always allowed.
    const options = { bypassGovernance: versionId !== undefined && (await bypassGovernanceFor(ctx, ctx.key as string)) };
    const outcome = conditions
      ? await ctx.services.objects.deleteObjectIf(ctx.bucket as string, ctx.key as string, versionId, conditions, options)
      : await ctx.services.objects.deleteObject(ctx.bucket as string, ctx.key as string, versionId, undefined, options);
    return {
      status: 204,
      headers: { 'x-amz-version-id': outcome.versionId, 'x-amz-delete-marker': outcome.deleteMarker ? 'true' : undefined },
    };
  },
});

function deleteCheck(bucket: string | undefined, key: string | undefined, versionId: string | undefined): AuthorizationCheck {
  return { action: versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion', bucket, key, conditions: versionConditions(versionId) };
}

/** A Deleted entry: VersionId echoes the request; DeleteMarkerVersionId names a created or removed marker. */
function deletedEntry(target: { key: string; versionId: string | undefined }, outcome: DeleteOutcome): Record<string, string | boolean | undefined> {
  return {
    Key: target.key,
    VersionId: target.versionId,
    DeleteMarker: outcome.deleteMarker ? true : undefined,
    DeleteMarkerVersionId: outcome.deleteMarker ? outcome.versionId : undefined,
  };
}

const MAX_DELETE_BODY_BYTES = 4 * 1024 * 1024;
const MAX_KEYS = 1000;

export const DeleteObjects = defineOperation({
  name: 'DeleteObjects',
  needsBucket: true,
  admission: 'per-item',
  authorize: () => [],
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
    const allowed = await ctx.isAllowed(targets.map((t) => deleteCheck(ctx.bucket, t.key, t.versionId)));
    const bypassing = targets.map((t, i) => allowed[i] === true && t.versionId !== undefined);
    const bypassAnswers = await bypassGovernanceForKeys(ctx, targets.filter((_, i) => bypassing[i]).map((t) => t.key));
    const bypass = bypassing.map((asked) => asked && bypassAnswers.shift() === true);
    const deleted: Array<Record<string, string | boolean | undefined>> = [];
    const errors: Array<Record<string, string | undefined>> = [];
    for (const [i, target] of targets.entries()) {
      if (allowed[i] !== true) {
        errors.push({ Key: target.key, VersionId: target.versionId, Code: 'AccessDenied', Message: S3_ERRORS.AccessDenied[1] });
        continue;
      }
      // S3 answers a version id it could never have issued with NoSuchVersion for that entry.
      if (target.versionId !== undefined && !isValidVersionId(target.versionId)) {
        errors.push({ Key: target.key, VersionId: target.versionId, Code: 'NoSuchVersion', Message: S3_ERRORS.NoSuchVersion[1] });
        continue;
      }
      try {
        const outcome = await ctx.services.objects.deleteObject(ctx.bucket as string, target.key, target.versionId, undefined, { bypassGovernance: bypass[i] === true });
        if (!quiet) deleted.push(deletedEntry(target, outcome));
      } catch (error) {
        const code = isAppError(error) ? APP_TO_S3[error.code] : 'InternalError';
        // A locked version is AccessDenied with AWS's own wording; other messages stay the catalogue's.
        const message = isAppError(error) && error.code === 'ObjectLocked' && error.hasCustomMessage ? error.message : S3_ERRORS[code][1];
        errors.push({ Key: target.key, VersionId: target.versionId, Code: code, Message: message });
      }
    }
    return { body: buildXml('DeleteResult', { Deleted: deleted, Error: errors }) };
  },
});
