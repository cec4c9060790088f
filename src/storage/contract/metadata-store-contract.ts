/**
 * The MetadataStore contract: every implementation (SQLite, PostgreSQL) runs these same cases.
 * Each case gets a fresh, empty store from the factory.
 */
import { describe } from 'node:test';
import { freshHarnessPerTest, type MetadataStoreFactory } from './harness.js';
import { bucketCases } from './metadata-buckets.js';
import { conditionCases } from './metadata-conditions.js';
import { iamStoreCases } from './iam-store-cases.js';
import { keyRotationCases } from './metadata-key-rotation.js';
import { listingCases } from './metadata-listing.js';
import { lockCases } from './metadata-lock.js';
import { versionCases } from './metadata-versions.js';
import { uploadCases } from './metadata-uploads.js';
import { versionListingCases } from './metadata-version-listing.js';

export function runMetadataStoreContract(name: string, factory: MetadataStoreFactory): void {
  describe(`${name} (MetadataStore contract)`, () => {
    const current = freshHarnessPerTest(factory);
    describe('buckets', () => bucketCases(current));
    describe('object versions', () => versionCases(current));
    describe('listing', () => listingCases(current));
    describe('multipart uploads', () => uploadCases(current));
    describe('version listing', () => versionListingCases(current));
    describe('conditional writes and tags', () => conditionCases(current));
    describe('IAM documents', () => iamStoreCases(current));
    describe('Object Lock', () => lockCases(current));
    describe('key rotation', () => keyRotationCases(current));
  });
}
