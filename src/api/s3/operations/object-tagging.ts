/**
 * PutObjectTagging, GetObjectTagging, DeleteObjectTagging: the tag set of the current version,
 * or of the version named by `?versionId=` (then the …VersionTagging IAM actions apply, as in
 * AWS). A delete marker has no tags: naming one by version id is 405, as GetObject does.
 */
import { AppError } from '../../../core/index.js';
import type { ObjectVersionRecord } from '../../../storage/ports.js';
import { defineOperation, type OperationContext, type RouteContext } from '../operation.js';
import { versionConditions } from './check-conditions.js';
import { readTaggingBody, taggingXml } from './tagging-input.js';
import { readVersionIdHeader } from './version-headers.js';

/** s3:PutObjectTagging or, with a version id, s3:PutObjectVersionTagging. */
function taggingCheck(verb: 'Put' | 'Get' | 'Delete') {
  return (route: RouteContext) => {
    const versionId = route.query.get('versionId');
    return [{ action: `s3:${verb}Object${versionId !== undefined ? 'Version' : ''}Tagging`, bucket: route.bucket, key: route.key, conditions: versionConditions(versionId) }];
  };
}

export async function liveVersion(ctx: OperationContext, method: string): Promise<ObjectVersionRecord> {
  const record = await ctx.services.objects.getObjectRecord(ctx.bucket as string, ctx.key as string, ctx.query.get('versionId'));
  if (record.isDeleteMarker) {
    throw new AppError('MethodNotAllowed', {
      headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': record.versionId, 'last-modified': record.lastModified.toUTCString(), allow: 'DELETE' },
      fields: { Method: method, ResourceType: 'DeleteMarker' },
    });
  }
  return record;
}

async function versionHeader(ctx: OperationContext, record: ObjectVersionRecord): Promise<Record<string, string | undefined>> {
  return { 'x-amz-version-id': await readVersionIdHeader(ctx, record) };
}

export const PutObjectTagging = defineOperation({
  name: 'PutObjectTagging',
  needsBucket: true,
  authorize: taggingCheck('Put'),
  handle: async (ctx) => {
    const tags = await readTaggingBody(ctx, 'object');
    const record = await liveVersion(ctx, 'PUT');
    const updated = await ctx.services.objects.replaceObjectTags(record, tags, ctx.query.has('versionId'));
    return { headers: await versionHeader(ctx, updated) };
  },
});

export const GetObjectTagging = defineOperation({
  name: 'GetObjectTagging',
  needsBucket: true,
  authorize: taggingCheck('Get'),
  handle: async (ctx) => {
    const record = await liveVersion(ctx, 'GET');
    return { headers: await versionHeader(ctx, record), body: taggingXml(record.tags ?? []) };
  },
});

export const DeleteObjectTagging = defineOperation({
  name: 'DeleteObjectTagging',
  needsBucket: true,
  authorize: taggingCheck('Delete'),
  handle: async (ctx) => {
    const record = await liveVersion(ctx, 'DELETE');
    if (record.tags !== undefined) await ctx.services.objects.replaceObjectTags(record, [], ctx.query.has('versionId'));
    return { status: 204, headers: await versionHeader(ctx, record) };
  },
});
