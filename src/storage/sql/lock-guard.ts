/**
 * Object Lock, second line of defence: the store's own check, run inside the write transaction
 * that would drop, replace or re-lock a version, so a service that forgot its check still cannot
 * destroy locked data. Deliberately a separate implementation of the domain rules (storage may
 * not import domain/), kept small: legal hold ON and active COMPLIANCE always refuse; active
 * GOVERNANCE refuses unless bypassGovernance; delete markers are never locked. Time fails closed:
 * a version written after `now`, or `now` behind the store's high-water mark, counts as active.
 * The dialect's triggers (SqlDialectProfile.objectLockTriggers) are the third line, for raw SQL.
 */
import { StorageError, type ObjectLockChange, type ObjectRetention, type ObjectVersionRecord } from '../ports.js';

export interface LockClock {
  now: number;
  highWater: number;
}

function retentionActive(version: ObjectVersionRecord, retention: ObjectRetention, clock: LockClock): boolean {
  if (version.lastModified.getTime() > clock.now || clock.highWater > clock.now) return true;
  return retention.retainUntil.getTime() > clock.now;
}

function where(version: ObjectVersionRecord): string {
  return `${version.bucket}/${version.key} version ${version.versionId}`;
}

/** Throws StorageError('Locked') unless the version may be removed now. */
export function assertRemovable(version: ObjectVersionRecord, clock: LockClock, bypassGovernance: boolean): void {
  if (version.isDeleteMarker) return;
  if (version.legalHold === 'ON') throw new StorageError('Locked', `${where(version)} is under legal hold`);
  const retention = version.retention;
  if (!retention || !retentionActive(version, retention, clock)) return;
  if (retention.mode === 'COMPLIANCE' || !bypassGovernance) {
    throw new StorageError('Locked', `${where(version)} is under ${retention.mode} retention`);
  }
}

/** Throws StorageError('Locked') unless `change` keeps or extends an active retention (or may bypass GOVERNANCE). */
export function assertLockChange(version: ObjectVersionRecord, change: ObjectLockChange, clock: LockClock, bypassGovernance: boolean): void {
  if (change.retention === undefined) return;
  const current = version.retention;
  if (!current || !retentionActive(version, current, clock)) return;
  const next = change.retention;
  if (next !== null && next.mode === current.mode && next.retainUntil.getTime() >= current.retainUntil.getTime()) return;
  if (current.mode === 'GOVERNANCE' && bypassGovernance) return;
  throw new StorageError('Locked', `${where(version)}: its ${current.mode} retention may not be weakened`);
}

/** The record with `change` applied (lock fields only). */
export function applyLockChange(version: ObjectVersionRecord, change: ObjectLockChange): ObjectVersionRecord {
  const { retention, legalHold, ...rest } = version;
  const nextRetention = change.retention === undefined ? retention : (change.retention ?? undefined);
  const nextHold = change.legalHold ?? legalHold;
  return { ...rest, ...(nextRetention ? { retention: nextRetention } : {}), ...(nextHold ? { legalHold: nextHold } : {}) };
}
