/**
 * GetObjectAttributes: the attributes named in x-amz-object-attributes (ETag, Checksum,
 * ObjectParts, StorageClass, ObjectSize) of the current version or of `?versionId=`, without the
 * body. As AWS: s3:GetObject + s3:GetObjectAttributes, or with a version id
 * s3:GetObjectVersion + s3:GetObjectVersionAttributes; the ETag comes without quotes; parts
 * (from a multipart object's part sizes) page with x-amz-max-parts / x-amz-part-number-marker.
 */
import { AppError } from '../../../core/index.js';
import type { ObjectVersionRecord } from '../../../storage/ports.js';
import { buildXml, type XmlNode } from '../../common/index.js';
import { defineOperation, type OperationContext, type RouteContext } from '../operation.js';
import { versionConditions } from './check-conditions.js';
import { hideMissingObject } from './missing-object.js';
import { liveVersion } from './object-tagging.js';
import { customerKeyOf } from './sse-headers.js';
import { readVersionIdHeader } from './version-headers.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];
const MAX_PARTS = 1000;

function attributesOf(ctx: OperationContext): Set<Attribute> {
  const raw = ctx.headers['x-amz-object-attributes'];
  const names = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) {
    throw new AppError('InvalidArgument', {
      message: 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
      fields: { ArgumentName: 'x-amz-object-attributes' },
    });
  }
  const out = new Set<Attribute>();
  for (const name of names) {
    const known = ATTRIBUTES.find((a) => a.toLowerCase() === name.toLowerCase());
    if (!known) throw new AppError('InvalidArgument', { message: 'Invalid attribute name specified.', fields: { ArgumentName: 'x-amz-object-attributes', ArgumentValue: name } });
    out.add(known);
  }
  return out;
}

function integerHeader(ctx: OperationContext, name: string, fallback: number, max: number): number {
  const raw = ctx.headers[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw.trim())) {
    throw new AppError('InvalidArgument', { message: `Invalid ${name} header.`, fields: { ArgumentName: name, ArgumentValue: String(raw) } });
  }
  return Math.min(Number(raw.trim()), max);
}

function partsXml(ctx: OperationContext, sizes: readonly number[]): XmlNode {
  const maxParts = integerHeader(ctx, 'x-amz-max-parts', MAX_PARTS, MAX_PARTS);
  const marker = integerHeader(ctx, 'x-amz-part-number-marker', 0, 10000);
  const numbers = sizes.map((size, i) => ({ PartNumber: i + 1, Size: size })).filter((p) => p.PartNumber > marker);
  const page = numbers.slice(0, maxParts);
  const truncated = numbers.length > page.length;
  return {
    PartsCount: sizes.length,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.at(-1)?.PartNumber ?? marker,
    MaxParts: maxParts,
    IsTruncated: truncated,
    Part: page,
  };
}

function attributesXml(ctx: OperationContext, record: ObjectVersionRecord, wanted: Set<Attribute>): string {
  const body: XmlNode = {};
  if (wanted.has('ETag')) body.ETag = record.etag.replace(/^"|"$/g, '');
  if (wanted.has('Checksum') && record.checksum) {
    body.Checksum = { [`Checksum${record.checksum.algorithm}`]: record.checksum.value, ChecksumType: record.checksum.type };
  }
  if (wanted.has('ObjectParts') && record.partSizes) body.ObjectParts = partsXml(ctx, record.partSizes);
  if (wanted.has('StorageClass')) body.StorageClass = record.storageClass;
  if (wanted.has('ObjectSize')) body.ObjectSize = record.size;
  return buildXml('GetObjectAttributesResponse', body);
}

function attributeChecks(route: RouteContext) {
  const versionId = route.query.get('versionId');
  const versioned = versionId !== undefined;
  const conditions = versionConditions(versionId);
  return [
    { action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', bucket: route.bucket, key: route.key, conditions },
    { action: versioned ? 's3:GetObjectVersionAttributes' : 's3:GetObjectAttributes', bucket: route.bucket, key: route.key, conditions },
  ];
}

export const GetObjectAttributes = defineOperation({
  name: 'GetObjectAttributes',
  needsBucket: true,
  authorize: attributeChecks,
  handle: async (ctx) => {
    const wanted = attributesOf(ctx);
    const record = await hideMissingObject(ctx, () => liveVersion(ctx, 'GET'));
    // As GetObject/HeadObject: an SSE-C version answers only to its key (400 without, 403 wrong).
    const customer = customerKeyOf(ctx);
    if (record.encryption?.mode === 'SSE-C' || customer !== undefined) await ctx.services.objects.objectKeyFor(record, customer);
    return {
      headers: { 'last-modified': record.lastModified.toUTCString(), 'x-amz-version-id': await readVersionIdHeader(ctx, record) },
      body: attributesXml(ctx, record, wanted),
    };
  },
});
