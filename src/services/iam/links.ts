/**
 * Reading group membership and policy attachments (IamStore links) by either end. Links are
 * stored by lower-cased names (keys.ts); the lists returned here carry display names.
 */
import type { IamContext } from './context.js';
import { keyOf, keyOfHolder } from './keys.js';
import { decodeGroup, decodePolicy, decodeRole, decodeUser } from './records.js';
import type { PolicyTarget } from './types.js';

export const holderOf = (target: PolicyTarget): string => keyOfHolder(`${target.type}:${target.name}`);

export function targetOf(holder: string): PolicyTarget | undefined {
  const cut = holder.indexOf(':');
  const type = holder.slice(0, cut);
  if (cut < 0 || (type !== 'user' && type !== 'group' && type !== 'role')) return undefined;
  return { type, name: holder.slice(cut + 1) };
}

export class Links {
  readonly #ctx: IamContext;
  /** Display name of a built-in policy by its key (built-ins have no stored record). */
  readonly #builtInName: (key: string) => string | undefined;

  constructor(ctx: IamContext, builtInName: (key: string) => string | undefined = () => undefined) {
    this.#ctx = ctx;
    this.#builtInName = builtInName;
  }

  async groupsOf(user: string): Promise<string[]> {
    const keys = (await this.#ctx.store.listIamLinks('member', { to: keyOf(user) })).map((l) => l.from);
    return this.#display(keys, async (key) => {
      const entity = await this.#ctx.get('group', key);
      return entity ? decodeGroup(entity).name : undefined;
    });
  }

  async membersOf(group: string): Promise<string[]> {
    const keys = (await this.#ctx.store.listIamLinks('member', { from: keyOf(group) })).map((l) => l.to);
    return this.#display(keys, async (key) => {
      const entity = await this.#ctx.get('user', key);
      return entity ? decodeUser(entity).name : undefined;
    });
  }

  async attachedTo(target: PolicyTarget): Promise<string[]> {
    const keys = (await this.#ctx.store.listIamLinks('attached', { from: holderOf(target) })).map((l) => l.to);
    return this.#display(keys, async (key) => {
      const builtIn = this.#builtInName(key);
      if (builtIn !== undefined) return builtIn;
      const entity = await this.#ctx.get('policy', key);
      return entity ? decodePolicy(entity).name : undefined;
    });
  }

  async holdersOf(policy: string): Promise<PolicyTarget[]> {
    const links = await this.#ctx.store.listIamLinks('attached', { to: keyOf(policy) });
    const targets = links.map((l) => targetOf(l.from)).filter((t): t is PolicyTarget => t !== undefined);
    return Promise.all(
      targets.map(async (t) => {
        const entity = await this.#ctx.get(t.type, t.name);
        return entity ? { type: t.type, name: (t.type === 'role' ? decodeRole(entity) : t.type === 'group' ? decodeGroup(entity) : decodeUser(entity)).name } : t;
      }),
    );
  }

  async #display(keys: string[], name: (key: string) => Promise<string | undefined>): Promise<string[]> {
    return Promise.all(keys.map(async (key) => (await name(key)) ?? key));
  }
}
