import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRetainUntil, judgeDelete, judgeRetentionChange, type LockedVersion, type LockRetention, type LockTime } from './object-lock.js';

const NOW = new Date('2030-06-01T00:00:00.000Z');
const time: LockTime = { now: NOW, highWater: new Date('2030-05-31T00:00:00.000Z') };
const at = (iso: string) => new Date(iso);
const WRITTEN = at('2030-05-01T00:00:00.000Z');
const version = (extra: Partial<LockedVersion> = {}): LockedVersion => ({ isDeleteMarker: false, lastModified: WRITTEN, ...extra });
const gov = (iso: string): LockRetention => ({ mode: 'GOVERNANCE', retainUntil: at(iso) });
const comp = (iso: string): LockRetention => ({ mode: 'COMPLIANCE', retainUntil: at(iso) });
const LATER = '2031-01-01T00:00:00.000Z';
const LATEST = '2032-01-01T00:00:00.000Z';
const PAST = '2030-01-01T00:00:00.000Z';

describe('defaultRetainUntil', () => {
  it('adds days as 24-hour periods and years as calendar years (UTC)', () => {
    assert.equal(defaultRetainUntil({ mode: 'GOVERNANCE', days: 1 }, NOW).toISOString(), '2030-06-02T00:00:00.000Z');
    assert.equal(defaultRetainUntil({ mode: 'COMPLIANCE', days: 36500 }, NOW).getTime(), NOW.getTime() + 36500 * 86_400_000);
    assert.equal(defaultRetainUntil({ mode: 'COMPLIANCE', years: 2 }, NOW).toISOString(), '2032-06-01T00:00:00.000Z');
  });
});

describe('judgeDelete', () => {
  const cases: Array<[string, LockedVersion, LockTime, boolean, boolean, string]> = [
    ['no lock', version(), time, false, true, 'not-locked'],
    ['a delete marker, even with a legal hold', version({ isDeleteMarker: true, legalHold: 'ON' }), time, false, true, 'delete-marker'],
    ['legal hold ON, even with bypass', version({ legalHold: 'ON' }), time, true, false, 'legal-hold'],
    ['legal hold OFF', version({ legalHold: 'OFF' }), time, false, true, 'not-locked'],
    ['active COMPLIANCE, even with bypass', version({ retention: comp(LATER) }), time, true, false, 'compliance-active'],
    ['active GOVERNANCE without bypass', version({ retention: gov(LATER) }), time, false, false, 'governance-active'],
    ['active GOVERNANCE with bypass', version({ retention: gov(LATER) }), time, true, true, 'governance-bypassed'],
    ['expired COMPLIANCE', version({ retention: comp(PAST) }), time, false, true, 'retention-expired'],
    ['expired GOVERNANCE', version({ retention: gov(PAST) }), time, false, true, 'retention-expired'],
    ['expired COMPLIANCE written after now (clock moved back)', version({ retention: comp(PAST), lastModified: at(LATER) }), time, true, false, 'clock-behind'],
    ['expired COMPLIANCE with now behind the high-water mark', version({ retention: comp(PAST) }), { now: NOW, highWater: at(LATER) }, true, false, 'clock-behind'],
    ['expired GOVERNANCE with the clock behind, with bypass', version({ retention: gov(PAST) }), { now: NOW, highWater: at(LATER) }, true, true, 'governance-bypassed'],
    ['no retention with the clock behind', version({ lastModified: at(LATER) }), time, false, true, 'not-locked'],
  ];
  for (const [what, v, t, bypass, allowed, reason] of cases) {
    it(`${what}: ${allowed ? 'allowed' : 'refused'} (${reason})`, () => {
      const verdict = judgeDelete(v, t, bypass);
      assert.equal(verdict.allowed, allowed);
      assert.equal(verdict.reason, reason);
    });
  }
  it('says whether a refusal could be bypassed', () => {
    assert.deepEqual(judgeDelete(version({ retention: gov(LATER) }), time, false), { allowed: false, reason: 'governance-active', bypassable: true });
    assert.deepEqual(judgeDelete(version({ retention: comp(LATER) }), time, false), { allowed: false, reason: 'compliance-active', bypassable: false });
  });
});

describe('judgeRetentionChange', () => {
  const cases: Array<[string, LockRetention | undefined, LockRetention | undefined, boolean, boolean]> = [
    ['none → GOVERNANCE', undefined, gov(LATER), false, true],
    ['none → COMPLIANCE', undefined, comp(LATER), false, true],
    ['expired COMPLIANCE → removed', comp(PAST), undefined, false, true],
    ['expired COMPLIANCE → GOVERNANCE', comp(PAST), gov(LATER), false, true],
    ['GOVERNANCE → same date', gov(LATER), gov(LATER), false, true],
    ['GOVERNANCE → later date', gov(LATER), gov(LATEST), false, true],
    ['GOVERNANCE → earlier date', gov(LATEST), gov(LATER), false, false],
    ['GOVERNANCE → earlier date with bypass', gov(LATEST), gov(LATER), true, true],
    ['GOVERNANCE → removed', gov(LATER), undefined, false, false],
    ['GOVERNANCE → removed with bypass', gov(LATER), undefined, true, true],
    ['GOVERNANCE → COMPLIANCE later', gov(LATER), comp(LATEST), false, false],
    ['GOVERNANCE → COMPLIANCE with bypass', gov(LATER), comp(LATEST), true, true],
    ['COMPLIANCE → same date', comp(LATER), comp(LATER), false, true],
    ['COMPLIANCE → later date', comp(LATER), comp(LATEST), false, true],
    ['COMPLIANCE → earlier date, even with bypass', comp(LATEST), comp(LATER), true, false],
    ['COMPLIANCE → removed, even with bypass', comp(LATER), undefined, true, false],
    ['COMPLIANCE → GOVERNANCE later, even with bypass', comp(LATER), gov(LATEST), true, false],
  ];
  for (const [what, current, next, bypass, allowed] of cases) {
    it(`${what}${bypass ? '' : ' without bypass'}: ${allowed ? 'allowed' : 'refused'}`, () => {
      assert.equal(judgeRetentionChange(version({ retention: current }), next, time, bypass).allowed, allowed);
    });
  }
  it('refuses to remove an expired COMPLIANCE retention while the clock is behind', () => {
    const verdict = judgeRetentionChange(version({ retention: comp(PAST), lastModified: at(LATER) }), undefined, time, true);
    assert.deepEqual(verdict, { allowed: false, reason: 'clock-behind', bypassable: false });
  });
});
