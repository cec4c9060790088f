/** Every recognised S3 operation without an implementation: authenticated and authorized like
 * any other, then refused with NotImplemented — never a wrong success. */
import { AppError } from '../../../core/index.js';
import { defineOperation, type OperationSpec } from '../operation.js';

const cache = new Map<string, OperationSpec>();

export function notImplemented(name: string): OperationSpec {
  let spec = cache.get(name);
  if (!spec) {
    spec = defineOperation({
      name,
      needsBucket: false,
      authorize: (route) => [{ action: `s3:${name}`, bucket: route.bucket, key: route.key }],
      handle: async () => {
        throw new AppError('NotImplemented', { message: `${name} is not implemented yet.` });
      },
    });
    cache.set(name, spec);
  }
  return spec;
}
