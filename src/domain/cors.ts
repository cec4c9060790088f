/**
 * Bucket CORS rules as S3 defines them: validation of a configuration and the matching of a
 * browser request (preflight or actual) against it. Pure values, no I/O.
 * Matching (first rule wins, as S3): the Origin matches an AllowedOrigin (one `*` wildcard
 * allowed, case-sensitive), the method is one of AllowedMethods, and for a preflight every
 * header in Access-Control-Request-Headers matches an AllowedHeader (case-insensitive, one `*`).
 */
import { AppError } from '../core/index.js';

export const CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;
export const MAX_CORS_RULES = 100;

export interface CorsRule {
  id?: string | undefined;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number | undefined;
}

export interface CorsRequest {
  origin: string;
  method: string;
  /** Lower-case names from Access-Control-Request-Headers (empty for actual requests). */
  requestHeaders: readonly string[];
}

function invalid(message: string): AppError {
  return new AppError('InvalidRequest', { message });
}

function wildcards(value: string): number {
  return value.split('*').length - 1;
}

/** Semantic checks S3 makes on PutBucketCors (the XML shape is checked by the caller). */
export function assertValidCorsRules(rules: readonly CorsRule[]): void {
  if (rules.length === 0 || rules.length > MAX_CORS_RULES) {
    throw new AppError('MalformedXML', { details: { reason: `CORS rule count ${rules.length}` } });
  }
  for (const rule of rules) {
    if (rule.allowedOrigins.length === 0 || rule.allowedMethods.length === 0) throw new AppError('MalformedXML');
    if (rule.id !== undefined && rule.id.length > 255) throw invalid('The ID of a CORS rule can be at most 255 characters long.');
    for (const method of rule.allowedMethods) {
      if (!(CORS_METHODS as readonly string[]).includes(method)) {
        throw invalid(`Found unsupported HTTP method in CORS config. Unsupported method is ${method.slice(0, 32)}`);
      }
    }
    for (const origin of rule.allowedOrigins) {
      if (wildcards(origin) > 1) throw invalid(`AllowedOrigin "${origin.slice(0, 256)}" can not have more than one wildcard.`);
    }
    for (const header of rule.allowedHeaders) {
      if (wildcards(header) > 1) throw invalid(`AllowedHeader "${header.slice(0, 256)}" can not have more than one wildcard.`);
    }
    if (rule.maxAgeSeconds !== undefined && (!Number.isSafeInteger(rule.maxAgeSeconds) || rule.maxAgeSeconds < 0)) {
      throw new AppError('MalformedXML');
    }
  }
}

/** `pattern` with at most one `*` standing for any (possibly empty) run of characters. */
function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

/** The first rule allowing the request, or undefined. */
export function matchCorsRule(rules: readonly CorsRule[], request: CorsRequest): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((o) => wildcardMatch(o, request.origin)) &&
      rule.allowedMethods.includes(request.method) &&
      request.requestHeaders.every((h) => rule.allowedHeaders.some((a) => wildcardMatch(a.toLowerCase(), h))),
  );
}

/**
 * The response headers for an allowed request. `*` as the allowed origin answers `*` without
 * credentials; any other origin is echoed with Access-Control-Allow-Credentials, as S3 does.
 */
export function corsResponseHeaders(rule: CorsRule, request: CorsRequest, preflight: boolean): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const headers: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : request.origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!anyOrigin) headers['access-control-allow-credentials'] = 'true';
  if (preflight && request.requestHeaders.length > 0) headers['access-control-allow-headers'] = request.requestHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  if (rule.exposeHeaders.length > 0) headers['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  return headers;
}

/** Access-Control-Request-Headers → trimmed lower-case names. */
export function parseRequestHeaderList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
}
