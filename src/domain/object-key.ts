/** Object key rules: any UTF-8, at most 1024 bytes. Keys never reach the filesystem. */
import { AppError } from '../core/index.js';

export const MAX_KEY_BYTES = 1024;

export function assertValidObjectKey(key: string): void {
  if (key.length === 0) throw new AppError('InvalidArgument', { message: 'Object key must not be empty.' });
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new AppError('KeyTooLongError', { message: 'Your key is too long', fields: { MaxSizeAllowed: String(MAX_KEY_BYTES) } });
  }
}
