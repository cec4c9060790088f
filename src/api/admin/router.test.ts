import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../core/index.js';
import { adminEndpoints } from './endpoints/index.js';
import { AdminRouter } from './router.js';

const router = new AdminRouter(adminEndpoints());
const route = (method: string, path: string): string => {
  const match = router.match(method, `/coffer/admin/v1${path}`);
  return `${match.endpoint.name} ${JSON.stringify(match.params)}`;
};
const code = (method: string, path: string): string => {
  try {
    router.match(method, path);
  } catch (error) {
    return (error as AppError).code;
  }
  return 'matched';
};

describe('admin router', () => {
  it('routes every documented endpoint, literal segments before parameters', () => {
    assert.equal(route('POST', '/policies/explain'), 'ExplainPolicy {}');
    assert.equal(route('GET', '/policies/explain'), 'GetPolicy {"name":"explain"}');
    assert.equal(route('PUT', '/users/app1/secret'), 'SetUserSecret {"name":"app1"}');
    assert.equal(route('DELETE', '/groups/devs/members/app1'), 'RemoveUserFromGroup {"name":"devs","user":"app1"}');
    assert.equal(route('GET', '/policies/arn%3Aaws%3Aiam%3A%3A000000000000%3Apolicy%2Fp'), 'GetPolicy {"name":"arn:aws:iam::000000000000:policy/p"}');
  });

  it('answers unknown paths NoSuchEntity, known paths with another method MethodNotAllowed, bad escapes InvalidURI', () => {
    assert.equal(code('GET', '/coffer/admin/v1/nope'), 'NoSuchEntity');
    assert.equal(code('GET', '/coffer/admin/v2/users'), 'NoSuchEntity');
    assert.equal(code('GET', '/coffer/admin/v1/users/'), 'NoSuchEntity');
    assert.equal(code('PATCH', '/coffer/admin/v1/users'), 'MethodNotAllowed');
    assert.equal(code('GET', '/coffer/admin/v1/users/%E0%A4%A'), 'InvalidURI');
  });

  it('has no endpoint declared twice and every endpoint under a known area', () => {
    const ids = adminEndpoints().map((e) => `${e.method} ${e.path}`);
    assert.equal(new Set(ids).size, ids.length);
    for (const e of adminEndpoints()) assert.match(e.path, /^\/(info|users|groups|policies|access-keys|roles)(\/|$)/);
  });
});
