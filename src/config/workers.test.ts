import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, MAX_WORKERS, parseWorkers } from './index.js';

describe('COFFER_WORKERS', () => {
  it('defaults to one process (no cluster)', () => {
    assert.equal(loadConfig({}, {}).workers, 1);
  });

  it('takes an explicit process count', () => {
    assert.equal(loadConfig({}, { COFFER_WORKERS: '3' }).workers, 3);
    assert.equal(parseWorkers(String(MAX_WORKERS)), MAX_WORKERS);
  });

  it('reads auto and 0 as one process per CPU', () => {
    assert.equal(loadConfig({}, { COFFER_WORKERS: 'auto' }).workers, Math.min(MAX_WORKERS, availableParallelism()));
    assert.equal(parseWorkers('0', () => 2), 2);
    assert.equal(parseWorkers('AUTO', () => 500), MAX_WORKERS);
  });

  it('refuses negative, fractional, oversized and non-numeric values', () => {
    for (const value of ['-1', '1.5', String(MAX_WORKERS + 1), 'many', '']) {
      assert.throws(() => parseWorkers(value), ConfigError, value);
    }
  });
});
