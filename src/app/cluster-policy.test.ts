import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartPolicy } from './cluster-policy.js';

describe('worker restart policy', () => {
  it('restarts a dead worker after a back-off that doubles with each recent death', () => {
    const policy = new RestartPolicy({ maxDeaths: 10, baseDelayMs: 100, maxDelayMs: 1000 });
    const delays = [0, 1, 2, 3, 4, 5].map((i) => policy.onDeath(1000 + i));
    assert.deepEqual(delays.map((d) => (d.action === 'restart' ? d.delayMs : -1)), [100, 200, 400, 800, 1000, 1000]);
  });

  it('gives up when workers keep dying within the window', () => {
    const policy = new RestartPolicy({ maxDeaths: 3, windowMs: 10_000 });
    for (let i = 0; i < 3; i++) assert.equal(policy.onDeath(i * 1000).action, 'restart');
    assert.deepEqual(policy.onDeath(3500), { action: 'give-up', deaths: 4, windowMs: 10_000 });
  });

  it('forgets deaths older than the window, so rare crashes never stop the server', () => {
    const policy = new RestartPolicy({ maxDeaths: 2, windowMs: 1000, baseDelayMs: 50 });
    for (let i = 0; i < 20; i++) {
      const decision = policy.onDeath(i * 1500);
      assert.deepEqual(decision, { action: 'restart', delayMs: 50 });
    }
  });
});
