/** Bucket use cases: create, look up, list, delete; versioning, Object Lock configuration, CORS, tags and bucket policies. Storage conditions become AppErrors here. */
import { AppError, type Clock } from '../../core/index.js';
import { assertBucketNameNotReserved, assertValidBucketName, type VersioningStatus } from '../../domain/index.js';
import { parsePolicy, PolicyError, type ParsedPolicy } from '../../iam/policy/index.js';
import { RECORD_FORMAT_VERSION, StorageError, type BucketCorsRule, type BucketEncryptionRule, type BucketRecord, type DefaultRetentionRule, type MetadataStore, type StoredTag } from '../../storage/ports.js';
import { isPublicPolicy, parsedBucketPolicy } from './bucket-policy.js';
import { assertVersioningChangeAllowed, lockConfigurationOf, withLockConfiguration } from './object-lock-configuration.js';

export interface BucketPageQuery {
  prefix: string;
  /** Exclusive: the last name of the previous page, '' for the first. */
  after: string;
  region: string | undefined;
  limit: number;
}

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

  /** CreateBucket; objectLockEnabled (x-amz-bucket-object-lock-enabled: true) also enables versioning for good. */
  async createBucket(input: { name: string; owner: string; objectLockEnabled?: boolean }): Promise<BucketRecord> {
    assertValidBucketName(input.name);
    assertBucketNameNotReserved(input.name);
    const record: BucketRecord = {
      formatVersion: RECORD_FORMAT_VERSION,
      name: input.name,
      owner: input.owner,
      region: this.region,
      createdAt: this.#clock.now(),
      versioning: input.objectLockEnabled === true ? 'Enabled' : 'Unversioned',
      objectLockEnabled: input.objectLockEnabled === true,
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

  /**
   * PutBucketVersioning: Enabled or Suspended, never back to Unversioned (the type has no such
   * value). Setting the current state again is a no-op.
   */
  async setVersioning(name: string, status: VersioningStatus): Promise<BucketRecord> {
    const bucket = await this.getBucket(name);
    if (bucket.versioning === status) return bucket;
    assertVersioningChangeAllowed(bucket, status);
    const updated: BucketRecord = { ...bucket, versioning: status };
    try {
      await this.#store.updateBucket(updated);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
      throw error;
    }
    return updated;
  }

  /**
   * PutObjectLockConfiguration (rule already validated): turns Object Lock on for good — on a
   * bucket without it only while versioning is Enabled, else InvalidBucketState — and sets the
   * default retention; no rule removes the default (the lock stays on).
   */
  async putObjectLockConfiguration(name: string, rule: DefaultRetentionRule | undefined): Promise<void> {
    await this.#update(withLockConfiguration(await this.getBucket(name), rule));
  }

  /** GetObjectLockConfiguration: ObjectLockConfigurationNotFoundError when the bucket has no lock. */
  async getObjectLockConfiguration(name: string): Promise<{ rule: DefaultRetentionRule | undefined }> {
    return lockConfigurationOf(await this.getBucket(name));
  }

  /** PutBucketCors (rules already validated) and DeleteBucketCors (undefined). */
  async setCors(name: string, cors: BucketCorsRule[] | undefined): Promise<void> {
    const bucket = await this.getBucket(name);
    const { cors: _previous, ...rest } = bucket;
    const updated: BucketRecord = cors === undefined ? rest : { ...rest, cors };
    try {
      await this.#store.updateBucket(updated);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
      throw error;
    }
  }

  /**
   * PutBucketPolicy: the text is validated as a bucket policy of this bucket (≤ 20 KiB, every
   * Resource inside it, Principal on every statement) and stored exactly as sent. Invalid →
   * MalformedPolicy with the parser's message (it names the statement and field).
   */
  async putBucketPolicy(name: string, text: string): Promise<void> {
    const bucket = await this.getBucket(name);
    try {
      parsePolicy(text, 'bucket', { bucket: name });
    } catch (error) {
      if (error instanceof PolicyError) throw new AppError('MalformedPolicy', { message: error.message });
      throw error;
    }
    await this.#update({ ...bucket, policy: text });
  }

  /** GetBucketPolicy: the stored text, or NoSuchBucketPolicy. */
  async getBucketPolicyText(name: string): Promise<string> {
    const { policy } = await this.getBucket(name);
    if (policy === undefined) throw new AppError('NoSuchBucketPolicy', { message: 'The bucket policy does not exist', fields: { BucketName: name } });
    return policy;
  }

  async deleteBucketPolicy(name: string): Promise<void> {
    const { policy: _previous, ...rest } = await this.getBucket(name);
    await this.#update(rest);
  }

  /** GetBucketPolicyStatus: whether the policy grants anyone access (AWS's public rule). */
  async getBucketPolicyStatus(name: string): Promise<{ isPublic: boolean }> {
    return { isPublic: isPublicPolicy(parsedBucketPolicy(name, await this.getBucketPolicyText(name))) };
  }

  /** The PolicySource view: the parsed policy of an existing bucket, parsed once per stored text. */
  async getBucketPolicy(name: string): Promise<ParsedPolicy | undefined> {
    const bucket = await this.#store.getBucket(name);
    return bucket === undefined ? undefined : this.policyOf(bucket);
  }

  /** The parsed policy of a bucket record already read (memoised by text; no I/O). */
  policyOf(bucket: Pick<BucketRecord, 'name' | 'policy'>): ParsedPolicy | undefined {
    return bucket.policy === undefined ? undefined : parsedBucketPolicy(bucket.name, bucket.policy);
  }

  async #update(updated: BucketRecord): Promise<void> {
    try {
      await this.#store.updateBucket(updated);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
      throw error;
    }
  }

  async findBucket(name: string): Promise<BucketRecord | undefined> {
    return this.#store.getBucket(name);
  }

  async listBuckets(): Promise<BucketRecord[]> {
    return this.#store.listBuckets();
  }

  /** PutBucketEncryption (rule validated by the API) and DeleteBucketEncryption (undefined). */
  async setEncryption(name: string, rule: BucketEncryptionRule | undefined): Promise<void> {
    const { encryption: _previous, ...rest } = await this.getBucket(name);
    await this.#update(rule === undefined ? rest : { ...rest, encryption: rule });
  }

  /** PutBucketTagging (tags validated and sorted) and DeleteBucketTagging (empty). */
  async setBucketTags(name: string, tags: readonly StoredTag[]): Promise<void> {
    const bucket = await this.getBucket(name);
    const { tags: _previous, ...rest } = bucket;
    const updated: BucketRecord = tags.length === 0 ? rest : { ...rest, tags: [...tags] };
    try {
      await this.#store.updateBucket(updated);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NotFound') throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
      throw error;
    }
  }

  /**
   * ListBuckets with max-buckets / continuation-token / prefix / bucket-region: names after
   * `after` in byte order. Filters the store's full list (bounded by the bucket quota).
   */
  async listBucketsPage(query: BucketPageQuery): Promise<{ buckets: BucketRecord[]; nextAfter: string | undefined }> {
    const matching = (await this.#store.listBuckets()).filter(
      (b) => b.name.startsWith(query.prefix) && b.name > query.after && (query.region === undefined || b.region === query.region),
    );
    const buckets = matching.slice(0, query.limit);
    const nextAfter = matching.length > query.limit ? buckets.at(-1)?.name : undefined;
    return { buckets, nextAfter };
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
