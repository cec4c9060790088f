/**
 * The S3 request pipeline, the same fixed order for every request:
 * request id → address + route → authenticate (SigV4; clock skew) → authorize the operation's
 * declared checks → bucket existence (only after authorization, so 404 vs 403 leaks nothing)
 * → handler (reads the verified body lazily) → reply → audit event.
 * Protects: no handler runs, no body byte is read and no precondition is evaluated for a
 * caller that has not been authenticated and authorized. Errors never carry internals.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, newRequestId, type Clock } from '../../core/index.js';
import type { Authorizer } from '../../iam/authorizer/index.js';
import type { CredentialStore, Principal, StoredCredential } from '../../iam/credentials/index.js';
import type { AuditSink, Logger } from '../../observability/index.js';
import { authenticate } from '../common/index.js';
import { resolveAddress, type Address } from './addressing.js';
import { renderS3Error } from './errors/index.js';
import type { OperationContext, OperationSpec, S3Reply, S3Services } from './operation.js';
import { notImplemented } from './operations/index.js';
import { RequestBody } from './request-body.js';
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
}

const HOST_ID = randomBytes(24).toString('base64');

export function createS3Pipeline(deps: S3PipelineDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', HOST_ID);
    let operation = 'Unknown';
    let address: Address | undefined;
    let principal: Principal | undefined;
    let errorCode: string | undefined;
    try {
      address = resolveAddress(req.url ?? '/', req.headers.host, deps.domains);
      const method = req.method ?? 'GET';
      const name = routeRequest({ method, target: address.target, query: address.query, headers: req.headers });
      if (name === undefined) throw new AppError('MethodNotAllowed');
      operation = name;
      let found: StoredCredential | undefined;
      const auth = await authenticate(
        { method, rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders },
        {
          lookup: async (accessKeyId) => (found = await deps.credentials.lookup(accessKeyId)),
          now: deps.clock.now(),
          region: deps.region,
          services: ['s3'],
        },
      );
      principal = auth.kind === 'sigv4' ? found?.principal : undefined;
      const spec = deps.operations.get(name) ?? notImplemented(name);
      const route = { bucket: address.bucket, key: address.key, query: address.query, headers: req.headers };
      await deps.authorizer.authorize({ principal, checks: spec.authorize(route) });
      if (spec.needsBucket && address.bucket !== undefined) await deps.services.buckets.getBucket(address.bucket);
      const requestBody = new RequestBody(req, res, auth);
      const ctx: OperationContext = {
        ...route,
        requestId,
        operation: name,
        principal,
        services: deps.services,
        body: () => requestBody.stream(),
        readBody: (maxBytes) => requestBody.read(maxBytes),
        payloadLength: () => requestBody.declaredLength,
        trailers: () => requestBody.trailers(),
      };
      const reply = await spec.handle(ctx);
      await writeReply(req, res, reply);
    } catch (error) {
      errorCode = writeError(req, res, error, address?.rawPath ?? '/', requestId, deps.logger, operation);
    } finally {
      deps.audit.record({
        time: new Date().toISOString(),
        requestId,
        api: operation,
        bucket: address?.bucket,
        object: address?.key,
        statusCode: res.statusCode,
        errorCode,
        accessKey: principal?.accessKeyId,
        remoteHost: req.socket.remoteAddress,
        userAgent: req.headers['user-agent'],
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      });
    }
  };
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

function writeError(req: IncomingMessage, res: ServerResponse, error: unknown, resource: string, requestId: string, logger: Logger, operation: string): string {
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
  for (const [name, value] of Object.entries(rendered.headers)) res.setHeader(name, value);
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
 * A request body the handler did not read to the end: Node discards a small remainder after the
 * reply (keep-alive survives); a large or unknown one is not worth receiving, so the reply says
 * `Connection: close` and the socket is closed once it is sent.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024;

function settleUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || res.headersSent) return;
  const length = req.headers['content-length'];
  if (length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined)) return;
  if (length !== undefined && Number(length) <= DRAIN_LIMIT_BYTES) return;
  res.setHeader('connection', 'close');
  res.once('finish', () => req.socket.destroySoon());
}
