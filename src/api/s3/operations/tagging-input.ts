/**
 * Tag sets on the wire: the `x-amz-tagging` header and the `<Tagging><TagSet><Tag>` document of
 * Put/GetObjectTagging and Put/GetBucketTagging. Bodies are capped before parsing (the strict
 * XML reader refuses DTDs and entities); the document must have exactly the AWS shape.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../core/index.js';
import { parseTaggingHeader, validateTagSet, type Tag, type TagTarget } from '../../../domain/index.js';
import { buildXml, parseXml, S3_XMLNS, type XmlElement } from '../../common/xml/index.js';
import type { OperationContext } from '../operation.js';
import { contentMd5Of } from './put-object.js';

/** 10 tags of 128 + 256 characters, up to 4 UTF-8 bytes each, escaped: 64 KiB is ample. */
const MAX_OBJECT_TAGGING_BYTES = 64 * 1024;
/** 50 tags likewise. */
const MAX_BUCKET_TAGGING_BYTES = 256 * 1024;

export function taggingHeaderOf(headers: IncomingHttpHeaders): Tag[] | undefined {
  const value = headers['x-amz-tagging'];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new AppError('InvalidArgument', { message: 'Multiple x-amz-tagging headers are not allowed.', fields: { ArgumentName: 'x-amz-tagging' } });
  return parseTaggingHeader(value);
}

function onlyChildren(element: XmlElement, allowed: readonly string[]): void {
  if (element.children.some((c) => !allowed.includes(c.name))) throw new AppError('MalformedXML');
}

function exactlyOne(element: XmlElement, name: string): XmlElement {
  const found = element.children.filter((c) => c.name === name);
  if (found.length !== 1 || !found[0]) throw new AppError('MalformedXML');
  return found[0];
}

function leafText(element: XmlElement): string {
  if (element.children.length > 0) throw new AppError('MalformedXML');
  return element.text;
}

export function parseTaggingDocument(body: Buffer, target: TagTarget): Tag[] {
  if (body.length === 0) throw new AppError('MalformedXML');
  const doc = parseXml(body);
  if (doc.name !== 'Tagging' || (doc.namespace !== '' && doc.namespace !== S3_XMLNS)) throw new AppError('MalformedXML');
  onlyChildren(doc, ['TagSet']);
  const tagSet = exactlyOne(doc, 'TagSet');
  onlyChildren(tagSet, ['Tag']);
  const tags = tagSet.children.map((tag) => {
    onlyChildren(tag, ['Key', 'Value']);
    return { key: leafText(exactlyOne(tag, 'Key')), value: leafText(exactlyOne(tag, 'Value')) };
  });
  return validateTagSet(tags, target);
}

/** Reads a capped Tagging body, verifying Content-MD5 when sent. */
export async function readTaggingBody(ctx: OperationContext, target: TagTarget): Promise<Tag[]> {
  const contentMd5 = contentMd5Of(ctx);
  const body = await ctx.readBody(target === 'object' ? MAX_OBJECT_TAGGING_BYTES : MAX_BUCKET_TAGGING_BYTES);
  if (contentMd5 !== undefined && createHash('md5').update(body).digest('base64') !== contentMd5) throw new AppError('BadDigest');
  return parseTaggingDocument(body, target);
}

export function taggingXml(tags: readonly Tag[]): string {
  return buildXml('Tagging', { TagSet: { Tag: tags.map((t) => ({ Key: t.key, Value: t.value })) } });
}
