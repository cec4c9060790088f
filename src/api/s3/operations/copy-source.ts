/** x-amz-copy-source: `bucket/key` or `/bucket/key`, URL-encoded, with an optional `?versionId=`. */
import { AppError } from '../../../core/index.js';
import { assertValidObjectKey } from '../../../domain/index.js';

export interface CopySource {
  bucket: string;
  key: string;
  versionId: string | undefined;
}

export function parseCopySource(header: string | string[] | undefined): CopySource {
  if (typeof header !== 'string' || header === '') {
    throw new AppError('InvalidArgument', { message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', fields: { ArgumentName: 'x-amz-copy-source' } });
  }
  const q = header.indexOf('?');
  const path = q < 0 ? header : header.slice(0, q);
  let versionId: string | undefined;
  if (q >= 0) {
    const query = header.slice(q + 1);
    const match = /^versionId=([^&]*)$/.exec(query);
    if (!match) throw new AppError('InvalidArgument', { message: 'Unsupported copy source parameter.', fields: { ArgumentName: 'x-amz-copy-source' } });
    versionId = decodeOrThrow(match[1] ?? '');
    if (versionId === '') throw new AppError('InvalidArgument', { message: 'Version id cannot be the empty string', fields: { ArgumentName: 'x-amz-copy-source' } });
  }
  const decoded = decodeOrThrow(path.startsWith('/') ? path.slice(1) : path);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new AppError('InvalidArgument', { message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', fields: { ArgumentName: 'x-amz-copy-source' } });
  }
  const source = { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
  assertValidObjectKey(source.key);
  return source;
}

function decodeOrThrow(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AppError('InvalidArgument', { message: 'Invalid copy source encoding.', fields: { ArgumentName: 'x-amz-copy-source' } });
  }
}
