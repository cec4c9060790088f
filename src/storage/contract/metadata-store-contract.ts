/**
 * The MetadataStore contract: every implementation (SQLite, PostgreSQL) runs these same cases.
 * Each case gets a fresh, empty store from the factory.
 */
import { afterEach, beforeEach, describe } from 'node:test';
import type { MetadataStoreFactory, MetadataStoreHarness } from './harness.js';
import { bucketCases } from './metadata-buckets.js';
import { conditionCases } from './metadata-conditions.js';
import { listingCases } from './metadata-listing.js';
import { versionCases } from './metadata-versions.js';
import { uploadCases } from './metadata-uploads.js';
import { versionListingCases } from './metadata-version-listing.js';

export function runMetadataStoreContract(name: string, factory: MetadataStoreFactory): void {
  describe(`${name} (MetadataStore contract)`, () => {
    let harness: MetadataStoreHarness | undefined;
    const current = (): MetadataStoreHarness => {
      if (!harness) throw new Error('no store: the factory did not run');
      return harness;
    };
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness?.dispose();
      harness = undefined;
    });
    describe('buckets', () => bucketCases(current));
    describe('object versions', () => versionCases(current));
    describe('listing', () => listingCases(current));
    describe('multipart uploads', () => uploadCases(current));
    describe('version listing', () => versionListingCases(current));
    describe('conditional writes and tags', () => conditionCases(current));
  });
}
