import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUnder, normaliseDn } from './dn.js';

describe('normaliseDn', () => {
  const same: Array<[string, string, string]> = [
    ['attribute types in any case', 'UID=alice,OU=people,DC=example,DC=org', 'uid=alice,ou=people,dc=example,dc=org'],
    ['spaces around separators', ' uid = alice , ou=people ,dc=example, dc=org ', 'uid=alice,ou=people,dc=example,dc=org'],
    ['a hex-escaped comma', 'cn=Smith\\2C John,ou=x', 'cn=Smith\\, John,ou=x'],
    ['a quoted value', 'cn="Smith, John",ou=x', 'cn=Smith\\, John,ou=x'],
    ['escaped UTF-8 bytes', 'cn=Zo\\C3\\AB,ou=x', 'cn=Zoë,ou=x'],
    ['multi-valued RDNs in any order', 'sn=b+CN=a,o=x', 'cn=a+sn=b,o=x'],
    ['the oid. prefix', 'OID.2.5.4.3=x,o=y', '2.5.4.3=x,o=y'],
    ['; as the old RDN separator', 'uid=a;dc=org', 'uid=a,dc=org'],
  ];
  for (const [what, a, b] of same) {
    it(`equates two spellings: ${what}`, () => assert.equal(normaliseDn(a), normaliseDn(b)));
  }

  it('keeps value case and escaped characters', () => {
    assert.equal(normaliseDn('CN=Smith\\, John,OU=People'), 'cn=Smith\\, John,ou=People');
    assert.equal(normaliseDn('cn=\\ lead\\ ,o=x'), 'cn=\\ lead\\ ,o=x');
    assert.equal(normaliseDn('uid=d*ve(x),ou=people'), 'uid=d*ve(x),ou=people');
    assert.equal(normaliseDn('cn=#04024869,o=x'), 'cn=#04024869,o=x');
  });

  it('never equates different DNs', () => {
    assert.notEqual(normaliseDn('cn=a\\,ou=people,dc=org'), normaliseDn('cn=a,ou=people,dc=org'));
    assert.notEqual(normaliseDn('cn=a\\+sn=b'), normaliseDn('cn=a+sn=b'));
    assert.notEqual(normaliseDn('cn=a\\ '), normaliseDn('cn=a'));
  });

  it('refuses what is not a DN', () => {
    for (const bad of ['alice', 'cn=a,', '=x', 'cn=a,,dc=b', 'cn="open', 'c n=a']) assert.throws(() => normaliseDn(bad), TypeError, bad);
    assert.equal(normaliseDn(''), '');
  });

  it('places a DN under a base RDN by RDN, not by string suffix', () => {
    assert.equal(isUnder('uid=a,OU=people,dc=example,dc=org', 'ou=people, dc=example,dc=org'), true);
    assert.equal(isUnder('ou=people,dc=example,dc=org', 'ou=people,dc=example,dc=org'), true);
    assert.equal(isUnder('cn=a\\,ou=people,dc=example,dc=org', 'ou=people,dc=example,dc=org'), false);
    assert.equal(isUnder('uid=a,ou=contractors,dc=example,dc=org', 'ou=people,dc=example,dc=org'), false);
    assert.equal(isUnder('dc=org', 'dc=example,dc=org'), false);
  });
});
