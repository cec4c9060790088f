import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configurationDoc, errorsDoc, operationsDoc } from './docs-content.js';

describe('generated documentation', () => {
  it('docs/configuration.md matches the config schema (run npm run docs)', () => {
    assert.equal(readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8'), configurationDoc());
  });
  it('docs/errors.md lists exactly the error catalogue (run npm run docs)', () => {
    assert.equal(readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8'), errorsDoc());
  });
  it('docs/s3-operations.md lists every routed operation and its status (run npm run docs)', () => {
    assert.equal(readFileSync(new URL('../docs/s3-operations.md', import.meta.url), 'utf8'), operationsDoc());
  });
});
