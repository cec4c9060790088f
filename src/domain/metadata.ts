/** User metadata (x-amz-meta-*) and stored content headers, with AWS's 2 KiB limit. */
import { AppError } from '../core/index.js';

export const MAX_USER_METADATA_BYTES = 2048;

/** Content headers S3 stores with an object and returns on GET/HEAD. */
export const STORED_CONTENT_HEADERS = [
  'content-type',
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
] as const;

/** AWS counts the UTF-8 bytes of each user metadata key (without the prefix) and value. */
export function assertUserMetadataSize(metadata: Record<string, string>): void {
  let total = 0;
  for (const [key, value] of Object.entries(metadata)) total += Buffer.byteLength(key) + Buffer.byteLength(value);
  if (total > MAX_USER_METADATA_BYTES) {
    throw new AppError('MetadataTooLarge', {
      message: 'Your metadata headers exceed the maximum allowed metadata size.',
      fields: { Size: String(total), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) },
    });
  }
}
