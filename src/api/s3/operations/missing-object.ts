/**
 * AWS's rule for reads of objects that do not exist: the caller learns "no such key" (404) only
 * if it may list the bucket (s3:ListBucket); otherwise the answer is 403 AccessDenied, the same
 * as for an existing object it may not read — so object reads are no existence oracle. Applies
 * to every caller, anonymous or authenticated; evaluated only after the read itself was authorized.
 */
import { AppError, isAppError } from '../../../core/index.js';
import type { OperationContext } from '../operation.js';

export async function hideMissingObject<T>(ctx: OperationContext, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isAppError(error) && (error.code === 'NoSuchKey' || error.code === 'NoSuchVersion')) {
      const [mayList] = await ctx.isAllowed([{ action: 's3:ListBucket', bucket: ctx.bucket }]);
      if (!mayList) throw new AppError('AccessDenied', { message: 'Access Denied', details: { reason: `${error.code} hidden from a caller without s3:ListBucket` } });
    }
    throw error;
  }
}
