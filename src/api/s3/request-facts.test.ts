import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { isSecureTransport, requestFacts, sourceIpOf, trustedProxyMatcher } from './request-facts.js';

function req(peer: string, headers: Record<string, string> = {}, encrypted = false): IncomingMessage {
  return { socket: { remoteAddress: peer, encrypted }, headers } as unknown as IncomingMessage;
}

describe('request facts', () => {
  it('matches trusted proxies by address and CIDR, IPv4 and IPv6', () => {
    const trusted = trustedProxyMatcher(['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1']);
    for (const ip of ['10.1.2.3', '192.0.2.7', 'fd12:3456::1', '::1', '::ffff:10.9.9.9']) assert.equal(trusted(ip.replace(/^::ffff:/, '')), true, ip);
    for (const ip of ['11.0.0.1', '192.0.2.8', 'fe80::1', '::2', 'not-an-ip', '']) assert.equal(trusted(ip), false, ip);
    assert.equal(trustedProxyMatcher([])('127.0.0.1'), false);
    assert.equal(trustedProxyMatcher(['0.0.0.0/0'])('203.0.113.5'), true);
  });

  it('uses the TCP peer and ignores X-Forwarded-For from an untrusted peer', () => {
    const trusted = trustedProxyMatcher(['10.0.0.0/8']);
    assert.equal(sourceIpOf(req('::ffff:203.0.113.9', { 'x-forwarded-for': '10.0.0.1' }), trusted), '203.0.113.9');
    assert.equal(sourceIpOf(req('203.0.113.9'), trustedProxyMatcher([])), '203.0.113.9');
  });

  it('takes the right-most untrusted hop behind trusted proxies, so a forged prefix changes nothing', () => {
    const trusted = trustedProxyMatcher(['10.0.0.0/8']);
    assert.equal(sourceIpOf(req('10.0.0.2', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }), trusted), '203.0.113.9');
    assert.equal(sourceIpOf(req('10.0.0.2', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.0.0.3' }), trusted), '203.0.113.9');
    assert.equal(sourceIpOf(req('10.0.0.2', { 'x-forwarded-for': '[2001:db8::5]:443' }), trusted), '2001:db8::5');
    assert.equal(sourceIpOf(req('10.0.0.2', { 'x-forwarded-for': '10.0.0.9' }), trusted), '10.0.0.9');
    assert.equal(sourceIpOf(req('10.0.0.2'), trusted), '10.0.0.2');
    // A malformed hop stops the walk at the last trusted address, never at a client-chosen one.
    assert.equal(sourceIpOf(req('10.0.0.2', { 'x-forwarded-for': '198.51.100.1, garbage, 10.0.0.3' }), trusted), '10.0.0.3');
  });

  it('reports TLS only for an encrypted socket and the signature facts from the verified result', () => {
    const none = trustedProxyMatcher([]);
    const now = new Date('2026-01-01T00:01:00Z');
    assert.equal(requestFacts(req('127.0.0.1', { 'x-forwarded-proto': 'https' }), none, now, { kind: 'anonymous' }).secureTransport, false);
    assert.equal(requestFacts(req('127.0.0.1', {}, true), none, now, { kind: 'anonymous' }).secureTransport, true);
    const anonymous = requestFacts(req('127.0.0.1', { 'user-agent': 'ua', referer: 'https://ref' }), none, now, { kind: 'anonymous' });
    assert.equal(anonymous.authType, undefined);
    assert.equal(anonymous.userAgent, 'ua');
    assert.equal(anonymous.referer, 'https://ref');
    assert.equal(requestFacts(req('127.0.0.1'), none, now, { kind: 'post-form' }).authType, 'POST');
  });

  it('believes X-Forwarded-Proto: https only from a trusted proxy, and only when every hop says https', () => {
    const proxies = trustedProxyMatcher(['10.0.0.0/8']);
    assert.equal(isSecureTransport(req('10.1.2.3', { 'x-forwarded-proto': 'https' }), proxies), true);
    assert.equal(isSecureTransport(req('10.1.2.3', { 'x-forwarded-proto': 'HTTPS' }), proxies), true);
    assert.equal(isSecureTransport(req('10.1.2.3', { 'x-forwarded-proto': 'http, https' }), proxies), false);
    assert.equal(isSecureTransport(req('10.1.2.3', {}), proxies), false);
    assert.equal(isSecureTransport(req('192.0.2.7', { 'x-forwarded-proto': 'https' }), proxies), false);
    assert.equal(isSecureTransport(req('192.0.2.7', {}, true), proxies), true);
    const now = new Date('2026-01-01T00:01:00Z');
    assert.equal(requestFacts(req('10.1.2.3', { 'x-forwarded-proto': 'https' }), proxies, now, { kind: 'anonymous' }).secureTransport, true);
  });
});
