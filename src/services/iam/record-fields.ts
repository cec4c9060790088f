/**
 * Field readers for decoding stored IAM records. A stored record that does not have the shape
 * its formatVersion promises is StorageError('Corrupt'): never guessed at, never half-used.
 */
import { StorageError, type IamEntity } from '../../storage/ports.js';

export type Fields = Record<string, unknown>;

export function recordOf(entity: IamEntity, formatVersion: number): Fields {
  const record = entity.record as Fields | null;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw corrupt(entity, 'record');
  if (record.formatVersion !== formatVersion) throw new StorageError('Corrupt', `iam ${entity.kind} ${JSON.stringify(entity.name)}: unknown format ${String(record.formatVersion)}`);
  return record;
}

export function corrupt(entity: IamEntity, field: string): StorageError {
  return new StorageError('Corrupt', `iam ${entity.kind} ${JSON.stringify(entity.name)}: bad ${field}`);
}

export function str(entity: IamEntity, record: Fields, field: string): string {
  const value = record[field];
  if (typeof value !== 'string') throw corrupt(entity, field);
  return value;
}

export function optStr(entity: IamEntity, record: Fields, field: string): string | undefined {
  return record[field] === undefined ? undefined : str(entity, record, field);
}

export function num(entity: IamEntity, record: Fields, field: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw corrupt(entity, field);
  return value;
}

export function date(entity: IamEntity, record: Fields, field: string): Date {
  const value = new Date(str(entity, record, field));
  if (Number.isNaN(value.getTime())) throw corrupt(entity, field);
  return value;
}

export function optDate(entity: IamEntity, record: Fields, field: string): Date | undefined {
  return record[field] === undefined ? undefined : date(entity, record, field);
}

export function oneOf<T extends string>(entity: IamEntity, record: Fields, field: string, allowed: readonly T[]): T {
  const value = record[field];
  if (!allowed.includes(value as T)) throw corrupt(entity, field);
  return value as T;
}

/** A string map stored as [key, value] pairs (keeps order, survives any key). */
export function pairs(entity: IamEntity, record: Fields, field: string): Record<string, string> {
  const value = record[field];
  if (!Array.isArray(value)) throw corrupt(entity, field);
  const out: Record<string, string> = {};
  for (const pair of value as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') throw corrupt(entity, field);
    out[pair[0]] = pair[1];
  }
  return out;
}

export const toPairs = (map: Readonly<Record<string, string>>): Array<[string, string]> => Object.entries(map);
