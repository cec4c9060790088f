/**
 * Object Lock rules (AWS semantics) as pure functions.
 *
 * Protects: a locked version cannot be deleted, nor its retention weakened, until the retention
 * ends or the legal hold is lifted — for every caller, root included.
 * Construction: each judgement takes the version's lock state, the server time (`now`) and the
 * store's clock high-water mark (the latest lastModified it ever wrote), and returns a verdict
 * with a reason that can be logged.
 * Invariants:
 *  - a legal hold ON blocks deletion regardless of retention;
 *  - an active COMPLIANCE retention is never shortened, removed, re-moded or bypassed;
 *  - an active GOVERNANCE retention is weakened or bypassed only with `bypassGovernance`
 *    (header + s3:BypassGovernanceRetention, decided by the caller);
 *  - delete markers are never locked;
 *  - fail closed on time: when the version was written "after" now, or now is behind the
 *    high-water mark (the clock moved backwards), any retention counts as active.
 * The storage layer re-checks the same rules inside its write transactions (second line).
 */

export type LockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface LockRetention {
  mode: LockMode;
  retainUntil: Date;
}

export interface DefaultRetentionRule {
  mode: LockMode;
  days?: number | undefined;
  years?: number | undefined;
}

/** The lock state of one stored version (a subset of ObjectVersionRecord). */
export interface LockedVersion {
  isDeleteMarker: boolean;
  lastModified: Date;
  retention?: LockRetention | undefined;
  legalHold?: 'ON' | 'OFF' | undefined;
}

/** The time a judgement is made at: the server clock and the store's high-water mark. */
export interface LockTime {
  now: Date;
  highWater?: Date | undefined;
}

export type LockReason =
  | 'not-locked'
  | 'delete-marker'
  | 'retention-expired'
  | 'retention-extended'
  | 'legal-hold'
  | 'compliance-active'
  | 'governance-active'
  | 'governance-bypassed'
  | 'clock-behind';

export type LockVerdict = { allowed: true; reason: LockReason } | { allowed: false; reason: LockReason; bypassable: boolean };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The retain-until date a bucket's default rule gives a version written at `now`. */
export function defaultRetainUntil(rule: DefaultRetentionRule, now: Date): Date {
  if (rule.days !== undefined) return new Date(now.getTime() + rule.days * DAY_MS);
  const until = new Date(now.getTime());
  until.setUTCFullYear(until.getUTCFullYear() + (rule.years ?? 0));
  return until;
}

/** The clock cannot be trusted for this version: it is behind what was already written. */
export function isClockBehind(version: Pick<LockedVersion, 'lastModified'>, time: LockTime): boolean {
  const now = time.now.getTime();
  return version.lastModified.getTime() > now || (time.highWater !== undefined && time.highWater.getTime() > now);
}

/** Why the version's retention is active, or undefined when it has none or it ended. */
export function activeRetention(version: LockedVersion, time: LockTime): { retention: LockRetention; reason: LockReason } | undefined {
  const retention = version.retention;
  if (!retention) return undefined;
  if (isClockBehind(version, time)) return { retention, reason: 'clock-behind' };
  if (retention.retainUntil.getTime() > time.now.getTime()) {
    return { retention, reason: retention.mode === 'COMPLIANCE' ? 'compliance-active' : 'governance-active' };
  }
  return undefined;
}

/** DeleteObject with a version id, DeleteObjects, and any removal of the version's data. */
export function judgeDelete(version: LockedVersion, time: LockTime, bypassGovernance: boolean): LockVerdict {
  if (version.isDeleteMarker) return { allowed: true, reason: 'delete-marker' };
  if (version.legalHold === 'ON') return { allowed: false, reason: 'legal-hold', bypassable: false };
  const active = activeRetention(version, time);
  if (!active) return { allowed: true, reason: version.retention ? 'retention-expired' : 'not-locked' };
  if (active.retention.mode === 'COMPLIANCE') return { allowed: false, reason: active.reason, bypassable: false };
  if (bypassGovernance) return { allowed: true, reason: 'governance-bypassed' };
  return { allowed: false, reason: active.reason, bypassable: true };
}

/** PutObjectRetention: may the version's retention become `next` (undefined removes it)? */
export function judgeRetentionChange(version: LockedVersion, next: LockRetention | undefined, time: LockTime, bypassGovernance: boolean): LockVerdict {
  const active = activeRetention(version, time);
  if (!active) return { allowed: true, reason: version.retention ? 'retention-expired' : 'not-locked' };
  const current = active.retention;
  const keepsOrExtends = next !== undefined && next.mode === current.mode && next.retainUntil.getTime() >= current.retainUntil.getTime();
  if (keepsOrExtends) return { allowed: true, reason: 'retention-extended' };
  if (current.mode === 'COMPLIANCE') return { allowed: false, reason: active.reason, bypassable: false };
  if (bypassGovernance) return { allowed: true, reason: 'governance-bypassed' };
  return { allowed: false, reason: active.reason, bypassable: true };
}
