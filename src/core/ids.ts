import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Random id for blobs and temp files: 26 chars of base32 (130 bits). Never derived from user input. */
export function randomId(): string {
  const bytes = randomBytes(17);
  let out = '';
  for (let i = 0; i < 26; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const shift = bit & 7;
    const word = ((bytes[byte] ?? 0) << 8) | (bytes[byte + 1] ?? 0);
    out += CROCKFORD[(word >> (11 - shift)) & 31];
  }
  return out;
}

let requestCounter = 0;
const processTag = randomBytes(4).toString('hex').toUpperCase();

/** Request id in the style of S3's x-amz-request-id: 16 upper-case hex characters, unique per process run. */
export function newRequestId(): string {
  requestCounter = (requestCounter + 1) >>> 0;
  return processTag + requestCounter.toString(16).toUpperCase().padStart(8, '0');
}
