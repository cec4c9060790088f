/** Storage ports, part 3: IAM persistence (re-exported by ports.ts). */

/**
 * IAM persistence: a small document store the identity service builds on. Entities are JSON
 * records (each carries its own formatVersion) addressed by kind + name; links are directed
 * name pairs. Every applyIamChanges call is one transaction and bumps the IAM generation, which
 * caches compare to notice changes made by this or another node.
 */
export type IamEntityKind = 'user' | 'group' | 'policy' | 'role' | 'accesskey' | 'session';

/** 'member': from = group name, to = user name. 'attached': from = `user:NAME` | `group:NAME` | `role:NAME`, to = policy name. */
export type IamLinkKind = 'member' | 'attached';

export interface IamEntity {
  kind: IamEntityKind;
  /** Unique within its kind (user name, policy name, access key id …); compared byte-wise. */
  name: string;
  /** Owning entity name for keys and sessions (the user or role), so they can be listed and removed with it. */
  owner?: string | undefined;
  /** Sessions and expiring access keys: when the entity stops being valid. */
  expiresAt?: Date | undefined;
  /** JSON-serialisable record; opaque to storage. */
  record: unknown;
}

export type IamChange =
  | { op: 'put'; entity: IamEntity; mode: 'create' | 'replace' | 'upsert' }
  | { op: 'delete'; kind: IamEntityKind; name: string; mustExist?: boolean }
  | { op: 'deleteOwned'; kind: IamEntityKind; owner: string }
  | { op: 'link'; kind: IamLinkKind; from: string; to: string }
  | { op: 'unlink'; kind: IamLinkKind; from: string; to: string }
  | { op: 'unlinkAll'; kind: IamLinkKind; from?: string; to?: string };

export interface IamStore {
  /** Monotonic counter bumped by every applyIamChanges. */
  iamGeneration(): Promise<number>;
  /**
   * Applies every change in one transaction, in order, or none of them. StorageError
   * 'AlreadyExists' (put create on an existing name), 'NotFound' (put replace / delete mustExist
   * on a missing name). Linking is idempotent. Returns the new generation.
   */
  applyIamChanges(changes: readonly IamChange[]): Promise<number>;
  getIamEntity(kind: IamEntityKind, name: string): Promise<IamEntity | undefined>;
  /** Names in ascending byte order after `after`, at most `limit`; only `owner`'s when given. */
  listIamEntities(kind: IamEntityKind, options: { owner?: string; after?: string; limit: number }): Promise<IamEntity[]>;
  listIamLinks(kind: IamLinkKind, options: { from?: string; to?: string }): Promise<Array<{ from: string; to: string }>>;
  /** Removes entities of `kind` whose expiresAt is before `before`; returns how many (bumps the generation if any). */
  deleteExpiredIamEntities(kind: IamEntityKind, before: Date): Promise<number>;
}
