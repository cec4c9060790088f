/**
 * Orphan sweep: removes temp files left by crashed or abandoned uploads and committed blobs that
 * no metadata references (a crash between blob commit and metadata commit, or between metadata
 * delete and blob unlink). Young blobs and blobs of uploads in flight are kept: between
 * commit() and the metadata write a blob is legitimately unreferenced.
 */
import { lstat, opendir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../ports.js';
import { BLOB_ID_PATTERN, errnoCode, type BlobLayout } from './layout.js';

type SweepOptions = Parameters<BlobStore['sweepOrphans']>[0];

/** At most this many ids per isReferenced() call. */
export const REFERENCE_BATCH = 500;

export async function sweepOrphans(layout: BlobLayout, options: SweepOptions): Promise<{ removedBlobs: number; removedTemps: number }> {
  const now = Date.now();
  const oldEnough = (mtimeMs: number) => options.minAgeMs <= 0 || now - mtimeMs >= options.minAgeMs;
  const removedTemps = await sweepTemps(layout.tmpDir, oldEnough);
  let removedBlobs = 0;
  let batch: Array<{ id: string; path: string }> = [];
  const flush = async () => {
    const candidates = batch;
    batch = [];
    if (candidates.length === 0) return;
    const referenced = await options.isReferenced(candidates.map((c) => c.id));
    for (const { id, path } of candidates) {
      if (referenced.has(id) || options.inFlight.has(id)) continue;
      if (await removeFile(path)) removedBlobs++;
    }
  };
  for (const shard of await listDir(layout.blobsDir)) {
    if (!/^[0-9A-Z]{2}$/.test(shard)) continue;
    const shardDir = join(layout.blobsDir, shard);
    let dir;
    try {
      dir = await opendir(shardDir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') continue;
      throw error;
    }
    for await (const entry of dir) {
      const id = entry.name;
      if (!entry.isFile() || !BLOB_ID_PATTERN.test(id) || !id.startsWith(shard) || options.inFlight.has(id)) continue;
      const path = join(shardDir, id);
      const stats = await lstat(path).catch(() => undefined);
      if (!stats || !oldEnough(stats.mtimeMs)) continue;
      batch.push({ id, path });
      if (batch.length >= REFERENCE_BATCH) await flush();
    }
  }
  await flush();
  return { removedBlobs, removedTemps };
}

async function sweepTemps(tmpDir: string, oldEnough: (mtimeMs: number) => boolean): Promise<number> {
  let removed = 0;
  for (const name of await listDir(tmpDir)) {
    const path = join(tmpDir, name);
    const stats = await lstat(path).catch(() => undefined);
    if (!stats || !stats.isFile() || !oldEnough(stats.mtimeMs)) continue;
    if (await removeFile(path)) removed++;
  }
  return removed;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Unlinks a file; false when it was already gone. */
async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}
