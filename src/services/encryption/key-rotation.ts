/**
 * Key rotation (`coffer admin kms rotate`): re-wraps the object keys of SSE-S3 and SSE-KMS
 * versions under a fresh data key of the target KMS key. Object data, sizes and ETags never
 * change: only the KMS ciphertext of the data key, the key id and the sealed object key do.
 *
 * Protects: objects stay readable while the KMS key that wrapped them is retired. Construction:
 * per version, the KMS decrypts the stored data key (stored key id, context {bucket: "b/k", …}),
 * the object key is unsealed, the KMS generates a data key under the target key with the same
 * context, the object key is sealed again with the same binding (mode, bucket, key), and the
 * store swaps it in only if the version still holds the material that was read (compare-and-
 * swap). Invariants: the unsealed object key is zeroed after use and never logged; a version
 * overwritten, re-keyed or deleted meanwhile is skipped, never clobbered; SSE-C versions are
 * skipped (the client holds their key). One job at a time, store-wide: its progress record (job
 * "kms-rotate") carries a lease, so a second start elsewhere is refused while the owner lives,
 * and a job whose process died resumes from its marker. KMS unreachable or refusing → the job
 * fails with the marker on the last finished version, and --resume continues from there.
 */
import { randomUUID } from 'node:crypto';
import { AppError, isAppError, type Clock } from '../../core/index.js';
import type { Logger } from '../../observability/index.js';
import type { MetadataStore, ObjectVersionSummary, SealedKeyMaterial } from '../../storage/ports.js';
import type { ObjectCrypto } from './object-crypto.js';
import { countInScope, fatalReason, versionFailure } from './rotation-errors.js';
import {
  emptyCounts, idleStatus, MAX_LISTED_FAILURES, parseRecord, ROTATION_FORMAT_VERSION, ROTATION_JOB, statusOf,
  type RotationOptions, type RotationRecord, type RotationStatus, type SkipReason,
} from './rotation-state.js';

export interface KeyRotationDeps {
  store: MetadataStore;
  crypto: ObjectCrypto;
  clock: Clock;
  logger?: Logger;
  /** A running record not refreshed for this long belongs to a dead process (default 60 s). */
  leaseMs?: number;
  /** Versions examined per store page (default 100). */
  pageSize?: number;
  /** Progress is written at least this often while running (default 1 s), and on every stop. */
  persistEveryMs?: number;
}

class LostOwnership extends Error {}

const STOPPED = 'Stopped: the server shut down before the rotation finished. Continue with --resume.';

export class KeyRotation {
  readonly #deps: Required<Omit<KeyRotationDeps, 'logger'>> & { logger: Logger | undefined };
  readonly #owner = randomUUID();
  #run: Promise<void> | undefined;
  #record: RotationRecord | undefined;
  #written: string | null = null;
  #writes: Promise<void> = Promise.resolve();
  #lastWrite = 0;
  #stopRequested = false;

  constructor(deps: KeyRotationDeps) {
    this.#deps = { leaseMs: 60_000, pageSize: 100, persistEveryMs: 1_000, ...deps, logger: deps.logger };
  }

  async status(): Promise<RotationStatus> {
    const text = await this.#deps.store.jobs.get(ROTATION_JOB);
    if (text === undefined) return idleStatus();
    const record = parseRecord(text);
    return statusOf(record, this.#isLive(record));
  }

  /** Starts (or with `resume`, continues) the job in the background; resolves once it is claimed. */
  async start(request: RotationOptions & { resume?: boolean }): Promise<RotationStatus> {
    const { store, crypto, clock } = this.#deps;
    crypto.requireKms();
    const text = (await store.jobs.get(ROTATION_JOB)) ?? null;
    const previous = text === null ? undefined : parseRecord(text);
    if (previous && previous.state === 'running' && this.#isLive(previous)) throw alreadyRunning(previous);
    const { resume, ...asked } = request;
    if (resume && (!previous || previous.state === 'done')) throw new AppError('NoSuchEntity', { message: 'There is no unfinished key rotation to resume.' });
    const options = resume && previous ? previous.options : asked;
    if (options.bucket !== undefined && !(await store.getBucket(options.bucket))) throw new AppError('NoSuchBucket', { message: 'The specified bucket does not exist' });
    // The target key must work before anything is claimed: a missing key or an unreachable KMS answers now.
    await crypto.assertKeyUsable(options.key);
    const now = clock.now().toISOString();
    const record: RotationRecord = resume && previous
      ? { ...previous, owner: this.#owner, state: 'running', updatedAt: now, finishedAt: undefined, error: undefined }
      : { formatVersion: ROTATION_FORMAT_VERSION, owner: this.#owner, state: 'running', options, ...emptyCounts(), startedAt: now, updatedAt: now };
    const claimed = JSON.stringify(record);
    if (!(await store.jobs.put(ROTATION_JOB, claimed, text))) throw alreadyRunning(record);
    this.#record = record;
    this.#written = claimed;
    this.#lastWrite = Date.now();
    this.#stopRequested = false;
    this.#deps.logger?.info({ options, resume: resume === true }, 'kms key rotation started');
    const run = this.#loop(record);
    this.#run = run.finally(() => {
      if (this.#run === tracked) this.#run = undefined;
    });
    const tracked = this.#run;
    return statusOf(record, true);
  }

  /** Resolves when the job this process runs (if any) has ended; its final status. */
  async settled(): Promise<RotationStatus> {
    await this.#run;
    return this.status();
  }

  /** Stops this process's job between two versions (server shutdown); the marker stays resumable. */
  async stop(): Promise<void> {
    this.#stopRequested = true;
    await this.#run;
  }

  #isLive(record: RotationRecord): boolean {
    if (record.owner === this.#owner) return this.#run !== undefined;
    const updated = Date.parse(record.updatedAt ?? '');
    return Number.isFinite(updated) && this.#deps.clock.now().getTime() - updated < this.#deps.leaseMs;
  }

  async #loop(record: RotationRecord): Promise<void> {
    const { store, pageSize, leaseMs } = this.#deps;
    const heartbeat = setInterval(() => void this.#persist().catch(() => undefined), Math.max(50, Math.floor(leaseMs / 4)));
    heartbeat.unref();
    try {
      if (record.total === undefined) {
        record.total = record.processed + (await countInScope(store, record.options, record.marker, pageSize));
        await this.#persist();
      }
      for (;;) {
        if (this.#stopRequested) return await this.#finish('failed', STOPPED);
        const page = await store.listEncryptedVersions({ bucket: record.options.bucket, prefix: record.options.prefix, after: record.marker, limit: pageSize });
        for (const version of page.versions) {
          if (this.#stopRequested) return await this.#finish('failed', STOPPED);
          await this.#rotateOne(record, version);
          record.marker = { bucket: version.bucket, key: version.key, versionId: version.versionId };
          record.processed += 1;
          if (Date.now() - this.#lastWrite >= this.#deps.persistEveryMs) await this.#persist();
        }
        if (!page.next) break;
        record.marker = page.next;
      }
      await this.#finish('done');
    } catch (error) {
      if (error instanceof LostOwnership) return;
      const reason = fatalReason(error);
      if (!isAppError(error) || error.code === 'InternalError') this.#deps.logger?.error({ err: error }, 'kms key rotation failed');
      await this.#finish('failed', reason).catch((e: unknown) => this.#deps.logger?.error({ err: e }, 'kms key rotation: could not record the failure'));
    } finally {
      clearInterval(heartbeat);
    }
  }

  async #rotateOne(record: RotationRecord, version: ObjectVersionSummary): Promise<void> {
    const { crypto, store } = this.#deps;
    const enc = version.encryption;
    if (!enc || enc.mode === 'SSE-C') return skip(record, 'sse-c');
    const { key: target, fromKey } = record.options;
    if (fromKey !== undefined && enc.keyId !== fromKey) return skip(record, 'other-key');
    let objectKey: Buffer;
    try {
      objectKey = await crypto.unseal(enc, version.bucket, version.key, undefined);
    } catch (error) {
      const reason = versionFailure(error);
      if (reason === undefined) throw error;
      record.failed += 1;
      if (record.failures.length < MAX_LISTED_FAILURES) record.failures.push({ bucket: version.bucket, key: version.key, versionId: version.versionId, reason });
      return;
    }
    let next: SealedKeyMaterial;
    try {
      next = await crypto.reseal(enc, objectKey, version.bucket, version.key, target ?? (enc.mode === 'SSE-S3' ? crypto.requireKms().defaultKeyId : (enc.keyId as string)));
    } finally {
      objectKey.fill(0);
    }
    const expected = { keyId: enc.keyId as string, sealedDataKey: enc.sealedDataKey as string, sealedObjectKey: enc.sealedObjectKey };
    const swap = await store.replaceSealedKey(version.bucket, version.key, version.versionId, expected, next);
    if (swap === 'replaced') record.rotated += 1;
    else skip(record, swap);
  }

  async #finish(state: 'done' | 'failed', error?: string): Promise<void> {
    const record = this.#record as RotationRecord;
    record.state = state;
    record.finishedAt = this.#deps.clock.now().toISOString();
    record.error = error;
    await this.#persist();
    this.#deps.logger?.info({ state, processed: record.processed, rotated: record.rotated, skipped: record.skipped, failed: record.failed, error }, 'kms key rotation ended');
  }

  /** Writes the record if this process still owns it (serialised: the heartbeat and the loop share it). */
  #persist(): Promise<void> {
    const write = this.#writes.then(async () => {
      const record = this.#record as RotationRecord;
      record.updatedAt = this.#deps.clock.now().toISOString();
      const text = JSON.stringify(record);
      if (!(await this.#deps.store.jobs.put(ROTATION_JOB, text, this.#written))) throw new LostOwnership('another process took the rotation over');
      this.#written = text;
      this.#lastWrite = Date.now();
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }
}

function skip(record: RotationRecord, reason: SkipReason): void {
  record.skipped += 1;
  record.skippedBy[reason] += 1;
}

function alreadyRunning(record: RotationRecord): AppError {
  return new AppError('EntityAlreadyExists', { message: `A key rotation is already running (started ${record.startedAt ?? 'earlier'}). Watch it with: coffer admin kms rotate status ALIAS` });
}
