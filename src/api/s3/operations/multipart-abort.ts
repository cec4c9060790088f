/** AbortMultipartUpload: removes the upload and its part blobs; the upload id is then unknown (NoSuchUpload). */
import { defineOperation } from '../operation.js';

export const AbortMultipartUpload = defineOperation({
  name: 'AbortMultipartUpload',
  needsBucket: true,
  authorize: (route) => [{ action: 's3:AbortMultipartUpload', bucket: route.bucket, key: route.key }],
  handle: async (ctx) => {
    await ctx.services.multipart.abortUpload(ctx.bucket as string, ctx.key as string, ctx.query.get('uploadId') ?? '');
    return { status: 204 };
  },
});
