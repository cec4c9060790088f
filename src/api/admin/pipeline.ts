/**
 * The admin API pipeline (/coffer/admin/v1/…, JSON, on the S3 port), the same fixed order for
 * every request: request id → authenticate (SigV4 Authorization header, service 's3', the same
 * authenticate() as S3) → route → read the body (≤ 64 KiB) and verify it against the signed
 * x-amz-content-sha256 → strict JSON → the endpoint's plan (input checks + declared IAM checks)
 * → Authorizer → run → JSON reply → audit event.
 * Protects every identity and policy. Invariants:
 *  - no anonymous, presigned, unsigned-payload or streaming request is admitted: the whole
 *    request, body included, is covered by a verified signature (CVE-2020-11012: never a key
 *    without its secret);
 *  - an unknown access key is verified against a random dummy secret, so it costs the same
 *    HMAC work as a wrong secret, and both answer the same 403 AccessDenied (errors.ts);
 *  - nothing runs before the Authorizer allowed every declared check; a plan without checks
 *    is an internal error (fail closed);
 *  - errors are JSON {"Code","Message","RequestId"}; details go to debug logs, never secrets
 *    (request bodies are never logged).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { AppError, newRequestId, Secret, type Clock } from '../../core/index.js';
import type { Authorizer, RequestFacts } from '../../iam/authorizer/index.js';
import type { CredentialStore, Principal, StoredCredential } from '../../iam/credentials/index.js';
import type { AuditSink, Logger } from '../../observability/index.js';
import type { IdentityService } from '../../services/index.js';
import { authenticate, exchangeAuditFields, type Authentication } from '../common/index.js';
import type { AdminContext, AdminEndpoint, ServerFacts } from './endpoint.js';
import { renderAdminError } from './errors.js';
import { AdminRouter } from './router.js';
import { parseStrictJson, type JsonValue } from './strict-json.js';

export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

export interface AdminApiDeps {
  identity: IdentityService;
  /** The same credential lookup the S3 pipeline uses (root access switch applied there). */
  credentials: CredentialStore;
  authorizer: Authorizer;
  endpoints: readonly AdminEndpoint[];
  region: string;
  version: string;
  startedAt: Date;
  clock: Clock;
  logger: Logger;
  audit: AuditSink;
  /** aws:SourceIp for this request (trusted-proxy aware); default: the TCP peer. */
  sourceIp?: (req: IncomingMessage) => string;
  /** aws:SecureTransport (TLS, or a trusted proxy's X-Forwarded-Proto: https); default: the socket is TLS. */
  secureTransport?: (req: IncomingMessage) => boolean;
}

const DUMMY_KEY_ID = '\u0000coffer-admin-unknown-key';
const DUMMY_SECRET = new Secret(randomBytes(30).toString('base64'));

export function createAdminHandler(deps: AdminApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const router = new AdminRouter(deps.endpoints);
  const server: ServerFacts = { version: deps.version, startedAt: deps.startedAt, region: deps.region };
  return async (req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    res.setHeader('x-amz-request-id', requestId);
    let api = 'Admin';
    let principal: Principal | undefined;
    let errorCode: string | undefined;
    try {
      const method = req.method ?? 'GET';
      const rawUrl = req.url ?? '/';
      const now = deps.clock.now();
      principal = await authenticateCaller(req, rawUrl, now, deps);
      const q = rawUrl.indexOf('?');
      const route = router.match(method, q < 0 ? rawUrl : rawUrl.slice(0, q));
      api = route.endpoint.name;
      const body = await readVerifiedBody(req, res);
      const facts = factsOf(req, now, deps.sourceIp?.(req) ?? req.socket.remoteAddress ?? '', secureTransportOf(req, deps));
      const ctx: AdminContext = { principal, identity: deps.identity, authorizer: deps.authorizer, facts, server, requestId, now };
      const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
      const plan = await route.endpoint.plan({ params: route.params, query, body }, ctx);
      if (plan.checks.length === 0) throw new AppError('InternalError', { details: { reason: `${api} declared no checks` } });
      await deps.authorizer.authorize({ principal, checks: plan.checks, facts, mode: plan.mode ?? 'normal' });
      const reply = await plan.run();
      writeJson(req, res, reply.status, reply.body === undefined ? undefined : JSON.stringify(reply.body));
    } catch (error) {
      const rendered = renderAdminError(error, requestId);
      errorCode = rendered.code;
      if (rendered.unexpected) deps.logger.error({ requestId, api, err: error }, 'admin request failed');
      else if (error instanceof AppError && error.details) deps.logger.debug({ requestId, api, code: error.code, details: error.details }, 'admin request refused');
      if (res.headersSent) res.destroy();
      else writeJson(req, res, rendered.status, rendered.body);
    } finally {
      deps.audit.record({
        ...exchangeAuditFields(req, res, started),
        requestId,
        api: `admin:${api}`,
        bucket: undefined,
        object: undefined,
        errorCode,
        accessKey: principal?.accessKeyId,
      });
    }
  };
}

/** A verified SigV4 header signature over a hashed payload, by a known principal; else AccessDenied. */
async function authenticateCaller(req: IncomingMessage, rawUrl: string, now: Date, deps: AdminApiDeps): Promise<Principal> {
  let found: StoredCredential | undefined;
  let auth: Authentication;
  try {
    auth = await authenticate(
      { method: req.method ?? 'GET', rawUrl, rawHeaders: req.rawHeaders },
      {
        lookup: async (accessKeyId) => {
          found = await deps.credentials.lookup(accessKeyId);
          return found ?? { accessKeyId: DUMMY_KEY_ID, secretKey: DUMMY_SECRET };
        },
        now,
        region: deps.region,
        services: ['s3'],
      },
    );
  } catch (error) {
    if (error instanceof AppError && (error.code === 'RequestTimeTooSkewed' || error.code === 'AuthorizationHeaderMalformed')) throw error;
    throw new AppError('AccessDenied', { details: { reason: 'authentication failed', code: error instanceof AppError ? error.code : 'unexpected' }, cause: error });
  }
  if (auth.kind !== 'sigv4' || auth.presigned || found === undefined) {
    throw new AppError('AccessDenied', { details: { reason: 'admin calls need a signed Authorization header' } });
  }
  if (auth.payload.kind !== 'sha256') {
    throw new AppError('AccessDenied', { details: { reason: 'admin calls need a signed payload hash', payload: auth.payload.kind } });
  }
  return found.principal;
}

function payloadHash(req: IncomingMessage): string {
  const value = req.headers['x-amz-content-sha256'];
  return typeof value === 'string' ? value.toLowerCase() : '';
}

/** The body, capped and checked against the signed hash; undefined when empty. */
async function readVerifiedBody(req: IncomingMessage, res: ServerResponse): Promise<JsonValue | undefined> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && (!/^\d{1,16}$/.test(declared) || Number(declared) > MAX_ADMIN_BODY_BYTES)) {
    throw new AppError('MaxMessageLengthExceeded', { message: `The request body is larger than ${MAX_ADMIN_BODY_BYTES} bytes.` });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > MAX_ADMIN_BODY_BYTES) {
      res.setHeader('connection', 'close');
      throw new AppError('MaxMessageLengthExceeded', { message: `The request body is larger than ${MAX_ADMIN_BODY_BYTES} bytes.` });
    }
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const actual = createHash('sha256').update(bytes).digest();
  const signed = Buffer.from(payloadHash(req), 'hex');
  if (signed.length !== actual.length || !timingSafeEqual(signed, actual)) {
    throw new AppError('XAmzContentSHA256Mismatch', { message: "The provided 'x-amz-content-sha256' header does not match what was computed." });
  }
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError('InvalidInput', { message: 'The request body is not valid UTF-8.' });
  }
  return parseStrictJson(text);
}

function secureTransportOf(req: IncomingMessage, deps: { secureTransport?: (req: IncomingMessage) => boolean }): boolean {
  return deps.secureTransport ? deps.secureTransport(req) : (req.socket as TLSSocket).encrypted === true;
}

function factsOf(req: IncomingMessage, now: Date, sourceIp: string, secureTransport: boolean): RequestFacts {
  return {
    sourceIp,
    secureTransport,
    authType: 'REST-HEADER',
    contentSha256: payloadHash(req),
    userAgent: req.headers['user-agent'],
    referer: req.headers.referer,
    now,
  };
}

function writeJson(req: IncomingMessage, res: ServerResponse, status: number, body: string | undefined): void {
  if (!req.complete) {
    // The body was not read (refused before it): do not wait for it on this connection.
    res.setHeader('connection', 'close');
    res.once('finish', () => req.socket.destroySoon());
  }
  res.statusCode = status;
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  if (body === undefined) {
    res.setHeader('content-length', 0);
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
