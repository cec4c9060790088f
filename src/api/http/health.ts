/** Unauthenticated liveness and readiness probes (status code only), with MinIO's paths as aliases. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const LIVE = new Set(['/coffer/health/live', '/minio/health/live']);
const READY = new Set(['/coffer/health/ready', '/minio/health/ready']);

export function healthResponder(isReady: () => boolean) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!LIVE.has(path) && !READY.has(path)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 }).end();
      return true;
    }
    const ok = LIVE.has(path) || isReady();
    res.writeHead(ok ? 200 : 503, { 'content-length': 0, 'cache-control': 'no-store' }).end();
    return true;
  };
}
