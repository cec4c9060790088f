/**
 * Entry point of request authentication: decides between anonymous, SigV4 header and SigV4
 * presigned-query authentication and refuses everything else.
 * Protects: every request reaching authorization carries either a verified identity or is
 * explicitly anonymous; there is no third state. SigV2 (header `AWS ak:sig` or query
 * AWSAccessKeyId/Signature) is refused with UnsupportedSignature; a request carrying both a
 * header and query signature is refused (InvalidArgument), so one mechanism cannot mask
 * another. The incoming request is never mutated.
 */
import { AppError } from '../../../core/index.js';
import { headerValue, indexHeaders } from './canonical-request.js';
import { authenticateHeader } from './header-auth.js';
import { authenticateQuery } from './query-auth.js';
import type { Authentication, AuthenticateOptions, IncomingSignedRequest } from './types.js';
import { canonicalQuery, canonicalUri, parseQuery } from './uri-encoding.js';

function unsupported(): AppError {
  return new AppError('UnsupportedSignature', {
    message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  });
}

export async function authenticate(req: IncomingSignedRequest, opts: AuthenticateOptions): Promise<Authentication> {
  const q = req.rawUrl.indexOf('?');
  const rawPath = q < 0 ? req.rawUrl : req.rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : req.rawUrl.slice(q + 1);
  const headers = indexHeaders(req.rawHeaders);
  const params = parseQuery(rawQuery);
  const names = new Set(params.map((p) => p.name));
  const authValues = headers.get('authorization');
  const queryV4 = names.has('X-Amz-Algorithm') || names.has('X-Amz-Signature') || names.has('X-Amz-Credential');
  const queryV2 = names.has('AWSAccessKeyId') || names.has('Signature');

  if (authValues !== undefined && (queryV4 || queryV2)) {
    throw new AppError('InvalidArgument', {
      message:
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      fields: { ArgumentName: 'Authorization' },
    });
  }
  if (authValues !== undefined) {
    if (authValues.length !== 1) {
      throw new AppError('InvalidArgument', {
        message: 'Only one Authorization header is allowed.',
        fields: { ArgumentName: 'Authorization' },
      });
    }
    const authorization = headerValue(headers, 'authorization')!.trim();
    if (authorization.startsWith('AWS ') || authorization.startsWith('AWS4-ECDSA-P256-SHA256')) throw unsupported();
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
      throw new AppError('InvalidArgument', {
        message: 'Unsupported Authorization Type',
        fields: { ArgumentName: 'Authorization' },
      });
    }
    return authenticateHeader(
      {
        method: req.method,
        canonicalUri: canonicalUri(rawPath),
        canonicalQuery: canonicalQuery(params),
        headers,
        authorization,
      },
      opts,
    );
  }
  if (queryV4) {
    return authenticateQuery({ method: req.method, canonicalUri: canonicalUri(rawPath), params, headers }, opts);
  }
  if (queryV2) throw unsupported();
  return { kind: 'anonymous' };
}
