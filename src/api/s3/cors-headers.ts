/**
 * CORS headers for actual (non-preflight) browser requests: a request with an Origin header
 * whose origin and method match a rule of the bucket's CORS configuration gets the
 * Access-Control-* headers, on success and on error replies alike (a browser can then read the
 * error). Nothing is added otherwise. Computed before authentication: the configuration is what
 * any anonymous preflight can already learn, so this reveals nothing new.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { corsResponseHeaders, matchCorsRule } from '../../domain/index.js';
import type { BucketService } from '../../services/index.js';

export async function actualRequestCors(
  buckets: BucketService,
  bucket: string | undefined,
  method: string,
  headers: IncomingHttpHeaders,
): Promise<Record<string, string>> {
  const origin = headers.origin;
  if (bucket === undefined || typeof origin !== 'string' || origin === '') return {};
  const record = await buckets.findBucket(bucket).catch(() => undefined);
  if (!record?.cors) return {};
  const request = { origin, method, requestHeaders: [] };
  const rule = matchCorsRule(record.cors, request);
  return rule ? corsResponseHeaders(rule, request, false) : {};
}
