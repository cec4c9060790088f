import { strict as assert } from 'node:assert';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { AppError, APP_ERROR_CODES } from '../../core/index.js';
import { APP_TO_QUERY, QUERY_ERRORS, QueryError, renderQueryError } from './errors.js';
import { QueryParams } from './params.js';
import { encodeDocument, isoDate, paginate, renderResponse } from './render.js';
import { isQueryRequest } from './request.js';

function fakeRequest(method: string, url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method, url, headers } as unknown as IncomingMessage;
}

describe('query-protocol parameters', () => {
  it('merges the query string and the form body, decoding + and %XX', () => {
    const p = QueryParams.parse('Action=CreateUser&Version=2010-05-08', 'UserName=a%2Bb&Path=%2Fteam+x%2F');
    assert.equal(p.required('Action'), 'CreateUser');
    assert.equal(p.string('UserName'), 'a+b');
    assert.equal(p.string('Path'), '/team x/');
  });

  it('refuses a parameter given twice, in one place or across both', () => {
    assert.throws(() => QueryParams.parse('UserName=a', 'UserName=b'), (e: AppError) => e.code === 'InvalidParameterValue');
    assert.throws(() => QueryParams.parse('', 'UserName=a&UserName=a'), (e: AppError) => e.code === 'InvalidParameterValue');
  });

  it('reads flattened lists and tags in order, refusing duplicate tag keys case-insensitively', () => {
    const p = QueryParams.parse('', 'TagKeys.member.1=a&TagKeys.member.2=b&TagKeys.member.4=d&Tags.member.1.Key=__proto__&Tags.member.1.Value=x&Tags.member.2.Key=Team');
    assert.deepEqual(p.list('TagKeys'), ['a', 'b']);
    const tags = p.tags()!;
    assert.deepEqual(Object.keys(tags), ['__proto__', 'Team']);
    assert.equal(tags.Team, '');
    assert.equal(Object.getPrototypeOf(tags), Object.prototype);
    assert.throws(() => QueryParams.parse('', 'Tags.member.1.Key=a&Tags.member.2.Key=A').tags(), (e: AppError) => e.code === 'InvalidInput');
  });

  it('names a missing parameter the way AWS validation does', () => {
    assert.throws(
      () => QueryParams.parse('', '').required('UserName'),
      (e: AppError) => e.code === 'MissingParameter' && e.message.includes("Value null at 'userName'"),
    );
  });

  it('bounds integers and rejects non-numbers and non-booleans', () => {
    const p = QueryParams.parse('', 'MaxItems=0&DurationSeconds=99999&X=1e3&B=yes&C=true');
    assert.throws(() => p.integer('MaxItems', 1, 1000), /greater than or equal to 1/);
    assert.throws(() => p.integer('DurationSeconds', 900, 43200), /less than or equal to 43200/);
    assert.throws(() => p.integer('X', 0, 10), /must be a number/);
    assert.throws(() => p.boolean('B'), /true or false/);
    assert.equal(p.boolean('C'), true);
    assert.equal(p.integer('Absent', 1, 2), undefined);
  });
});

describe('query-protocol routing', () => {
  it('takes POST / with a form body, whatever it is signed for', () => {
    assert.equal(isQueryRequest(fakeRequest('POST', '/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })), true);
  });

  it('takes GET /?Action= only when signed for iam or sts', () => {
    const auth = (service: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00` });
    assert.equal(isQueryRequest(fakeRequest('GET', '/?Action=ListUsers&Version=2010-05-08', auth('iam'))), true);
    assert.equal(isQueryRequest(fakeRequest('GET', '/?Action=GetCallerIdentity', auth('sts'))), true);
    assert.equal(isQueryRequest(fakeRequest('GET', '/?Action=ListUsers', auth('s3'))), false);
    assert.equal(isQueryRequest(fakeRequest('GET', '/?Action=ListUsers')), false);
    const presigned = '/?Action=ListUsers&X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fiam%2Faws4_request&X-Amz-Signature=00';
    assert.equal(isQueryRequest(fakeRequest('GET', presigned)), true);
  });

  it('leaves S3 requests alone: other paths, other methods, other content types', () => {
    assert.equal(isQueryRequest(fakeRequest('POST', '/bucket', { 'content-type': 'application/x-www-form-urlencoded' })), false);
    assert.equal(isQueryRequest(fakeRequest('POST', '/', { 'content-type': 'multipart/form-data; boundary=x' })), false);
    assert.equal(isQueryRequest(fakeRequest('POST', '/?delete', { 'content-type': 'application/xml' })), false);
    assert.equal(isQueryRequest(fakeRequest('GET', '/')), false);
    const form = { 'content-type': 'application/x-www-form-urlencoded', host: 'photos.s3.example.com:9000' };
    assert.equal(isQueryRequest(fakeRequest('POST', '/', form), ['s3.example.com']), false);
    assert.equal(isQueryRequest(fakeRequest('POST', '/', { ...form, host: 's3.example.com:9000' }), ['s3.example.com']), true);
    assert.equal(isQueryRequest(fakeRequest('PUT', '/?Action=x', { authorization: 'AWS4-HMAC-SHA256 Credential=A/20260101/r/iam/aws4_request' })), false);
  });
});

describe('query-protocol errors', () => {
  it('maps every AppErrorCode to a wire code with a status', () => {
    for (const code of APP_ERROR_CODES) assert.ok(QUERY_ERRORS[APP_TO_QUERY[code]], code);
  });

  it('renders the AWS ErrorResponse document with Type, Code, Message and RequestId', () => {
    const r = renderQueryError(new AppError('NoSuchEntity', { message: 'The user with name bob cannot be found.' }), 'iam', 'REQ1');
    assert.equal(r.status, 404);
    assert.match(r.body, /^<\?xml[^>]*>\n<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>The user with name bob cannot be found\.<\/Message><\/Error><RequestId>REQ1<\/RequestId><\/ErrorResponse>$/);
  });

  it('uses the AWS statuses for the IAM conflict and validation codes', () => {
    const status = (code: AppError['code']) => renderQueryError(new AppError(code), 'iam', 'r').status;
    assert.deepEqual(
      ['EntityAlreadyExists', 'DeleteConflict', 'LimitExceeded', 'MalformedPolicyDocument', 'InvalidInput', 'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'].map((c) => status(c as AppError['code'])),
      [409, 409, 409, 400, 400, 403, 403, 403],
    );
    assert.equal(renderQueryError(new AppError('MissingParameter'), 'iam', 'r').code, 'ValidationError');
    assert.equal(renderQueryError(new AppError('MissingParameter'), 'sts', 'r').code, 'MissingParameter');
  });

  it('never tells an unknown key from a bad signature or token beyond the AWS code and default text', () => {
    const unknown = renderQueryError(new AppError('InvalidAccessKeyId', { message: 'AKIA123 does not exist' }), 'iam', 'r');
    const token = renderQueryError(new AppError('InvalidToken', { message: 'token mismatch detail' }), 'sts', 'r');
    assert.equal(unknown.code, 'InvalidClientTokenId');
    assert.equal(token.code, 'InvalidClientTokenId');
    assert.doesNotMatch(unknown.body + token.body, /AKIA123|detail/);
  });

  it('answers STS AccessDenied for an unknown role, without the service message', () => {
    const r = renderQueryError(new AppError('NoSuchEntity', { message: 'role secret-role cannot be found' }), 'sts', 'r');
    assert.equal(r.code, 'AccessDenied');
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.body, /secret-role/);
  });

  it('hides anything that is not an AppError behind an opaque fault', () => {
    const iam = renderQueryError(new Error('SQLITE_CORRUPT at /var/lib/x'), 'iam', 'r');
    const sts = renderQueryError(new TypeError('boom'), 'sts', 'r');
    assert.deepEqual([iam.code, iam.status, iam.unexpected], ['ServiceFailure', 500, true]);
    assert.equal(sts.code, 'InternalFailure');
    assert.doesNotMatch(iam.body, /SQLITE|var/);
    assert.match(iam.body, /<Type>Receiver<\/Type>/);
  });

  it('words clock skew as AWS does (SignatureDoesNotMatch, Signature expired)', () => {
    const r = renderQueryError(
      new AppError('RequestTimeTooSkewed', { fields: { RequestTime: '20260101T000000Z', ServerTime: '2026-01-01T01:00:00.000Z', MaxAllowedSkewMilliseconds: '900000' } }),
      'iam',
      'r',
    );
    assert.equal(r.code, 'SignatureDoesNotMatch');
    assert.match(r.body, /Signature expired: 20260101T000000Z is now earlier than 20260101T004500Z \(20260101T010000Z - 15 min\.\)/);
  });

  it('renders protocol errors as given', () => {
    const r = renderQueryError(new QueryError('MissingAuthenticationToken'), 'iam', 'r');
    assert.deepEqual([r.code, r.status], ['MissingAuthenticationToken', 403]);
  });
});

describe('query-protocol responses', () => {
  it('wraps a result in ActionResponse/ActionResult with ResponseMetadata', () => {
    const xml = renderResponse('sts', 'GetCallerIdentity', { Account: '000000000000' }, 'RID');
    assert.match(xml, /<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><Account>000000000000<\/Account><\/GetCallerIdentityResult><ResponseMetadata><RequestId>RID<\/RequestId><\/ResponseMetadata><\/GetCallerIdentityResponse>$/);
    assert.match(renderResponse('iam', 'DeleteUser', undefined, 'R'), /<DeleteUserResponse[^>]*><ResponseMetadata>/);
  });

  it('formats dates as AWS does and URL-encodes documents per RFC 3986', () => {
    assert.equal(isoDate(new Date('2026-02-03T04:05:06.789Z')), '2026-02-03T04:05:06Z');
    const doc = '{"Resource":"arn:aws:s3:::b/*","Sid":"it\'s (x)!"}';
    assert.equal(encodeDocument(doc), '%7B%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Ab%2F%2A%22%2C%22Sid%22%3A%22it%27s%20%28x%29%21%22%7D');
    assert.equal(decodeURIComponent(encodeDocument(doc)), doc);
  });

  it('pages a list with an opaque marker and refuses a forged one', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const first = paginate(items, { marker: undefined, maxItems: 2 });
    assert.deepEqual(first.page, ['a', 'b']);
    assert.equal(first.truncation.IsTruncated, true);
    const second = paginate(items, { marker: first.truncation.Marker as string, maxItems: 3 });
    assert.deepEqual(second.page, ['c', 'd', 'e']);
    assert.deepEqual(second.truncation, { IsTruncated: false });
    assert.throws(() => paginate(items, { marker: 'garbage', maxItems: 2 }), (e: AppError) => e.code === 'InvalidInput');
  });
});
