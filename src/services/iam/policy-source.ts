/**
 * The authorizer's PolicySource: which policies apply to a principal right now.
 *
 * The principal handed in came from IamCredentialStore.lookup, but it is resolved again here
 * (through the same cache) so that a key disabled or a user deleted between authentication and
 * authorization is refused: undefined means "deny everything". A principal that does not match
 * what its access key resolves to (another ARN or kind) is also undefined.
 * Root: { identity: [], narrowing: [...] } — the authorizer grants root everything its narrowing
 * policies (a root-owned key's inline policy, a root session's policy) allow. Root access
 * switched off (COFFER_API_ROOT_ACCESS=off): undefined.
 * Bucket policies are stored with the bucket; they come from the injected `bucketPolicy`.
 */
import type { PolicySource, PrincipalPolicies } from '../../iam/authorizer/index.js';
import type { Principal } from '../../iam/credentials/index.js';
import type { LabelledPolicy, ParsedPolicy } from '../../iam/policy/index.js';
import { BoundedCache } from './cache.js';
import type { IamContext } from './context.js';
import type { EffectivePolicies } from './effective-policies.js';
import type { StoredPolicies } from './policy-docs.js';
import type { CredentialResolver, ResolvedCredential } from './resolver.js';

interface Entry {
  arn: string | undefined;
  kind: Principal['kind'] | undefined;
  policies: PrincipalPolicies | undefined;
  expiresAtMs: number;
}

const ROOT: PrincipalPolicies = Object.freeze({ identity: Object.freeze([]), narrowing: Object.freeze([]) });

export class IamPolicySource implements PolicySource {
  readonly #ctx: IamContext;
  readonly #resolver: CredentialResolver;
  readonly #effective: EffectivePolicies;
  readonly #stored: StoredPolicies;
  readonly #entries: BoundedCache<Entry>;

  constructor(ctx: IamContext, resolver: CredentialResolver, effective: EffectivePolicies, stored: StoredPolicies) {
    this.#ctx = ctx;
    this.#resolver = resolver;
    this.#effective = effective;
    this.#stored = stored;
    this.#entries = ctx.cache.register(new BoundedCache<Entry>());
  }

  async principalPolicies(principal: Principal): Promise<PrincipalPolicies | undefined> {
    const { rootAccessKeyId, apiRootAccess } = this.#ctx.settings;
    if (principal.credential === 'root') return principal.kind === 'root' && principal.accessKeyId === rootAccessKeyId && apiRootAccess ? ROOT : undefined;
    const pending = this.#ctx.cache.fresh();
    if (pending) await pending;
    const nowMs = this.#ctx.clock.now().getTime();
    let entry = this.#entries.get(principal.accessKeyId);
    if (entry === undefined) {
      const epoch = this.#ctx.cache.epoch;
      entry = await this.#load(principal.accessKeyId, nowMs);
      if (this.#ctx.cache.epoch === epoch) this.#entries.set(principal.accessKeyId, entry);
    }
    if (!(nowMs < entry.expiresAtMs) || entry.arn !== principal.arn || entry.kind !== principal.kind) return undefined;
    return entry.policies;
  }

  bucketPolicy(bucket: string): Promise<ParsedPolicy | undefined> {
    return this.#ctx.bucketPolicy(bucket);
  }

  async #load(accessKeyId: string, nowMs: number): Promise<Entry> {
    const resolved = await this.#resolver.resolve(accessKeyId, nowMs);
    if (!resolved) return { arn: undefined, kind: undefined, policies: undefined, expiresAtMs: Number.POSITIVE_INFINITY };
    const policies: PrincipalPolicies = Object.freeze({ identity: Object.freeze(await this.#identity(resolved)), narrowing: Object.freeze(this.#narrowing(resolved)) });
    return { arn: resolved.principal.arn, kind: resolved.principal.kind, policies, expiresAtMs: resolved.expiresAtMs };
  }

  async #identity(resolved: ResolvedCredential): Promise<LabelledPolicy[]> {
    const { identity } = resolved;
    if (identity.type === 'user') return this.#effective.ofUser(identity.user);
    if (identity.type === 'role') return this.#effective.ofRole(identity.role);
    if (identity.type === 'federated') return this.#effective.ofFederated(identity.federated);
    return [];
  }

  #narrowing(resolved: ResolvedCredential): LabelledPolicy[] {
    return resolved.narrowing.map((doc) => ({ label: doc.label, policy: this.#stored.parse(doc.text, doc.kind) }));
  }
}
