import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertValidCorsRules, corsResponseHeaders, matchCorsRule, type CorsRule } from './index.js';

const rule = (over: Partial<CorsRule> = {}): CorsRule => ({
  allowedOrigins: ['https://app.example'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [], ...over,
});

describe('CORS rules', () => {
  const invalid: Array<[string, CorsRule[]]> = [
    ['no rules', []],
    ['101 rules', Array.from({ length: 101 }, () => rule())],
    ['an unsupported method', [rule({ allowedMethods: ['PATCH'] })]],
    ['a lower-case method', [rule({ allowedMethods: ['get'] })]],
    ['two wildcards in an origin', [rule({ allowedOrigins: ['https://*.*.com'] })]],
    ['two wildcards in a header', [rule({ allowedHeaders: ['x-*-*'] })]],
    ['no AllowedOrigin', [rule({ allowedOrigins: [] })]],
  ];
  for (const [name, rules] of invalid) {
    it(`refuses a configuration with ${name}`, () => assert.throws(() => assertValidCorsRules(rules)));
  }

  const matches: Array<[string, CorsRule, { origin: string; method: string; requestHeaders: string[] }, boolean]> = [
    ['an exact origin and method', rule(), { origin: 'https://app.example', method: 'GET', requestHeaders: [] }, true],
    ['another origin', rule(), { origin: 'https://app.example.evil', method: 'GET', requestHeaders: [] }, false],
    ['a wildcard subdomain', rule({ allowedOrigins: ['https://*.example'] }), { origin: 'https://a.b.example', method: 'GET', requestHeaders: [] }, true],
    ['a wildcard that would need to match the scheme', rule({ allowedOrigins: ['https://*.example'] }), { origin: 'http://a.example', method: 'GET', requestHeaders: [] }, false],
    ['another method', rule(), { origin: 'https://app.example', method: 'PUT', requestHeaders: [] }, false],
    ['a request header not allowed', rule(), { origin: 'https://app.example', method: 'GET', requestHeaders: ['x-a'] }, false],
    ['request headers by wildcard, case-insensitively', rule({ allowedHeaders: ['X-Amz-*'] }), { origin: 'https://app.example', method: 'GET', requestHeaders: ['x-amz-date'] }, true],
  ];
  for (const [name, r, request, expected] of matches) {
    it(`${expected ? 'allows' : 'refuses'} ${name}`, () => assert.equal(matchCorsRule([r], request) !== undefined, expected));
  }

  it('echoes a named origin with credentials, and answers * without them', () => {
    const request = { origin: 'https://app.example', method: 'GET', requestHeaders: [] };
    assert.equal(corsResponseHeaders(rule(), request, true)['access-control-allow-credentials'], 'true');
    const any = corsResponseHeaders(rule({ allowedOrigins: ['*'] }), request, true);
    assert.equal(any['access-control-allow-origin'], '*');
    assert.equal(any['access-control-allow-credentials'], undefined);
  });
});
