import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../core/index.js';
import { newVersionId, versionIdForWrite } from './version-id.js';
import { assertValidVersionId, isValidVersionId, isVersioningStatus } from './versioning.js';

describe('version ids', () => {
  it('accepts every id Coffer issues and the literal null', () => {
    for (let i = 0; i < 100; i++) assert.ok(isValidVersionId(newVersionId()));
    assert.ok(isValidVersionId('null'));
  });

  const refused: Array<[string, string]> = [
    ['', 'Version id cannot be the empty string'],
    ['NULL', 'Invalid version id specified'],
    ['v123', 'Invalid version id specified'],
    ['a'.repeat(31), 'Invalid version id specified'],
    ['a'.repeat(33), 'Invalid version id specified'],
    [`${'a'.repeat(31)}/`, 'Invalid version id specified'],
    [`${'a'.repeat(31)}=`, 'Invalid version id specified'],
  ];
  for (const [id, message] of refused) {
    it(`refuses ${JSON.stringify(id)} with InvalidArgument naming the argument`, () => {
      assert.throws(() => assertValidVersionId(id, 'version-id-marker'), (error: unknown) => {
        assert.ok(isAppError(error));
        assert.equal(error.code, 'InvalidArgument');
        assert.equal(error.message, message);
        assert.deepEqual(error.fields, { ArgumentName: 'version-id-marker', ArgumentValue: id });
        return true;
      });
    });
  }

  it('gives writes a new id only while versioning is Enabled', () => {
    assert.equal(versionIdForWrite('Unversioned'), 'null');
    assert.equal(versionIdForWrite('Suspended'), 'null');
    assert.notEqual(versionIdForWrite('Enabled'), versionIdForWrite('Enabled'));
  });

  it('knows Enabled and Suspended as the only states a client may set', () => {
    assert.deepEqual(['Enabled', 'Suspended', 'Unversioned', 'enabled', 'Disabled', ''].map(isVersioningStatus), [true, true, false, false, false, false]);
  });
});
