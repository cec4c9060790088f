/** Shared pieces of the admin API tests: clients signed as anyone, policy documents, error checks. */
import assert from 'node:assert/strict';
import { AdminApiError, AdminClient } from '../../client/index.js';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, type TestServer } from '../helpers/server.js';

export function rootAdmin(server: TestServer): AdminClient {
  return adminAs(server, ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
}

export function adminAs(server: TestServer, accessKeyId: string, secretAccessKey: string, sessionToken?: string): AdminClient {
  return new AdminClient({ endpoint: server.endpoint, credentials: { accessKeyId, secretAccessKey, sessionToken } });
}

export function policy(...statements: Array<Record<string, unknown>>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const allow = (action: string | string[], resource: string | string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});

export const deny = (action: string | string[], resource: string | string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
  ...extra,
});

export async function expectAdminError(promise: Promise<unknown>, code: string, status?: number, message?: RegExp): Promise<AdminApiError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    if (status !== undefined) assert.equal(error.status, status);
    if (message !== undefined) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

/** An RFC 3339 time `days` from now, whole seconds. */
export function daysFromNow(days: number): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000 + days * 86_400_000).toISOString().replace('.000Z', 'Z');
}

/** Creates a user with a login secret and attaches the given managed policy documents to it. */
export async function userWith(root: AdminClient, name: string, secret: string, ...documents: string[]): Promise<void> {
  await root.createUser({ name, secretKey: secret });
  let i = 0;
  for (const document of documents) {
    const policyName = `${name}-p${i++}`;
    await root.createPolicy({ name: policyName, document });
    await root.attachPolicy(policyName, { user: name });
  }
}
