/**
 * The AWS query-protocol pipeline (IAM 2010-05-08, STS 2011-06-15) on the API port, in a fixed
 * order: request id → bounded body read → parameters (query + form body) → authenticate (SigV4,
 * service iam or sts from the credential scope, payload hash computed from the received body;
 * clock skew as S3) → Version and Action of that service → the action's declared checks through
 * the Authorizer → handler → reply → audit event.
 * Protects: no action runs for an unauthenticated caller (MissingAuthenticationToken) or one the
 * Authorizer refuses; an action of the other service is InvalidAction, so an IAM-scoped
 * signature never reaches STS and vice versa. Errors carry no internals.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { AppError, newRequestId, type Clock } from '../../core/index.js';
import type { Authorizer, RequestFacts } from '../../iam/authorizer/index.js';
import type { Principal, StoredCredential } from '../../iam/credentials/index.js';
import type { AuditSink, Logger } from '../../observability/index.js';
import type { FederationService, IdentityService } from '../../services/index.js';
import { authenticate, exchangeAuditFields, type Authentication } from '../common/index.js';
import type { ActionSpec, Admission } from './action.js';
import { QueryError, renderQueryError, type QueryService } from './errors.js';
import { IAM_ACTIONS, IAM_VERSION } from './iam/index.js';
import { QueryParams } from './params.js';
import { renderResponse } from './render.js';
import { isFormRequest, MAX_BODY_BYTES, readBody } from './request.js';
import { FEDERATED_ACTIONS, STS_ACTIONS, STS_VERSION } from './sts/index.js';

export interface QueryHandlerDeps {
  identity: IdentityService;
  /** STS with LDAP / OpenID identities; absent: those actions answer that sign-in is not configured. */
  federation?: FederationService;
  authorizer: Authorizer;
  region: string;
  clock: Clock;
  logger: Logger;
  audit: AuditSink;
  /** aws:SourceIp for this request (trusted-proxy aware); default: the TCP peer. */
  sourceIp?: (req: IncomingMessage) => string;
  /** aws:SecureTransport (TLS, or a trusted proxy's X-Forwarded-Proto: https); default: the socket is TLS. */
  secureTransport?: (req: IncomingMessage) => boolean;
}

const SERVICES: Record<QueryService, { version: string; actions: ReadonlyMap<string, ActionSpec> }> = {
  iam: { version: IAM_VERSION, actions: IAM_ACTIONS },
  sts: { version: STS_VERSION, actions: STS_ACTIONS },
};

function actionOf(service: QueryService, params: QueryParams): [string, ActionSpec] {
  const { version, actions } = SERVICES[service];
  const action = params.string('Action');
  if (action === undefined || action === '') throw new QueryError('MissingAction', 'Missing Action');
  const sent = params.string('Version');
  if (sent === undefined) throw new QueryError('MissingParameter', 'The request must contain the parameter Version');
  const spec = sent === version ? actions.get(action) : undefined;
  if (spec === undefined) {
    throw new QueryError('InvalidAction', `Could not find operation ${action.slice(0, 64)} for version ${sent.slice(0, 16)}`);
  }
  return [action, spec];
}

function secureTransportOf(req: IncomingMessage, deps: { secureTransport?: (req: IncomingMessage) => boolean }): boolean {
  return deps.secureTransport ? deps.secureTransport(req) : (req.socket as TLSSocket).encrypted === true;
}

function factsOf(req: IncomingMessage, auth: Authentication, now: Date, sourceIp: string, secureTransport: boolean): RequestFacts {
  return {
    sourceIp,
    secureTransport,
    ...(auth.kind === 'sigv4' ? { authType: auth.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER' } : {}),
    ...(auth.kind === 'sigv4' && auth.presigned ? { signatureAgeMs: Math.max(0, now.getTime() - auth.requestTime.getTime()) } : {}),
    userAgent: req.headers['user-agent'],
    referer: req.headers.referer,
    now,
  };
}

async function authorize(authorizer: Authorizer, principal: Principal, admission: Admission, facts: RequestFacts): Promise<void> {
  try {
    await authorizer.authorize({ principal, checks: admission.checks, facts, mode: admission.mode ?? 'normal' });
  } catch (error) {
    const only = admission.checks.length === 1 ? admission.checks[0] : undefined;
    if (error instanceof AppError && error.code === 'AccessDenied' && only !== undefined) {
      throw new AppError('AccessDenied', {
        message: `User: ${principal.arn} is not authorized to perform: ${only.action} on resource: ${only.resource ?? '*'}`,
        details: error.details,
      });
    }
    throw error;
  }
}

export function createQueryHandler(deps: QueryHandlerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    let service: QueryService = 'iam';
    let action = 'Unknown';
    let principal: Principal | undefined;
    let errorCode: string | undefined;
    try {
      const now = deps.clock.now();
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const body = await readBody(req, MAX_BODY_BYTES);
      if (body.length > 0 && !isFormRequest(req)) {
        throw new AppError('InvalidInput', { message: 'The request body must be application/x-www-form-urlencoded.' });
      }
      const params = QueryParams.parse(q < 0 ? '' : rawUrl.slice(q + 1), body.toString('utf8'));
      action = params.string('Action')?.slice(0, 64) ?? 'Unknown';
      if (STS_ACTIONS.has(action) || FEDERATED_ACTIONS.has(action)) service = 'sts';
      const federated = FEDERATED_ACTIONS.get(action);
      if (federated !== undefined) {
        // Authenticated by the identity (password, token), not by a signature.
        if (params.string('Version') !== STS_VERSION) throw new QueryError('MissingParameter', 'The request must contain the parameter Version');
        if (!deps.federation) throw new AppError('InvalidParameterValue', { message: 'Single sign-on is not configured on this server.' });
        if (q >= 0 && /(^|&)LDAPPassword=/.test(rawUrl.slice(q + 1))) {
          throw new AppError('InvalidParameterValue', { message: 'LDAPPassword must be sent in the form body, not in the URL.' });
        }
        const sourceIp = deps.sourceIp?.(req) ?? req.socket.remoteAddress ?? '';
        const transport = { secure: secureTransportOf(req, deps), loopback: sourceIp === '::1' || /^(::ffff:)?127\./i.test(sourceIp) };
        const result = await federated.handle({ params, federation: deps.federation, sourceIp, transport, socket: req.socket });
        send(res, 200, renderResponse('sts', action, result, requestId), requestId);
        return;
      }
      let found: StoredCredential | undefined;
      const auth = await authenticate(
        { method: req.method ?? 'GET', rawUrl, rawHeaders: req.rawHeaders },
        {
          lookup: async (accessKeyId) => (found = await deps.identity.credentials.lookup(accessKeyId)),
          now,
          region: deps.region,
          services: ['iam', 'sts'],
          bodySha256: createHash('sha256').update(body).digest('hex'),
        },
      );
      if (auth.kind !== 'sigv4' || found === undefined) throw new QueryError('MissingAuthenticationToken');
      service = auth.service === 'sts' ? 'sts' : 'iam';
      principal = found.principal;
      const [name, spec] = actionOf(service, params);
      const input = { params, principal, identity: deps.identity };
      const admission = await spec.admit(input);
      if (admission !== 'none') {
        if (admission.checks.length === 0) throw new AppError('InternalError', { details: { reason: `${name} declared no checks` } });
        await authorize(deps.authorizer, principal, admission, factsOf(req, auth, now, deps.sourceIp?.(req) ?? req.socket.remoteAddress ?? '', secureTransportOf(req, deps)));
      }
      const result = await spec.handle({ ...input, requestId, now });
      send(res, 200, renderResponse(service, name, result, requestId), requestId);
    } catch (error) {
      const rendered = renderQueryError(error, service, requestId);
      errorCode = rendered.code;
      if (rendered.unexpected) deps.logger.error({ requestId, action, err: error }, 'query request failed');
      else if (error instanceof AppError && error.details) deps.logger.debug({ requestId, action, code: error.code, details: error.details }, 'query request refused');
      if (!req.complete) {
        // The body was not read to its end (too large, or the request failed first): close.
        res.setHeader('connection', 'close');
        res.once('finish', () => req.socket.destroySoon());
      }
      send(res, rendered.status, rendered.body, requestId);
    } finally {
      deps.audit.record({
        ...exchangeAuditFields(req, res, started),
        requestId,
        api: action,
        bucket: undefined,
        object: undefined,
        errorCode,
        accessKey: principal?.accessKeyId,
      });
    }
  };
}

function send(res: ServerResponse, status: number, body: string, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader('x-amzn-requestid', requestId);
  res.setHeader('content-type', 'text/xml');
  // Responses may carry secret keys and session tokens: never cached by anything in between.
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
