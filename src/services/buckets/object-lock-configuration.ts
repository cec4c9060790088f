/**
 * A bucket's Object Lock configuration (AWS rules). Protects the lock promise at the bucket
 * level: once objectLockEnabled is true it never goes back to false and versioning never leaves
 * Enabled (a Suspended bucket would overwrite 'null' versions), so every write keeps its own
 * version. Inputs: the stored bucket record and a validated default rule; outputs the updated
 * record or an AppError. The default rule only affects writes made after it is set.
 */
import { AppError } from '../../core/index.js';
import type { VersioningStatus } from '../../domain/index.js';
import type { BucketRecord, DefaultRetentionRule } from '../../storage/ports.js';

const MAX_DAYS = 36500;
const MAX_YEARS = 100;

/** PutBucketVersioning: Suspended is refused on a bucket with Object Lock. */
export function assertVersioningChangeAllowed(bucket: BucketRecord, status: VersioningStatus): void {
  if (bucket.objectLockEnabled && status !== 'Enabled') {
    throw new AppError('InvalidBucketState', { message: 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.' });
  }
}

/** The record after PutObjectLockConfiguration. */
export function withLockConfiguration(bucket: BucketRecord, rule: DefaultRetentionRule | undefined): BucketRecord {
  if (!bucket.objectLockEnabled && bucket.versioning !== 'Enabled') {
    throw new AppError('InvalidBucketState', { message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration" });
  }
  const { objectLockDefault: _previous, ...rest } = bucket;
  if (rule === undefined) return { ...rest, objectLockEnabled: true };
  assertValidRule(rule);
  const stored: DefaultRetentionRule = rule.days !== undefined ? { mode: rule.mode, days: rule.days } : { mode: rule.mode, years: rule.years };
  return { ...rest, objectLockEnabled: true, objectLockDefault: stored };
}

/** GetObjectLockConfiguration. */
export function lockConfigurationOf(bucket: BucketRecord): { rule: DefaultRetentionRule | undefined } {
  if (!bucket.objectLockEnabled) {
    throw new AppError('ObjectLockConfigurationNotFoundError', { message: 'Object Lock configuration does not exist for this bucket', fields: { BucketName: bucket.name } });
  }
  return { rule: bucket.objectLockDefault };
}

/** The API validates the XML; this keeps a rule the store would carry well-formed whatever the caller. */
function assertValidRule(rule: DefaultRetentionRule): void {
  if (rule.mode !== 'GOVERNANCE' && rule.mode !== 'COMPLIANCE') throw new AppError('MalformedXML', { details: { reason: 'lock mode' } });
  if ((rule.days === undefined) === (rule.years === undefined)) throw new AppError('MalformedXML', { details: { reason: 'exactly one of Days and Years' } });
  const [count, max] = rule.days !== undefined ? [rule.days, MAX_DAYS] : [rule.years as number, MAX_YEARS];
  if (!Number.isInteger(count) || count <= 0 || count > max) {
    throw new AppError('InvalidRetentionPeriod', { message: 'Default retention period must be a positive integer value.' });
  }
}
