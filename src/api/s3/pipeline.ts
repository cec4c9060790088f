/**
 * The S3 request pipeline, the same fixed order for every request:
 * request id → address + route → CORS headers for a browser Origin → authenticate (SigV4; clock
 * skew; a request without any signature is anonymous, one with a session token or aws-chunked
 * body but no signature is refused) → request facts (aws:SourceIp from the TCP peer or, behind a
 * configured trusted proxy, X-Forwarded-For; aws:SecureTransport from the socket; the signature
 * facts) → authorize the operation's declared checks with the principal (undefined: anonymous,
 * which only a bucket policy can admit) and those facts → bucket existence (only after
 * authorization, so 404 vs 403 leaks nothing) → handler (reads the verified body lazily) → reply
 * → audit event. Declared exceptions: the CORS preflight is anonymous and never authorized
 * (OperationAccess); PostObject authenticates from its form through ctx.admitFormCaller, which
 * runs the same authorize + bucket steps before the handler reads the file part; DeleteObjects
 * authorizes each key, and PutObjectRetention / PutObjectLegalHold their condition keys, after
 * reading the bounded body (OperationAdmission 'per-item').
 * Protects: no handler runs, no body byte is read and no precondition is evaluated for a
 * caller that has not been authenticated and authorized. Errors never carry internals.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, isAppError, newRequestId, type Clock } from '../../core/index.js';
import type { AuthorizationCheck, AuthorizationRequest, Authorizer, RequestFacts } from '../../iam/authorizer/index.js';
import type { CredentialStore, Principal, StoredCredential } from '../../iam/credentials/index.js';
import type { AuditSink, Logger } from '../../observability/index.js';
import { authenticate, authenticatePostPolicy, exchangeAuditFields, type Authentication, type PostPolicyCredentials } from '../common/index.js';
import { resolveAddress, type Address } from './addressing.js';
import { assertExpectedBucketOwner } from './expected-owner.js';
import { actualRequestCors } from './cors-headers.js';
import { refuseRequestSignature } from './post-form.js';
import { renderS3Error } from './errors/index.js';
import type { OperationContext, OperationSpec, S3Reply, S3Services } from './operation.js';
import { notImplemented } from './operations/index.js';
import { RequestBody } from './request-body.js';
import { isSecureTransport, requestFacts, sourceIpOf, trustedProxyMatcher } from './request-facts.js';
import { admitPerItem, objectTagLoader, refuseHalfSignedAnonymous, requestBuckets } from './request-scope.js';
import { routeRequest } from './router.js';

export interface S3PipelineDeps {
  services: S3Services;
  credentials: CredentialStore;
  authorizer: Authorizer;
  operations: ReadonlyMap<string, OperationSpec>;
  domains: readonly string[];
  region: string;
  clock: Clock;
  logger: Logger;
  audit: AuditSink;
  /** COFFER_TRUSTED_PROXIES: peers whose X-Forwarded-For is believed for aws:SourceIp. */
  trustedProxies?: readonly string[];
}

const HOST_ID = randomBytes(24).toString('base64');

export function createS3Pipeline(deps: S3PipelineDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const trusted = trustedProxyMatcher(deps.trustedProxies ?? []);
  const objectTags = objectTagLoader(deps.services);
  return async (req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', HOST_ID);
    let operation = 'Unknown';
    let address: Address | undefined;
    let principal: Principal | undefined;
    let errorCode: string | undefined;
    let cors: Record<string, string> = {};
    let formKey: string | undefined;
    try {
      address = resolveAddress(req.url ?? '/', req.headers.host, deps.domains);
      const method = req.method ?? 'GET';
      const name = routeRequest({ method, target: address.target, query: address.query, headers: req.headers });
      if (name === undefined) throw new AppError('MethodNotAllowed');
      operation = name;
      const spec = deps.operations.get(name) ?? notImplemented(name);
      const access = spec.access ?? 'signed';
      if (access !== 'anonymous') cors = await actualRequestCors(deps.services.buckets, address.bucket, method, req.headers);
      const receivedAt = deps.clock.now();
      let found: StoredCredential | undefined;
      const authOptions = {
        lookup: async (accessKeyId: string) => (found = await deps.credentials.lookup(accessKeyId)),
        now: receivedAt,
        region: deps.region,
        services: ['s3'],
      };
      const route = { bucket: address.bucket, key: address.key, query: address.query, headers: req.headers, now: receivedAt };
      let facts: RequestFacts | undefined;
      const buckets = requestBuckets(deps.services.buckets);
      const authorization = (checks: readonly AuthorizationCheck[]): AuthorizationRequest => ({ principal, checks, facts, objectTags, bucketPolicy: buckets.policy });
      const admit = async (checkedRoute: typeof route, extraChecks: AuthorizationCheck[] = []): Promise<void> => {
        if ((spec.admission ?? 'before-body') === 'per-item') await admitPerItem(principal, checkedRoute.bucket, buckets);
        else await deps.authorizer.authorize(authorization([...spec.authorize(checkedRoute), ...extraChecks]));
        if (spec.needsBucket && address?.bucket !== undefined) {
          const bucket = await buckets.record(address.bucket);
          if (bucket === undefined) throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
          assertExpectedBucketOwner(req.headers, 'x-amz-expected-bucket-owner', bucket, principal);
        }
      };
      let auth: Authentication = { kind: 'anonymous' };
      if (access === 'signed') {
        auth = await authenticate({ method, rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders }, authOptions);
        if (auth.kind === 'anonymous') refuseHalfSignedAnonymous(req, address.query);
        principal = auth.kind === 'sigv4' ? found?.principal : undefined;
        facts = requestFacts(req, trusted, receivedAt, auth);
        await admit(route);
      } else if (access === 'post-form') {
        refuseRequestSignature(req);
      }
      let formAdmitted = false;
      const admitFormCaller = async (form: PostPolicyCredentials | undefined, key: string, extraChecks: AuthorizationCheck[] = []): Promise<Principal | undefined> => {
        if (access !== 'post-form' || formAdmitted) throw new AppError('InternalError', { details: { reason: 'form admission out of place' } });
        formAdmitted = true;
        formKey = key;
        if (form !== undefined) {
          await authenticatePostPolicy(form, authOptions);
          principal = found?.principal;
        }
        facts = requestFacts(req, trusted, receivedAt, form !== undefined ? { kind: 'post-form' } : { kind: 'anonymous' });
        await admit({ ...route, key }, extraChecks);
        return principal;
      };
      const isAllowed = async (checks: readonly AuthorizationCheck[]): Promise<boolean[]> => {
        if (facts === undefined) throw new AppError('InternalError', { details: { reason: 'isAllowed before admission' } });
        if (deps.authorizer.explain) return (await deps.authorizer.explain(authorization(checks))).trace.map((t) => t.effect === 'Allow');
        return Promise.all(checks.map((check) => deps.authorizer.authorize(authorization([check])).then(() => true, (error: unknown) => {
          if (isAppError(error) && error.code === 'AccessDenied') return false;
          throw error;
        })));
      };
      const requestBody = new RequestBody(req, res, auth);
      let transport: OperationContext['transport'] | undefined;
      const ctx: OperationContext = {
        ...route,
        requestId,
        operation: name,
        principal,
        now: receivedAt,
        services: deps.services,
        // Only SSE-C asks: not worked out (X-Forwarded-For walk included) for every request.
        get transport() {
          return (transport ??= transportOf(req, trusted));
        },
        body: () => requestBody.stream(),
        readBody: (maxBytes) => requestBody.read(maxBytes),
        payloadLength: () => requestBody.declaredLength,
        trailers: () => requestBody.trailers(),
        admitFormCaller,
        isAllowed,
      };
      const reply = await spec.handle(ctx);
      // Defence in depth: a form operation that never admitted its caller must not succeed.
      if (access === 'post-form' && !formAdmitted) throw new AppError('InternalError', { details: { reason: `${name} did not admit its caller` } });
      await writeReply(req, res, { ...reply, headers: { ...cors, ...reply.headers } });
    } catch (error) {
      errorCode = writeError(req, res, error, address?.rawPath ?? '/', requestId, deps.logger, operation, cors);
    } finally {
      deps.audit.record({
        ...exchangeAuditFields(req, res, started),
        requestId,
        api: operation,
        bucket: address?.bucket,
        object: formKey ?? address?.key,
        errorCode,
        accessKey: principal?.accessKeyId,
      });
    }
  };
}

/** TLS, or a loopback client (the TCP peer, or the forwarded client behind a trusted proxy). */
function transportOf(req: IncomingMessage, trusted: ReturnType<typeof trustedProxyMatcher>): OperationContext['transport'] {
  const secure = isSecureTransport(req, trusted);
  const ip = sourceIpOf(req, trusted);
  const loopback = ip === '::1' || /^127\./.test(ip) || /^::ffff:127\./i.test(ip);
  return { secure, loopback };
}

async function writeReply(req: IncomingMessage, res: ServerResponse, reply: S3Reply): Promise<void> {
  res.statusCode = reply.status ?? 200;
  settleUnreadBody(req, res);
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    if (value !== undefined) res.setHeader(name, value);
  }
  const payload = reply.body;
  if (payload instanceof Readable) {
    if (req.method === 'HEAD') {
      payload.destroy();
      res.end();
      return;
    }
    await pipeline(payload, res);
    return;
  }
  if (payload === undefined) {
    if (!res.hasHeader('content-length')) res.setHeader('content-length', 0);
    res.end();
    return;
  }
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', bytes.length);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function writeError(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  resource: string,
  requestId: string,
  logger: Logger,
  operation: string,
  cors: Record<string, string>,
): string {
  // The client went away while its answer was streaming: nothing failed on our side.
  if (res.headersSent && (res.destroyed || (error as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE')) {
    logger.debug({ requestId, operation }, 'client closed the connection during the reply');
    res.destroy();
    return 'ClientClosedRequest';
  }
  const rendered = renderS3Error(error, resource, requestId, HOST_ID);
  if (rendered.unexpected) logger.error({ requestId, operation, err: error }, 'request failed');
  else if (error instanceof AppError && error.details) logger.debug({ requestId, operation, code: error.code, details: error.details }, 'request refused');
  if (res.headersSent) {
    res.destroy();
    return rendered.code;
  }
  for (const name of res.getHeaderNames()) {
    if (name !== 'x-amz-request-id' && name !== 'x-amz-id-2') res.removeHeader(name);
  }
  res.statusCode = rendered.status;
  settleUnreadBody(req, res);
  for (const [name, value] of Object.entries({ ...cors, ...rendered.headers })) res.setHeader(name, value);
  if (rendered.status === 304) {
    res.end();
    return rendered.code;
  }
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', Buffer.byteLength(rendered.body));
  res.end(req.method === 'HEAD' ? undefined : rendered.body);
  return rendered.code;
}

/**
 * A request body the handler did not read to the end: a small remainder is drained and discarded
 * (keep-alive survives; the body may still be piped into a decoder the handler abandoned, so it is
 * unpiped first); a large or unknown one is not worth receiving, so the reply says
 * `Connection: close` and the socket is closed once it is sent.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024;

function settleUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || res.headersSent) return;
  const length = req.headers['content-length'];
  if (length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined)) return;
  if (length !== undefined && Number(length) <= DRAIN_LIMIT_BYTES) {
    req.unpipe();
    req.resume();
    return;
  }
  res.setHeader('connection', 'close');
  res.once('finish', () => req.socket.destroySoon());
}
