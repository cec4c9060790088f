/**
 * Parsing of the SigV4 credential scope `AKID/YYYYMMDD/region/service/aws4_request` and of
 * the SignedHeaders list, shared by header and query authentication.
 * Protects: the scope pins the derived key to one day, region and service; a scope for
 * another region, service or date than the request is refused before any key is derived.
 * Inputs are bounded: the credential and SignedHeaders must fit in 1 KiB / 4 KiB.
 */
import { AppError } from '../../../core/index.js';

export type AuthKind = 'header' | 'query';

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  /** `date/region/service/aws4_request` */
  scope: string;
}

export function malformed(kind: AuthKind, reason: string, fields?: Record<string, string>): AppError {
  if (kind === 'header') {
    return new AppError('AuthorizationHeaderMalformed', {
      message: `The authorization header is malformed; ${reason}`,
      ...(fields === undefined ? {} : { fields }),
    });
  }
  return new AppError('AuthorizationQueryParametersError', {
    message: `Error parsing the X-Amz-Credential parameter; ${reason}`,
    ...(fields === undefined ? {} : { fields }),
  });
}

export interface ScopeExpectations {
  region: string;
  services: readonly string[];
  /** `YYYYMMDD` of the request time. */
  requestDate: string;
  /** The request time as sent, for the error message. */
  amzDate: string;
}

export function parseCredentialScope(kind: AuthKind, credential: string, expect: ScopeExpectations): CredentialScope {
  const parts = credential.length > 1024 ? [] : credential.split('/');
  // IAM and STS are global services: clients that leave the region empty (RGW's and Ceph's test
  // clients) sign the scope with an empty region. The empty string is still part of the signed
  // scope, so nothing becomes forgeable; S3 keeps requiring the configured region.
  const globalService = parts[3] === 'iam' || parts[3] === 'sts';
  if (parts.length !== 5 || parts.some((p, i) => p === '' && !(i === 2 && globalService))) {
    throw malformed(kind, 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (!/^\d{8}$/.test(date) || date !== expect.requestDate) {
    throw malformed(
      kind,
      `Invalid credential date "${date.slice(0, 16)}". This date is not the same as X-Amz-Date: "${expect.amzDate.slice(0, 16)}".`,
    );
  }
  if (region !== expect.region && !(region === '' && globalService)) {
    throw malformed(kind, `the region '${region.slice(0, 64)}' is wrong; expecting '${expect.region}'`, {
      Region: expect.region,
    });
  }
  if (!expect.services.includes(service)) {
    throw malformed(kind, `incorrect service "${service.slice(0, 64)}". This endpoint belongs to "${expect.services[0] ?? ''}".`);
  }
  if (terminator !== 'aws4_request') {
    throw malformed(kind, `incorrect terminal "${terminator.slice(0, 64)}". This endpoint uses "aws4_request".`);
  }
  return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/aws4_request` };
}

/** Recently parsed SignedHeaders lists (clients send the same few), frozen; bounded. */
const parsedSignedHeaders = new Map<string, readonly string[]>();
const MAX_PARSED_SIGNED_HEADERS = 256;

/** SignedHeaders: lower-case header names separated by ';'; returned sorted and unique, the
 * order the canonical request lists them in. */
export function parseSignedHeaders(kind: AuthKind, value: string): readonly string[] {
  const known = parsedSignedHeaders.get(value);
  if (known !== undefined) return known;
  const names = value.length > 4096 ? [] : value.split(';');
  const valid = names.length > 0 && names.every((n) => /^[a-z0-9!#$%&'*+\-.^_`|~]+$/.test(n));
  if (valid) {
    const parsed = Object.freeze([...new Set(names)].sort());
    if (parsedSignedHeaders.size >= MAX_PARSED_SIGNED_HEADERS) parsedSignedHeaders.clear();
    parsedSignedHeaders.set(value, parsed);
    return parsed;
  }
  if (kind === 'header') throw malformed('header', 'SignedHeaders must be a list of lower-case header names.');
  throw new AppError('AuthorizationQueryParametersError', {
    message: 'X-Amz-SignedHeaders must be a list of lower-case header names.',
  });
}

export function headersNotSigned(names: readonly string[]): AppError {
  return new AppError('AccessDenied', {
    message: 'There were headers present in the request which were not signed',
    fields: { HeadersNotSigned: names.join(', ') },
  });
}
