/**
 * Managed policies and their versions. Documents are parsed (validated) as identity policies and
 * stored as submitted, which is what AWS returns. At most 5 versions (v1, v2, … numbers never reused); the
 * default version cannot be deleted. A policy attached anywhere cannot be deleted.
 * Built-ins (BUILT_IN_POLICIES: readonly, readwrite, writeonly, diagnostics, consoleAdmin) are
 * listed and attachable like the others but cannot be created over, changed or deleted. The
 * AWS managed ones among them (AmazonS3FullAccess, …) have the ARN arn:aws:iam::aws:policy/NAME.
 * Names are case-insensitive (keys.ts): "ReadOnly" finds the built-in readonly.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../core/index.js';
import { newUniqueId } from '../../iam/credentials/index.js';
import { AWS_MANAGED_POLICY_NAMES, BUILT_IN_POLICIES } from '../../iam/policy/index.js';
import { awsPolicyArn, policyArn, policyRef } from './arns.js';
import { keyOf } from './keys.js';
import { alreadyExists, limitExceeded, type IamContext } from './context.js';
import type { Links } from './links.js';
import { description, iamPath, invalid, LIMITS, maxItems, pathPrefix, policyName } from './names.js';
import { byName, pageOf } from './paging.js';
import { parseDocument } from './policy-docs.js';
import { decodePolicy, encodePolicy, type ManagedPolicy } from './records.js';
import type { IdentityService, ManagedPolicyInfo, Page, PolicyVersionInfo } from './types.js';

type ListInput = Parameters<IdentityService['listPolicies']>[0];

const BUILT_IN_BY_KEY: ReadonlyMap<string, string> = new Map([...BUILT_IN_POLICIES.keys()].map((name) => [keyOf(name), name]));

/** The built-in policy named `name` in any case, by its display name; undefined when none is. */
export function builtInNamed(name: string): string | undefined {
  return BUILT_IN_BY_KEY.get(keyOf(name));
}
const BUILT_IN_SINCE = new Date('2024-01-01T00:00:00.000Z');

export class Policies {
  readonly #ctx: IamContext;
  readonly #links: Links;

  constructor(ctx: IamContext, links: Links) {
    this.#ctx = ctx;
    this.#links = links;
  }

  create(input: { name: string; document: string; description?: string; path?: string }): Promise<ManagedPolicyInfo> {
    return this.#ctx.mutate(async () => {
      const name = policyName(input.name);
      const now = this.#ctx.now();
      // Validated, then kept as written: AWS returns a policy document exactly as it was submitted.
      parseDocument(input.document, 'identity');
      const document = input.document;
      const policy: ManagedPolicy = {
        name,
        policyId: newUniqueId('ANPA'),
        path: iamPath(input.path),
        description: description(input.description),
        defaultVersionId: 'v1',
        nextVersion: 2,
        versions: [{ versionId: 'v1', document, createdAt: now }],
        createdAt: now,
        updatedAt: now,
      };
      if (builtInNamed(name) !== undefined || (await this.#ctx.get('policy', name))) throw alreadyExists('Policy', name);
      await this.#ctx.apply([{ op: 'put', entity: encodePolicy(policy), mode: 'create' }]);
      return this.#info(policy, 0);
    });
  }

  async get(nameOrArn: string): Promise<ManagedPolicyInfo> {
    const policy = await this.load(nameOrArn);
    return this.#info(policy, (await this.#links.holdersOf(policy.name)).length);
  }

  async list(options?: ListInput): Promise<Page<ManagedPolicyInfo>> {
    const scope = options?.scope ?? 'All';
    if (scope !== 'All' && scope !== 'BuiltIn' && scope !== 'Local') throw invalid('Scope must be All, BuiltIn or Local');
    const attachments = async (name: string) => (await this.#links.holdersOf(name)).length;
    const keep = async (p: ManagedPolicy) => options?.onlyAttached !== true || (await attachments(p.name)) > 0;
    const local: Page<ManagedPolicy> = scope === 'BuiltIn' ? { items: [] } : await pageOf(this.#ctx, 'policy', options, decodePolicy, keep);
    const prefix = pathPrefix(options?.pathPrefix);
    const marker = options?.marker;
    const builtIns: ManagedPolicy[] = [];
    if (scope !== 'Local' && prefix === '/') {
      for (const name of BUILT_IN_POLICIES.keys()) {
        const policy = this.#builtIn(name);
        if (policy && (marker === undefined || byName(policy, { name: marker }) > 0) && (await keep(policy))) builtIns.push(policy);
      }
    }
    const merged = [...local.items, ...builtIns].sort(byName);
    const limit = maxItems(options?.maxItems);
    const items = merged.slice(0, limit);
    const truncated = merged.length > limit || local.marker !== undefined;
    const infos = await Promise.all(items.map(async (p) => this.#info(p, await attachments(p.name))));
    return truncated ? { items: infos, marker: items.at(-1)?.name } : { items: infos };
  }

  delete(nameOrArn: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const policy = this.#local(await this.load(nameOrArn));
      // Every attachment counts, LDAP DN mappings included: a dangling link would attach a
      // later policy of the same name to the DN without anyone asking.
      if ((await this.#ctx.store.listIamLinks('attached', { to: keyOf(policy.name) })).length > 0) {
        throw new AppError('DeleteConflict', { message: 'Cannot delete a policy attached to entities.' });
      }
      await this.#ctx.apply([{ op: 'delete', kind: 'policy', name: policy.name, mustExist: true }]);
    });
  }

  createVersion(nameOrArn: string, document: string, setAsDefault: boolean): Promise<PolicyVersionInfo> {
    return this.#ctx.mutate(async () => {
      const policy = this.#local(await this.load(nameOrArn));
      parseDocument(document, 'identity');
      const text = document;
      if (policy.versions.length >= LIMITS.policyVersions) {
        throw limitExceeded(`A managed policy can have up to ${LIMITS.policyVersions} versions. Before you create a new version, you must delete an existing version.`);
      }
      const now = this.#ctx.now();
      const version = { versionId: `v${policy.nextVersion}`, document: text, createdAt: now };
      const next: ManagedPolicy = {
        ...policy,
        versions: [...policy.versions, version],
        nextVersion: policy.nextVersion + 1,
        defaultVersionId: setAsDefault === true ? version.versionId : policy.defaultVersionId,
        updatedAt: now,
      };
      await this.#ctx.apply([{ op: 'put', entity: encodePolicy(next), mode: 'replace' }]);
      return versionInfo(next, version);
    });
  }

  async getVersion(nameOrArn: string, versionId: string): Promise<PolicyVersionInfo> {
    const policy = await this.load(nameOrArn);
    return versionInfo(policy, findVersion(policy, versionId));
  }

  async listVersions(nameOrArn: string): Promise<PolicyVersionInfo[]> {
    const policy = await this.load(nameOrArn);
    return [...policy.versions].reverse().map((v) => versionInfo(policy, v));
  }

  deleteVersion(nameOrArn: string, versionId: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const policy = this.#local(await this.load(nameOrArn));
      const version = findVersion(policy, versionId);
      if (version.versionId === policy.defaultVersionId) throw new AppError('DeleteConflict', { message: 'Cannot delete the default version of a policy.' });
      const next = { ...policy, versions: policy.versions.filter((v) => v !== version), updatedAt: this.#ctx.now() };
      await this.#ctx.apply([{ op: 'put', entity: encodePolicy(next), mode: 'replace' }]);
    });
  }

  setDefaultVersion(nameOrArn: string, versionId: string): Promise<void> {
    return this.#ctx.mutate(async () => {
      const policy = this.#local(await this.load(nameOrArn));
      const version = findVersion(policy, versionId);
      const next = { ...policy, defaultVersionId: version.versionId, updatedAt: this.#ctx.now() };
      await this.#ctx.apply([{ op: 'put', entity: encodePolicy(next), mode: 'replace' }]);
    });
  }

  /** A built-in or stored policy by name or ARN (an ARN's path must match); NoSuchEntity otherwise. */
  async load(nameOrArn: string): Promise<ManagedPolicy> {
    const ref = policyRef(nameOrArn);
    const builtIn = builtInNamed(ref.name);
    const entity = builtIn !== undefined ? undefined : await this.#ctx.get('policy', ref.name);
    const policy = (builtIn === undefined ? undefined : this.#builtIn(builtIn)) ?? (entity ? decodePolicy(entity) : undefined);
    // AWS managed policies answer only to their AWS ARN; the others only to this account's.
    const wrongAccount = ref.path !== undefined && policy !== undefined && (ref.aws === true) !== AWS_MANAGED_POLICY_NAMES.has(policy.name);
    if (!policy || wrongAccount || (ref.path !== undefined && ref.path !== policy.path)) {
      throw new AppError('NoSuchEntity', { message: `Policy ${String(nameOrArn).slice(0, 2048)} does not exist or is not attachable.` });
    }
    return policy;
  }

  isBuiltIn(name: string): boolean {
    return builtInNamed(name) !== undefined;
  }

  #local(policy: ManagedPolicy): ManagedPolicy {
    if (this.isBuiltIn(policy.name)) throw invalid(`Built-in policy ${policy.name} cannot be changed or deleted`);
    return policy;
  }

  #builtIn(name: string): ManagedPolicy | undefined {
    const parsed = BUILT_IN_POLICIES.get(name);
    if (!parsed) return undefined;
    const digest = createHash('sha256').update(`coffer-built-in-policy:${name}`).digest();
    const policyId = 'ANPA' + Array.from(digest.subarray(0, 17), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b & 31]).join('');
    const versions = [{ versionId: 'v1', document: parsed.text, createdAt: BUILT_IN_SINCE }];
    return { name, policyId, path: '/', description: undefined, defaultVersionId: 'v1', nextVersion: 2, versions, createdAt: BUILT_IN_SINCE, updatedAt: BUILT_IN_SINCE };
  }

  #info(policy: ManagedPolicy, attachmentCount: number): ManagedPolicyInfo {
    return {
      name: policy.name,
      policyId: policy.policyId,
      arn: AWS_MANAGED_POLICY_NAMES.has(policy.name) ? awsPolicyArn(policy.name) : policyArn(policy.path, policy.name),
      path: policy.path,
      ...(policy.description === undefined ? {} : { description: policy.description }),
      builtIn: this.isBuiltIn(policy.name),
      defaultVersionId: policy.defaultVersionId,
      document: policy.versions.find((v) => v.versionId === policy.defaultVersionId)?.document ?? '',
      attachmentCount,
      createdAt: policy.createdAt,
      updatedAt: policy.updatedAt,
    };
  }
}

function findVersion(policy: ManagedPolicy, versionId: string): ManagedPolicy['versions'][number] {
  const version = policy.versions.find((v) => v.versionId === versionId);
  if (!version) throw new AppError('NoSuchEntity', { message: `Policy ${policy.name} version ${String(versionId).slice(0, 64)} does not exist.` });
  return version;
}

function versionInfo(policy: ManagedPolicy, version: ManagedPolicy['versions'][number]): PolicyVersionInfo {
  return { versionId: version.versionId, isDefault: version.versionId === policy.defaultVersionId, createdAt: version.createdAt, document: version.document };
}
