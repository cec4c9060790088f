/**
 * SigV4 authentication of a browser form upload (POST Object with a POST policy).
 * Protects: who may write through a form. The form carries `policy` (base64 JSON),
 * `x-amz-algorithm` = AWS4-HMAC-SHA256, `x-amz-credential` (AKID/date/region/s3/aws4_request),
 * `x-amz-date` and `x-amz-signature` = hex HMAC-SHA256(signing key, policy as sent).
 * Bound into the signature: the exact base64 policy text (expiration and every condition) and,
 * through the derived key, the date, region and service of the credential scope. The other form
 * fields are bound indirectly: the policy must cover every field (checked by the caller), so
 * x-amz-credential and x-amz-date are themselves policy conditions.
 * Invariants: same credential lookup and the same derived-key cache as header auth; the
 * signature and session token are compared in constant time; an unknown key is
 * InvalidAccessKeyId.
 * SigV2 forms (`AWSAccessKeyId` + base64 HMAC-SHA1 `signature`) are recognised only to be refused
 * with the same clear InvalidRequest as Signature V2 headers: HMAC-SHA1 is never a way in.
 */
import { AppError } from '../../../core/index.js';
import { ALGORITHM, parseAmzDate } from './canonical-request.js';
import { parseCredentialScope } from './credential-scope.js';
import type { AuthenticateOptions, SigningCredential } from './types.js';
import { checkToken, signatureMatches } from './verify.js';

export interface PostPolicyCredentials {
  policy: string;
  /** SigV2 form: `AWSAccessKeyId` and `signature` (base64 HMAC-SHA1 of the policy). */
  v2?: { accessKeyId: string | undefined; signature: string | undefined };
  algorithm: string | undefined;
  credential: string | undefined;
  date: string | undefined;
  signature: string | undefined;
  securityToken: string | undefined;
}

export interface PostPolicyAuthentication {
  accessKeyId: string;
  credential: SigningCredential;
  region: string;
  requestTime: Date;
}

function missing(field: string): AppError {
  return new AppError('InvalidArgument', {
    message: `Bucket POST must contain a field named '${field}'.  If it is specified, please check the order of the fields.`,
    fields: { ArgumentName: field, ArgumentValue: '' },
  });
}

async function lookupKey(accessKeyId: string, opts: AuthenticateOptions): Promise<SigningCredential> {
  const credential = await opts.lookup(accessKeyId);
  if (credential === undefined) {
    throw new AppError('InvalidAccessKeyId', {
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      fields: { AWSAccessKeyId: accessKeyId.slice(0, 128) },
    });
  }
  return credential;
}

function signatureMismatch(accessKeyId: string): AppError {
  return new AppError('SignatureDoesNotMatch', {
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    details: { accessKeyId, form: 'post-policy' },
  });
}

export async function authenticatePostPolicy(form: PostPolicyCredentials, opts: AuthenticateOptions): Promise<PostPolicyAuthentication> {
  // Signature V2 forms (AWSAccessKeyId + HMAC-SHA1) are refused like V2 headers: no downgrade.
  if (form.v2 !== undefined) {
    throw new AppError('UnsupportedSignature', {
      message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    });
  }
  if (form.algorithm === undefined) throw missing('x-amz-algorithm');
  if (form.algorithm !== ALGORITHM) {
    throw new AppError('UnsupportedSignature', {
      message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    });
  }
  if (form.credential === undefined) throw missing('x-amz-credential');
  if (form.date === undefined) throw missing('x-amz-date');
  if (form.signature === undefined) throw missing('x-amz-signature');
  const requestTime = parseAmzDate(form.date);
  if (requestTime === undefined) {
    throw new AppError('AuthorizationQueryParametersError', {
      message: "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
    });
  }
  const scope = parseCredentialScope('query', form.credential, {
    region: opts.region,
    services: opts.services,
    requestDate: form.date.slice(0, 8),
    amzDate: form.date,
  });
  const credential = await lookupKey(scope.accessKeyId, opts);
  if (!signatureMatches(credential, scope, form.policy, form.signature)) throw signatureMismatch(scope.accessKeyId);
  checkToken(credential, form.securityToken);
  return { accessKeyId: credential.accessKeyId, credential, region: scope.region, requestTime };
}
