/**
 * The query-protocol request on the wire: which requests are ours, and the bounded body read.
 * Protects: the body is read before the signature can be checked (IAM and STS clients sign the
 * body hash without sending x-amz-content-sha256), so it is capped — a declared length above the
 * cap is refused before any byte is read, a streamed body is cut off at the cap.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../core/index.js';

/** AWS caps IAM policy documents at 6 KiB–20 KiB and STS session policies at 2 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

const FORM = 'application/x-www-form-urlencoded';
const SERVICE_SCOPE = /\/\d{8}\/[^/]*\/(iam|sts)\/aws4_request/;

export function isFormRequest(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && type.split(';')[0]!.trim().toLowerCase() === FORM;
}

/**
 * AWS query protocol on the API port: `POST /` with a form body (S3 has no such operation), or
 * `GET|POST /?Action=…` signed for the iam or sts service (an S3 request never names those).
 * A request to a virtual-hosted bucket (`bucket.<domain>`) is always S3's.
 */
export function isQueryRequest(req: IncomingMessage, domains: readonly string[] = []): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if ((q < 0 ? url : url.slice(0, q)) !== '/') return false;
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (domains.some((domain) => host.endsWith(`.${domain.toLowerCase()}`))) return false;
  if (req.method === 'POST' && isFormRequest(req)) return true;
  if ((req.method !== 'GET' && req.method !== 'POST') || q < 0) return false;
  const query = url.slice(q + 1);
  if (!/(^|&)Action=/.test(query)) return false;
  // The STS actions that authenticate with an identity instead of a signature are unsigned.
  if (/(^|&)Action=AssumeRoleWith(WebIdentity|LDAPIdentity|ClientGrants)(&|$)/.test(query)) return true;
  const authorization = req.headers.authorization ?? '';
  const credential = /(?:^|&)X-Amz-Credential=([^&]*)/.exec(query)?.[1];
  return SERVICE_SCOPE.test(authorization) || (credential !== undefined && SERVICE_SCOPE.test(decodeURIComponentSafe(credential)));
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The whole body, at most `max` bytes; EntityTooLarge beyond. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) throw tooLarge(max);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw tooLarge(max);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(max: number): AppError {
  return new AppError('EntityTooLarge', { message: `The request body must not exceed ${max} bytes.` });
}
