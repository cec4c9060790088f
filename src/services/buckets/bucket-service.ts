/** Bucket use cases: create, look up, list, delete. Storage conditions become AppErrors here. */
import { AppError, type Clock } from '../../core/index.js';
import { assertBucketNameNotReserved, assertValidBucketName } from '../../domain/index.js';
import { RECORD_FORMAT_VERSION, StorageError, type BucketRecord, type MetadataStore } from '../../storage/ports.js';

export interface BucketServiceDeps {
  store: MetadataStore;
  clock: Clock;
  region: string;
}

export class BucketService {
  readonly #store: MetadataStore;
  readonly #clock: Clock;
  readonly region: string;

  constructor(deps: BucketServiceDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.region = deps.region;
  }

  async createBucket(input: { name: string; owner: string }): Promise<BucketRecord> {
    assertValidBucketName(input.name);
    assertBucketNameNotReserved(input.name);
    const record: BucketRecord = {
      formatVersion: RECORD_FORMAT_VERSION,
      name: input.name,
      owner: input.owner,
      region: this.region,
      createdAt: this.#clock.now(),
      versioning: 'Unversioned',
      objectLockEnabled: false,
    };
    try {
      await this.#store.createBucket(record);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'AlreadyExists') {
        const existing = await this.#store.getBucket(input.name);
        if (existing?.owner !== input.owner) throw new AppError('BucketAlreadyExists');
        // AWS quirk kept for compatibility: us-east-1 answers the owner's re-create with 200.
        if (this.region === 'us-east-1') return existing;
        throw new AppError('BucketAlreadyOwnedByYou');
      }
      throw error;
    }
    return record;
  }

  /** The bucket, or NoSuchBucket. */
  async getBucket(name: string): Promise<BucketRecord> {
    const bucket = await this.#store.getBucket(name);
    if (!bucket) throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
    return bucket;
  }

  async findBucket(name: string): Promise<BucketRecord | undefined> {
    return this.#store.getBucket(name);
  }

  async listBuckets(): Promise<BucketRecord[]> {
    return this.#store.listBuckets();
  }

  async deleteBucket(name: string): Promise<void> {
    await this.getBucket(name);
    try {
      await this.#store.deleteBucket(name);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotEmpty') {
        throw new AppError('BucketNotEmpty', { message: 'The bucket you tried to delete is not empty' });
      }
      if (error instanceof StorageError && error.code === 'NotFound') throw new AppError('NoSuchBucket');
      throw error;
    }
  }
}
