/**
 * PutBucketCors, GetBucketCors, DeleteBucketCors. The configuration is XML (≤ 64 KiB, capped
 * before parsing, Content-MD5 or a flexible checksum required and verified), ≤ 100 rules, and is
 * stored in the bucket record. Validation of the rules themselves lives in domain/cors.ts.
 */
import { AppError } from '../../../core/index.js';
import { assertValidCorsRules, type CorsRule } from '../../../domain/index.js';
import { buildXml, parseXml, S3_XMLNS, type XmlElement } from '../../common/xml/index.js';
import { defineOperation } from '../operation.js';
import { readVerifiedBody } from './verified-body.js';
import { bucketCheck } from './check-conditions.js';

const MAX_CORS_BODY_BYTES = 64 * 1024;
const RULE_FIELDS = new Set(['ID', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'MaxAgeSeconds']);


function leafTexts(rule: XmlElement, name: string): string[] {
  return rule.children.filter((c) => c.name === name).map((c) => {
    if (c.children.length > 0) throw new AppError('MalformedXML');
    return c.text.trim();
  });
}

export function parseCorsConfiguration(body: Buffer): CorsRule[] {
  if (body.length === 0) throw new AppError('MalformedXML');
  const doc = parseXml(body);
  if (doc.name !== 'CORSConfiguration' || (doc.namespace !== '' && doc.namespace !== S3_XMLNS)) throw new AppError('MalformedXML');
  if (doc.children.some((c) => c.name !== 'CORSRule')) throw new AppError('MalformedXML');
  const rules = doc.children.map((element): CorsRule => {
    if (element.children.some((c) => !RULE_FIELDS.has(c.name))) throw new AppError('MalformedXML');
    const ids = leafTexts(element, 'ID');
    const maxAge = leafTexts(element, 'MaxAgeSeconds');
    if (ids.length > 1 || maxAge.length > 1) throw new AppError('MalformedXML');
    if (maxAge[0] !== undefined && !/^\d{1,10}$/.test(maxAge[0])) throw new AppError('MalformedXML');
    return {
      ...(ids[0] !== undefined ? { id: ids[0] } : {}),
      allowedOrigins: leafTexts(element, 'AllowedOrigin'),
      allowedMethods: leafTexts(element, 'AllowedMethod'),
      allowedHeaders: leafTexts(element, 'AllowedHeader'),
      exposeHeaders: leafTexts(element, 'ExposeHeader'),
      ...(maxAge[0] !== undefined ? { maxAgeSeconds: Number(maxAge[0]) } : {}),
    };
  });
  assertValidCorsRules(rules);
  return rules;
}

export const PutBucketCors = defineOperation({
  name: 'PutBucketCors',
  needsBucket: true,
  authorize: bucketCheck('s3:PutBucketCORS'),
  handle: async (ctx) => {
    const rules = parseCorsConfiguration(await readVerifiedBody(ctx, MAX_CORS_BODY_BYTES));
    await ctx.services.buckets.setCors(ctx.bucket as string, rules);
    return {};
  },
});

export const GetBucketCors = defineOperation({
  name: 'GetBucketCors',
  needsBucket: true,
  authorize: bucketCheck('s3:GetBucketCORS'),
  handle: async (ctx) => {
    const { cors } = await ctx.services.buckets.getBucket(ctx.bucket as string);
    if (!cors) throw new AppError('NoSuchCORSConfiguration', { message: 'The CORS configuration does not exist', fields: { BucketName: ctx.bucket as string } });
    const body = buildXml('CORSConfiguration', {
      CORSRule: cors.map((rule) => ({
        ID: rule.id,
        AllowedHeader: rule.allowedHeaders,
        AllowedMethod: rule.allowedMethods,
        AllowedOrigin: rule.allowedOrigins,
        ExposeHeader: rule.exposeHeaders,
        MaxAgeSeconds: rule.maxAgeSeconds,
      })),
    });
    return { body };
  },
});

export const DeleteBucketCors = defineOperation({
  name: 'DeleteBucketCors',
  needsBucket: true,
  authorize: bucketCheck('s3:PutBucketCORS'),
  handle: async (ctx) => {
    await ctx.services.buckets.setCors(ctx.bucket as string, undefined);
    return { status: 204 };
  },
});
