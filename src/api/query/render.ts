/** Response documents and value formatting shared by the IAM and STS actions. */
import { AppError } from '../../core/index.js';
import { buildXml, type XmlNode, type XmlValue } from '../common/index.js';
import { XMLNS, type QueryService } from './errors.js';
import type { QueryParams } from './params.js';

/** `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata><RequestId/></…></…>` */
export function renderResponse(service: QueryService, action: string, result: XmlNode | undefined, requestId: string): string {
  const body: XmlNode = {};
  if (result !== undefined) body[`${action}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  return buildXml(`${action}Response`, body, XMLNS[service]);
}

/** ISO 8601 in AWS's IAM form: seconds precision, `Z`. */
export function isoDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Policy documents travel URL-encoded (RFC 3986) in IAM responses, as AWS sends them. */
/** The <Credentials> of an STS answer: the only place a session's secret and token are revealed. */
export function credentialsXml(session: { accessKeyId: string; secretAccessKey: { reveal(): string }; sessionToken: { reveal(): string }; expiration: Date }): XmlNode {
  return {
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey.reveal(),
    SessionToken: session.sessionToken.reveal(),
    Expiration: isoDate(session.expiration),
  };
}

export function encodeDocument(json: string): string {
  return encodeURIComponent(json).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `{ member: [...] }`: the query protocol's list element. */
export function members(items: readonly XmlValue[]): XmlNode {
  return { member: [...items] };
}

export function tagList(tags: Readonly<Record<string, string>> | undefined): XmlNode {
  return members(Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value })));
}

export interface ListParams {
  pathPrefix: string | undefined;
  marker: string | undefined;
  maxItems: number;
}

export function listParams(params: QueryParams): ListParams {
  return {
    pathPrefix: params.string('PathPrefix'),
    marker: params.string('Marker'),
    maxItems: params.integer('MaxItems', 1, 1000) ?? 100,
  };
}

/** Marker/MaxItems paging over a list held in memory; the marker is the next offset, opaque. */
export function paginate<T>(items: readonly T[], list: { marker: string | undefined; maxItems: number }): { page: T[]; truncation: XmlNode } {
  let start = 0;
  if (list.marker !== undefined) {
    const decoded = Buffer.from(list.marker, 'base64url').toString('latin1');
    start = /^o\d{1,7}$/.test(decoded) ? Number(decoded.slice(1)) : NaN;
    if (Number.isNaN(start)) throw new AppError('InvalidInput', { message: 'Invalid Marker.' });
  }
  const page = items.slice(start, start + list.maxItems);
  const next = start + page.length;
  return { page, truncation: truncation(next < items.length ? Buffer.from(`o${next}`, 'latin1').toString('base64url') : undefined) };
}

/** `IsTruncated` and, when there is more, `Marker`. */
export function truncation(marker: string | undefined): XmlNode {
  return marker === undefined ? { IsTruncated: false } : { IsTruncated: true, Marker: marker };
}
