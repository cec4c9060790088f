/** Error helpers for tests of the AWS query protocol (IAM, STS) through the AWS SDK v3. */
import assert from 'node:assert/strict';

/** The AWS error code and HTTP status an SDK v3 IAM/STS client error carries. */
export function queryError(error: unknown): { code: string; status: number | undefined } {
  const e = error as { name?: string; Code?: string; Error?: { Code?: string }; $metadata?: { httpStatusCode?: number } };
  return { code: e.Error?.Code ?? e.Code ?? e.name ?? 'unknown', status: e.$metadata?.httpStatusCode };
}

/** Awaits a call that must fail with `code` (and `status` when given); returns the error. */
export async function expectQueryError(promise: Promise<unknown>, code: string, status?: number): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    const got = queryError(error);
    assert.equal(got.code, code, `expected ${code}, got ${got.code} (${String((error as Error).message)})`);
    if (status !== undefined) assert.equal(got.status, status, `status of ${code}`);
    return error as Error;
  }
  assert.fail(`expected ${code}, but the request succeeded`);
}
