import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../core/index.js';
import type { IdentityService } from '../iam/index.js';
import { certificateLogin, checkClientCertificate, type ClientCertificate } from './certificate.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const GOOD: ClientCertificate = {
  subjectCN: 'app1',
  validFrom: new Date('2026-06-01T00:00:00Z'),
  validTo: new Date('2026-06-01T13:00:00Z'),
  eku: ['1.3.6.1.5.5.7.3.2'],
  chainLength: 0,
  authorized: true,
};

function denied(cert: Partial<ClientCertificate>, skipVerify = false): string {
  try {
    checkClientCertificate({ ...GOOD, ...cert }, skipVerify, NOW);
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'AccessDenied');
    return error.message;
  }
  return assert.fail('accepted');
}

describe('client certificate checks (AssumeRoleWithCertificate)', () => {
  it('accepts a verified clientAuth certificate with one CN, 10 intermediates at most, or anyExtendedKeyUsage', () => {
    assert.equal(checkClientCertificate(GOOD, false, NOW), 'app1');
    assert.equal(checkClientCertificate({ ...GOOD, chainLength: 10, subjectCN: ['svc.reader@x'] }, false, NOW), 'svc.reader@x');
    assert.equal(checkClientCertificate({ ...GOOD, eku: ['1.3.6.1.5.5.7.3.1', '2.5.29.37.0'] }, false, NOW), 'app1');
  });

  it('refuses what the TLS layer did not verify, unless skip-verify', () => {
    assert.match(denied({ authorized: false }), /not issued by a certificate authority this server trusts/);
    assert.equal(checkClientCertificate({ ...GOOD, authorized: false }, true, NOW), 'app1');
  });

  const refusals: Array<[string, Partial<ClientCertificate>, RegExp]> = [
    ['more than 10 intermediates', { chainLength: 11 }, /TooManyIntermediateCAs/],
    ['serverAuth only', { eku: ['1.3.6.1.5.5.7.3.1'] }, /clientAuth/],
    ['no EKU extension', { eku: undefined }, /clientAuth/],
    ['an empty EKU list', { eku: [] }, /clientAuth/],
    ['expired', { validTo: new Date('2026-06-01T11:59:59Z') }, /expired or not yet valid/],
    ['not yet valid', { validFrom: new Date('2026-06-01T12:00:01Z') }, /expired or not yet valid/],
    ['an unreadable date', { validTo: new Date('garbage') }, /expired or not yet valid/],
    ['no CN', { subjectCN: undefined }, /exactly one non-empty/],
    ['an empty CN', { subjectCN: '' }, /exactly one non-empty/],
    ['two CNs', { subjectCN: ['app1', 'admin'] }, /exactly one non-empty/],
    ['a CN no policy can be named', { subjectCN: 'app 1/../x' }, /does not grant access/],
    ['a CN longer than 64', { subjectCN: 'a'.repeat(65) }, /does not grant access/],
  ];
  for (const [what, cert, message] of refusals) {
    it(`refuses ${what}, also with skip-verify`, () => {
      assert.match(denied(cert), message);
      assert.match(denied({ ...cert, authorized: false }, true), message);
    });
  }

  it('signs in as provider tls with the CN as subject and policy, capped at NotAfter, 1 h by default', async () => {
    const calls: unknown[][] = [];
    const identity = { assumeRoleFederated: async (...args: unknown[]) => (calls.push(args), { accessKeyId: 'K' }) } as unknown as IdentityService;
    await certificateLogin(identity, GOOD, { skipVerify: false, now: NOW });
    await certificateLogin(identity, GOOD, { skipVerify: false, now: NOW, durationSeconds: 43200, policy: '{}' });
    assert.deepEqual(calls[0], [
      { provider: 'tls', subject: 'app1', name: 'app1', groups: [], policies: ['app1'], claims: { 'tls:cn': ['app1'] }, notAfter: GOOD.validTo },
      { action: 'sts:AssumeRoleWithCertificate', durationSeconds: undefined, maxSeconds: 3600, policy: undefined },
    ]);
    assert.deepEqual(calls[1]?.[1], { action: 'sts:AssumeRoleWithCertificate', durationSeconds: 43200, policy: '{}' });
  });

  it('turns "no policy for this CN" into the one fixed refusal', async () => {
    const identity = { assumeRoleFederated: async () => { throw new AppError('AccessDenied', { message: 'internal wording' }); } } as unknown as IdentityService;
    await assert.rejects(certificateLogin(identity, GOOD, { skipVerify: false, now: NOW }), (e: unknown) => e instanceof AppError && e.code === 'AccessDenied' && /does not grant access to any policy/.test(e.message));
  });
});
