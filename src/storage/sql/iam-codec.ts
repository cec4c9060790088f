/**
 * Rows of iam_entities ↔ IamEntity. The record is opaque JSON to storage (the identity service
 * versions it); this only checks that it round-trips: a record that is not JSON on read is
 * StorageError('Corrupt'), never a guess.
 */
import { StorageError, type IamEntity, type IamEntityKind } from '../ports.js';

export interface IamEntityRow {
  kind: string;
  name: string;
  owner: string | null;
  expires_at: string | null;
  record: string;
}

export function encodeIamEntity(entity: IamEntity): IamEntityRow {
  const record = JSON.stringify(entity.record);
  if (record === undefined) throw new TypeError(`iam ${entity.kind} ${JSON.stringify(entity.name)}: record is not JSON-serialisable`);
  const expires = entity.expiresAt;
  if (expires !== undefined && Number.isNaN(expires.getTime())) throw new TypeError(`iam ${entity.kind} ${JSON.stringify(entity.name)}: invalid expiresAt`);
  return {
    kind: entity.kind,
    name: entity.name,
    owner: entity.owner ?? null,
    expires_at: expires === undefined ? null : expires.toISOString(),
    record,
  };
}

export function decodeIamEntity(row: IamEntityRow): IamEntity {
  const where = `iam ${row.kind} ${JSON.stringify(row.name)}`;
  let record: unknown;
  try {
    record = JSON.parse(row.record);
  } catch (error) {
    throw new StorageError('Corrupt', `${where}: record is not JSON`, { cause: error });
  }
  const entity: IamEntity = { kind: row.kind as IamEntityKind, name: row.name, record };
  if (row.owner !== null) entity.owner = row.owner;
  if (row.expires_at !== null) {
    const expiresAt = new Date(row.expires_at);
    if (Number.isNaN(expiresAt.getTime())) throw new StorageError('Corrupt', `${where}: bad expires_at`);
    entity.expiresAt = expiresAt;
  }
  return entity;
}
