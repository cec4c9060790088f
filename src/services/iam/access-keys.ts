/**
 * Long-term access keys of root and of users (MinIO-style: many per owner, capped at 100),
 * each with an optional name, description, expiry and inline policy, and a status.
 *
 * Secrets are sealed before they reach the store (AAD: purpose + access key id) and returned in
 * clear exactly once, by create. Inline policy: parsed as an identity policy of at most 4096
 * bytes; it only narrows the owner's policies. The documents `null`, `{}` and
 * `{"Statement":null}` mean "no inline policy, inherit the owner's" — what MinIO's clients send
 * for that — and are stored as no policy; any other document must be a valid policy (so an
 * empty Statement list is refused by the parser rather than silently granting everything).
 * Expiry: at least 15 minutes and at most 365 days ahead, truncated to whole seconds.
 */
import { AppError, type Secret } from '../../core/index.js';
import { newAccessKeyId, newSecretAccessKey, SESSION_KEY_ID } from '../../iam/credentials/index.js';
import type { IamChange } from '../../storage/ports.js';
import { alreadyExists, limitExceeded, type IamContext } from './context.js';
import { customAccessKeyId, customSecretKey, description, invalid, LIMITS, userName } from './names.js';
import { byteLength, parseDocument } from './policy-docs.js';
import { decodeUser } from './records.js';
import { decodeAccessKey, decodeSession, encodeAccessKey, ownerOfUser, type AccessKey, type FederatedRef } from './records-credentials.js';
import type { AccessKeyInfo, IdentityService, NewAccessKey } from './types.js';

type CreateInput = Parameters<IdentityService['createAccessKey']>[0];
type UpdateInput = Parameters<IdentityService['updateAccessKey']>[1];

const KEY_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const MIN_EXPIRY_MS = 15 * 60 * 1000;
const MAX_EXPIRY_MS = 365 * 24 * 60 * 60 * 1000;

export class AccessKeys {
  readonly #ctx: IamContext;

  constructor(ctx: IamContext) {
    this.#ctx = ctx;
  }

  create(input: CreateInput): Promise<NewAccessKey> {
    return this.#ctx.mutate(async () => {
      const owner = await this.#owner(input.owner);
      const { key, secret, changes } = await this.prepare({ ...input, owner });
      await this.#ctx.apply(changes);
      return { ...info(key), secretAccessKey: secret };
    });
  }

  /** Validates and seals a new key for `owner` ('root' or `user:NAME`, which must exist or be created in the same batch). */
  async prepare(input: Omit<CreateInput, 'owner'> & { owner: string; federated?: FederatedRef }): Promise<{ key: AccessKey; secret: Secret<string>; changes: IamChange[] }> {
    const now = this.#ctx.now();
    const accessKeyId = input.accessKeyId === undefined ? newAccessKeyId('long-term') : this.#customId(input.accessKeyId);
    const secret = input.secretKey ?? newSecretAccessKey();
    if (input.secretKey !== undefined) customSecretKey(input.secretKey.reveal());
    const key: AccessKey = {
      accessKeyId,
      owner: input.owner,
      sealedSecret: '',
      status: 'Active',
      name: keyName(input.name),
      description: keyDescription(input.description),
      expiresAt: input.expiresAt === undefined ? undefined : expiry(input.expiresAt, now),
      policy: input.policy === undefined ? undefined : keyPolicy(input.policy),
      ...(input.federated === undefined ? {} : { federated: input.federated }),
      createdAt: now,
      updatedAt: now,
    };
    const held = await this.#ctx.store.listIamEntities('accesskey', { owner: input.owner, limit: LIMITS.accessKeysPerOwner });
    if (held.length >= LIMITS.accessKeysPerOwner) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${LIMITS.accessKeysPerOwner}`);
    if ((await this.#ctx.get('accesskey', accessKeyId)) || (await this.#ctx.get('session', accessKeyId))) throw alreadyExists('Access key', accessKeyId);
    key.sealedSecret = await this.#ctx.sealer.seal(secret, { purpose: 'secret', accessKeyId });
    return { key, secret, changes: [{ op: 'put', entity: encodeAccessKey(key), mode: 'create' }] };
  }

  async get(accessKeyId: string): Promise<AccessKeyInfo> {
    return info(await this.#load(accessKeyId));
  }

  async list(owner: string): Promise<AccessKeyInfo[]> {
    const entities = await this.#ctx.all('accesskey', owner.startsWith('fed:') ? owner : await this.#owner(owner));
    return entities.map((e) => info(decodeAccessKey(e)));
  }

  update(accessKeyId: string, update: UpdateInput): Promise<AccessKeyInfo> {
    return this.#ctx.mutate(async () => {
      const key = await this.#load(accessKeyId);
      const now = this.#ctx.now();
      if (update.status !== undefined && update.status !== 'Active' && update.status !== 'Inactive') throw invalid('Status must be Active or Inactive');
      const next: AccessKey = { ...key, updatedAt: now };
      if (update.status !== undefined) next.status = update.status;
      if (update.name !== undefined) next.name = update.name === '' ? undefined : keyName(update.name);
      if (update.description !== undefined) next.description = update.description === '' ? undefined : keyDescription(update.description);
      if (update.expiresAt !== undefined) next.expiresAt = update.expiresAt === null ? undefined : expiry(update.expiresAt, now);
      if (update.policy !== undefined) next.policy = update.policy === null ? undefined : keyPolicy(update.policy);
      if (update.secretKey !== undefined) {
        customSecretKey(update.secretKey.reveal());
        next.sealedSecret = await this.#ctx.sealer.seal(update.secretKey, { purpose: 'secret', accessKeyId });
      }
      await this.#ctx.apply([{ op: 'put', entity: encodeAccessKey(next), mode: 'replace' }]);
      return info(next);
    });
  }

  /** Removes the key and every session it started (those would be refused anyway; this tidies up). */
  delete(accessKeyId: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      await this.#load(accessKeyId);
      const sessions = (await this.#ctx.all('session')).filter((e) => decodeSession(e).parentAccessKeyId === accessKeyId);
      await this.#ctx.apply([
        { op: 'delete', kind: 'accesskey', name: accessKeyId, mustExist: true },
        ...sessions.map((s): IamChange => ({ op: 'delete', kind: 'session', name: s.name })),
      ]);
    });
  }

  async #load(accessKeyId: string): Promise<AccessKey> {
    const entity = typeof accessKeyId === 'string' ? await this.#ctx.get('accesskey', accessKeyId) : undefined;
    if (!entity) throw new AppError('NoSuchEntity', { message: `The Access Key with id ${String(accessKeyId).slice(0, 128)} cannot be found.` });
    return decodeAccessKey(entity);
  }

  /** 'root' → 'root'; a user name → `user:NAME` once the user is known to exist. */
  async #owner(owner: string): Promise<string> {
    if (owner === 'root') return 'root';
    const name = userName(owner);
    const entity = await this.#ctx.get('user', name);
    if (!entity) throw new AppError('NoSuchEntity', { message: `The user with name ${name} cannot be found.` });
    // Owners carry the display name (names are case-insensitive; keys.ts).
    return ownerOfUser(decodeUser(entity).name);
  }

  #customId(value: string): string {
    const id = customAccessKeyId(value);
    if (id === this.#ctx.settings.rootAccessKeyId || SESSION_KEY_ID.test(id)) throw invalid('AccessKeyId is reserved');
    return id;
  }
}

export function info(key: AccessKey): AccessKeyInfo {
  return {
    accessKeyId: key.accessKeyId,
    // 'root', a user name, or `fed:ldap:DN` for a federated user's key.
    owner: key.owner.startsWith('user:') ? key.owner.slice('user:'.length) : key.owner,
    status: key.status,
    ...(key.name === undefined ? {} : { name: key.name }),
    ...(key.description === undefined ? {} : { description: key.description }),
    ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
    ...(key.policy === undefined ? {} : { policy: key.policy }),
    createdAt: key.createdAt,
  };
}

function keyName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > LIMITS.accessKeyName || !KEY_NAME.test(value)) {
    throw invalid(`Name must be at most ${LIMITS.accessKeyName} characters, start with a letter and contain only letters, digits, _ and -`);
  }
  return value;
}

function keyDescription(value: string | undefined): string | undefined {
  const text = description(value, 'Description', LIMITS.accessKeyDescriptionBytes);
  if (text !== undefined && byteLength(text) > LIMITS.accessKeyDescriptionBytes) throw invalid(`Description must be at most ${LIMITS.accessKeyDescriptionBytes} bytes`);
  return text;
}

function expiry(value: Date, now: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid('Expiration must be a valid time');
  const truncated = new Date(Math.floor(value.getTime() / 1000) * 1000);
  const ahead = truncated.getTime() - now.getTime();
  if (ahead < MIN_EXPIRY_MS || ahead > MAX_EXPIRY_MS) throw invalid('Expiration must be between 15 minutes and 365 days from now');
  return truncated;
}

/** Normalised inline policy, or undefined for the documents that mean "inherit" (see the header). */
export function keyPolicy(document: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(document);
  } catch {
    json = undefined;
  }
  if (json === null) return undefined;
  if (typeof json === 'object' && !Array.isArray(json)) {
    const keys = Object.keys(json as object);
    if (keys.length === 0 || (keys.length === 1 && keys[0] === 'Statement' && (json as { Statement: unknown }).Statement === null)) return undefined;
  }
  return parseDocument(document, 'identity', { maxBytes: LIMITS.accessKeyPolicyBytes }).text;
}
