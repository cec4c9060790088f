export { notListening, startHttpServer } from './server.js';
export type { HttpServerOptions, RequestHandler, RunningServer } from './server.js';
export { healthResponder } from './health.js';
export { CertificateStore, HSTS, TLS_POLICY } from './tls.js';
