/**
 * OPTIONS object / bucket: the CORS preflight. Browsers send it without credentials, so it is
 * the one operation declared anonymous (see OperationAccess); it reads the bucket's CORS rules
 * and nothing else, and changes nothing. A missing bucket, a bucket without CORS configuration
 * and a request no rule allows all get the same 403, so the preflight is no bucket oracle.
 */
import { AppError } from '../../../core/index.js';
import { corsResponseHeaders, matchCorsRule, parseRequestHeaderList } from '../../../domain/index.js';
import { defineOperation } from '../operation.js';

function notAllowed(): AppError {
  return new AppError('CORSForbidden', {
    message:
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

export const OptionsPreflight = defineOperation({
  name: 'OptionsPreflight',
  access: 'anonymous',
  needsBucket: false,
  authorize: () => [],
  handle: async (ctx) => {
    const origin = single(ctx.headers.origin);
    if (origin === undefined || origin === '') {
      throw new AppError('InvalidRequest', { message: 'Insufficient information. Origin request header needed.' });
    }
    const method = single(ctx.headers['access-control-request-method']);
    if (method === undefined || method === '') {
      throw new AppError('InvalidRequest', { message: `Invalid Access-Control-Request-Method: ${method ?? 'null'}` });
    }
    const request = { origin, method, requestHeaders: parseRequestHeaderList(single(ctx.headers['access-control-request-headers'])) };
    const bucket = await ctx.services.buckets.findBucket(ctx.bucket as string).catch(() => undefined);
    const rule = bucket?.cors ? matchCorsRule(bucket.cors, request) : undefined;
    if (!rule) throw notAllowed();
    return { headers: corsResponseHeaders(rule, request, true) };
  },
});
