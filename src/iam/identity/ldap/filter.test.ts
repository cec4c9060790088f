import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterParser } from 'ldapts';
import { escapeFilterValue, fillFilter, usernameAttribute, wildcardFilter } from './filter.js';

describe('LDAP filter escaping (RFC 4515)', () => {
  it('escapes backslash, star, parentheses and NUL', () => {
    assert.equal(escapeFilterValue('*()\\\0'), '\\2a\\28\\29\\5c\\00');
    assert.equal(escapeFilterValue('alice)(uid=*'), 'alice\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('plain.user-1@example.org'), 'plain.user-1@example.org');
  });

  it('passes non-ASCII through as text (ldapts would mis-decode escaped UTF-8 bytes)', () => {
    assert.equal(escapeFilterValue('zoë 名前 😀'), 'zoë 名前 😀');
    assert.equal(escapeFilterValue('zoë*'), 'zoë\\2a');
  });

  it('keeps an injected username one equality assertion, whatever it holds', () => {
    for (const evil of ['*', 'alice)(uid=*', '*)(|(uid=*', 'x)(!(uid=y', '\\2a', '\0', 'a\\']) {
      const parsed = FilterParser.parseString(fillFilter('(uid=%s)', { username: evil }));
      assert.equal(parsed.constructor.name, 'EqualityFilter', evil);
      assert.equal((parsed as unknown as { value: string }).value, evil);
    }
  });

  it('substitutes %s and %d in one pass, so a value holding %d is not substituted again', () => {
    assert.equal(fillFilter('(|(memberUid=%s)(member=%d))', { username: '%d', dn: 'uid=a,dc=x' }), '(|(memberUid=%d)(member=uid=a,dc=x))');
    assert.equal(fillFilter('(member=%d)', { username: 'a', dn: 'uid=d*ve(x),dc=x' }), '(member=uid=d\\2ave\\28x\\29,dc=x)');
  });

  it('turns %s into a wildcard for the membership re-check and finds the username attribute', () => {
    assert.equal(wildcardFilter('(&(objectClass=person)(uid=%s))'), '(&(objectClass=person)(uid=*))');
    assert.equal(usernameAttribute('(&(objectClass=person)(sAMAccountName=%s))'), 'sAMAccountName');
    assert.equal(usernameAttribute('(cn=prefix-%s)'), undefined);
  });
});
