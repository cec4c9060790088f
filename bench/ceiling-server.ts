/**
 * The bench's "ceiling": a trivial S3-shaped HTTP server that stores nothing. PUT bodies are
 * read and discarded (only their sizes are remembered), GETs are served from one in-memory
 * buffer cut to the remembered size, bucket create/delete and deletes just succeed. No auth.
 * Whatever Coffer reaches relative to this is what the same client on the same machine allows.
 *
 *   node --import tsx bench/ceiling-server.ts PORT     (prints "listening PORT" when up)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';

const XML = { 'content-type': 'application/xml' };
const ETAG = '"0123456789abcdef0123456789abcdef"';

function drain(req: IncomingMessage): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const keep: Buffer[] = [];
    let kept = 0;
    req.on('data', (chunk: Buffer) => {
      if (kept < 4 * 1024 * 1024) keep.push(chunk);
      kept += chunk.length;
    });
    req.on('end', () => resolve(keep));
    req.on('error', reject);
  });
}

/** Sizes of everything PUT, keyed by decoded `/bucket/key`; one shared body buffer for GETs. */
export class CeilingStore {
  readonly sizes = new Map<string, number>();
  #blob: Buffer = Buffer.alloc(0);

  body(size: number): Buffer {
    if (this.#blob.length < size) this.#blob = Buffer.alloc(size, 0x5a);
    return this.#blob.subarray(0, size);
  }
}

async function handle(store: CeilingStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://ceiling');
  const path = decodeURIComponent(url.pathname);
  const slash = path.indexOf('/', 1);
  const isObject = slash > 0 && slash < path.length - 1;
  const bucket = slash > 0 ? path.slice(1, slash) : path.slice(1);
  const method = req.method ?? 'GET';

  if (method === 'PUT') {
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    await new Promise<void>((resolve, reject) => req.on('end', resolve).on('error', reject));
    if (isObject) store.sizes.set(path, size);
    res.writeHead(200, isObject ? { etag: ETAG, 'content-length': 0 } : { location: `/${bucket}`, 'content-length': 0 });
    res.end();
    return;
  }
  const chunks = await drain(req);
  if (method === 'POST' && url.searchParams.has('delete')) {
    const text = Buffer.concat(chunks).toString('utf8');
    for (const m of text.matchAll(/<Key>([^<]*)<\/Key>/g)) store.sizes.delete(`/${bucket}/${m[1] ?? ''}`);
    res.writeHead(200, XML).end('<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult></DeleteResult>');
  } else if (method === 'DELETE') {
    if (isObject) store.sizes.delete(path);
    res.writeHead(204).end();
  } else if ((method === 'GET' || method === 'HEAD') && isObject) {
    const size = store.sizes.get(path);
    if (size === undefined) {
      res.writeHead(404, XML).end(method === 'HEAD' ? undefined : '<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream', etag: ETAG });
    res.end(method === 'HEAD' ? undefined : store.body(size));
  } else if (method === 'GET' && bucket === '') {
    res.writeHead(200, XML).end('<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>');
  } else if (method === 'GET') {
    res.writeHead(200, XML).end(`<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>${bucket}</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>`);
  } else {
    res.writeHead(200, { 'content-length': 0 }).end();
  }
}

export function startCeilingServer(port: number, host = '127.0.0.1'): Promise<Server> {
  const store = new CeilingStore();
  const server = createServer({ noDelay: true, keepAliveTimeout: 10_000, requestTimeout: 0 }, (req, res) => {
    handle(store, req, res).catch(() => res.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? '18080');
  const server = await startCeilingServer(port);
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
