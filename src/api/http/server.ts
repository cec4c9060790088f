/**
 * The API listener on node:http. Timeouts suit an object store: no whole-request timeout (a
 * 5 GiB upload may take long), a header timeout and an idle-socket timeout instead. Header
 * size is capped by Node (16 KiB); oversized or malformed requests get an S3-shaped error.
 * Graceful stop: stop accepting, let in-flight requests finish, close idle keep-alive sockets,
 * and after the grace period close what is left.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Logger } from '../../observability/index.js';
import { CertificateStore, HSTS, TLS_POLICY } from './tls.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HttpServerOptions {
  host: string;
  port: number;
  handler: RequestHandler;
  logger: Logger;
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxHeaderBytes?: number;
  /**
   * HTTPS only, with the certificates of this directory (hot reloaded). Absent: plain HTTP.
   * `clientCa`: request (never require) a client certificate and verify it against these PEM
   * CAs — for STS AssumeRoleWithCertificate; clients without one are served as before.
   */
  tls?: { certsDir: string; passphrase?: string | undefined; clientCa?: readonly string[] | undefined };
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly host: string;
  /** true: the listener speaks HTTPS. */
  readonly secure: boolean;
  /** Loads the certificates again (SIGHUP); a no-op without TLS. */
  reloadCertificates(): Promise<void>;
  close(graceMs: number): Promise<void>;
}

const BAD_REQUEST_XML = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '400 Bad Request' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
  const body = tooLarge
    ? BAD_REQUEST_XML('RequestHeaderSectionTooLarge', 'Your request header section exceeds the maximum allowed size.')
    : BAD_REQUEST_XML('BadRequest', 'The request could not be parsed.');
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const inFlight = new Set<ServerResponse>();
  const httpOptions = {
    requestTimeout: 0,
    headersTimeout: options.headersTimeoutMs ?? 60_000,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    maxHeaderSize: options.maxHeaderBytes ?? 16 * 1024,
    noDelay: true,
  };
  let certificates: CertificateStore | undefined;
  let server: Server;
  if (options.tls) {
    const { certsDir, passphrase, clientCa } = options.tls;
    const store = new CertificateStore({ certsDir, passphrase, clientCa, logger: options.logger });
    await store.reload('start');
    // Mutual TLS is opt-in: ask for a certificate, but let a client without one (or with one
    // that does not verify) finish the handshake — plain S3 keeps working; only
    // AssumeRoleWithCertificate looks at the certificate and at OpenSSL's verdict.
    const mutual = clientCa === undefined ? {} : { requestCert: true, rejectUnauthorized: false };
    const https = createHttpsServer({ ...httpOptions, ...TLS_POLICY, ...store.defaultPair, ...mutual, SNICallback: store.sniCallback, ALPNProtocols: ['http/1.1'] });
    store.onDefaultChange = (pair) => https.setSecureContext({ ...TLS_POLICY, ...pair });
    https.on('tlsClientError', (error: NodeJS.ErrnoException) => options.logger.debug({ code: error.code }, 'TLS handshake refused'));
    certificates = store;
    server = https;
  } else {
    server = createServer(httpOptions);
  }
  server.timeout = options.idleTimeoutMs ?? 120_000;
  const secure = certificates !== undefined;
  const dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('x-content-type-options', 'nosniff');
    if (secure) res.setHeader('strict-transport-security', HSTS);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    options.handler(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'unhandled request failure');
      res.destroy();
    });
  };
  server.on('request', dispatch);
  // Expect: 100-continue is answered by the pipeline only after authorization.
  server.on('checkContinue', dispatch);
  // Other Expect values: S3 ignores them, where Node would answer 417 on its own.
  server.on('checkExpectation', dispatch);
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  certificates?.start();
  return {
    server,
    port,
    host: options.host,
    secure,
    reloadCertificates: async () => certificates?.reload('SIGHUP'),
    close: async (graceMs) => {
      certificates?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}

/** A RunningServer that never listens: the cluster primary builds the app without serving it. */
export function notListening(host: string, port: number): RunningServer {
  return { server: createServer(), port, host, secure: false, reloadCertificates: async () => undefined, close: async () => undefined };
}
