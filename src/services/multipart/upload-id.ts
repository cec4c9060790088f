/** Upload ids: creation time in Crockford base32 (so ids of one key sort oldest first) + 130 random bits. */
import { randomId } from '../../core/index.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newUploadId(now: Date): string {
  let time = Math.max(0, Math.floor(now.getTime()));
  let prefix = '';
  for (let i = 0; i < 10; i++) {
    prefix = CROCKFORD[time % 32] + prefix;
    time = Math.floor(time / 32);
  }
  return prefix + randomId();
}

/** Anything else cannot name an upload; answering NoSuchUpload early spares the database. */
export function isPlausibleUploadId(value: string): boolean {
  return /^[0-9A-Z]{36}$/.test(value);
}
