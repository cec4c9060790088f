/**
 * ListObjectVersions (`GET /bucket?versions`): prefix, delimiter, key-marker, version-id-marker,
 * max-keys, encoding-type=url. Versions and delete markers come in key order, newest first.
 */
import { AppError } from '../../../core/index.js';
import { assertValidVersionId } from '../../../domain/index.js';
import type { ObjectVersionSummary } from '../../../storage/ports.js';
import { buildXml, xmlFragment, type XmlNode } from '../../common/xml/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { ownerXml } from './bucket-operations.js';
import { listConditions } from './check-conditions.js';
import { delimiterOf, encoderOf, maxKeysOf } from './list-objects.js';

function markersOf(ctx: OperationContext): { keyMarker: string; versionIdMarker: string } {
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const versionIdMarker = ctx.query.get('version-id-marker') ?? '';
  if (versionIdMarker !== '') {
    if (keyMarker === '') {
      throw new AppError('InvalidArgument', {
        message: 'A version-id marker cannot be specified without a key marker.',
        fields: { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker },
      });
    }
    assertValidVersionId(versionIdMarker, 'version-id-marker');
  }
  return { keyMarker, versionIdMarker };
}

function entryXml(ctx: OperationContext, v: ObjectVersionSummary, encode: (value: string) => string): [string, XmlNode] {
  const common = { Key: encode(v.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: v.lastModified };
  if (v.isDeleteMarker) return ['DeleteMarker', { ...common, Owner: ownerXml(ctx) }];
  return [
    'Version',
    {
      ...common,
      ETag: v.etag,
      ...(v.checksum ? { ChecksumAlgorithm: v.checksum.algorithm, ChecksumType: v.checksum.type } : {}),
      Size: v.size,
      Owner: ownerXml(ctx),
      StorageClass: v.storageClass,
    },
  ];
}

export const ListObjectVersions = defineOperation({
  name: 'ListObjectVersions',
  needsBucket: true,
  authorize: (route) => [{ action: 's3:ListBucketVersions', bucket: route.bucket, conditions: listConditions(route.query) }],
  handle: async (ctx) => {
    const maxKeys = maxKeysOf(ctx);
    const encode = encoderOf(ctx);
    const { keyMarker, versionIdMarker } = markersOf(ctx);
    const prefix = ctx.query.get('prefix') ?? '';
    const delimiter = delimiterOf(ctx);
    const page =
      maxKeys === 0
        ? { versions: [], commonPrefixes: [], isTruncated: false, nextKeyMarker: undefined, nextVersionIdMarker: undefined }
        : await ctx.services.objects.listObjectVersions({
            bucket: ctx.bucket as string, prefix, delimiter: delimiter ?? '', keyMarker, versionIdMarker, limit: maxKeys,
          });
    const head = buildXml('ListVersionsResult', {
      Name: ctx.bucket,
      Prefix: encode(prefix),
      KeyMarker: encode(keyMarker),
      VersionIdMarker: versionIdMarker,
      NextKeyMarker: page.isTruncated && page.nextKeyMarker !== undefined ? encode(page.nextKeyMarker) : undefined,
      NextVersionIdMarker: page.isTruncated ? page.nextVersionIdMarker : undefined,
      MaxKeys: maxKeys,
      Delimiter: delimiter === undefined ? undefined : encode(delimiter),
      IsTruncated: page.isTruncated,
      EncodingType: ctx.query.has('encoding-type') ? 'url' : undefined,
    });
    // Versions and delete markers interleave in listing order, then the common prefixes.
    const entries = page.versions.map((v) => xmlFragment(...entryXml(ctx, v, encode))).join('');
    const prefixes = xmlFragment('CommonPrefixes', page.commonPrefixes.map((p) => ({ Prefix: encode(p) })));
    const close = '</ListVersionsResult>';
    const body = `${head.slice(0, -close.length)}${entries}${prefixes}${close}`;
    return { body };
  },
});
