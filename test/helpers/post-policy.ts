/**
 * Builds SigV4 POST-policy form fields by hand, independently of the server's code, for tests
 * that need policies no SDK would produce (expired, odd conditions, tampered signatures).
 */
import { createHmac } from 'node:crypto';
import { amzDate, signingKey } from './raw-request.js';

export interface PolicyOptions {
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Conditions besides the credential ones (which are always added). */
  conditions: unknown[];
  expiration?: Date;
  region?: string;
  now?: Date;
}

/** The auth fields (policy, x-amz-*) for a policy with the given conditions. */
export function signPostPolicy(options: PolicyOptions): Record<string, string> {
  const now = options.now ?? new Date();
  const date = amzDate(now);
  const region = options.region ?? 'us-east-1';
  const credential = `${options.accessKey}/${date.slice(0, 8)}/${region}/s3/aws4_request`;
  const policy = {
    expiration: (options.expiration ?? new Date(now.getTime() + 10 * 60_000)).toISOString(),
    conditions: [
      ...options.conditions,
      { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
      { 'x-amz-credential': credential },
      { 'x-amz-date': date },
    ],
  };
  const base64 = Buffer.from(JSON.stringify(policy)).toString('base64');
  const signature = createHmac('sha256', signingKey(options.secretKey, date.slice(0, 8), region)).update(base64).digest('hex');
  return {
    policy: base64,
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': credential,
    'x-amz-date': date,
    'x-amz-signature': signature,
  };
}

/** A multipart form: fields in order, then the file (or no file). */
export function postForm(fields: Record<string, string>, file?: { bytes: Buffer | string; name?: string; type?: string }): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name ?? 'upload.bin');
  return form;
}
