/** Reading group membership and policy attachments (IamStore links) by either end. */
import type { IamContext } from './context.js';
import type { PolicyTarget } from './types.js';

export const holderOf = (target: PolicyTarget): string => `${target.type}:${target.name}`;

export function targetOf(holder: string): PolicyTarget | undefined {
  const cut = holder.indexOf(':');
  const type = holder.slice(0, cut);
  if (cut < 0 || (type !== 'user' && type !== 'group' && type !== 'role')) return undefined;
  return { type, name: holder.slice(cut + 1) };
}

export class Links {
  readonly #ctx: IamContext;

  constructor(ctx: IamContext) {
    this.#ctx = ctx;
  }

  async groupsOf(user: string): Promise<string[]> {
    return (await this.#ctx.store.listIamLinks('member', { to: user })).map((l) => l.from);
  }

  async membersOf(group: string): Promise<string[]> {
    return (await this.#ctx.store.listIamLinks('member', { from: group })).map((l) => l.to);
  }

  async attachedTo(target: PolicyTarget): Promise<string[]> {
    return (await this.#ctx.store.listIamLinks('attached', { from: holderOf(target) })).map((l) => l.to);
  }

  async holdersOf(policy: string): Promise<PolicyTarget[]> {
    const links = await this.#ctx.store.listIamLinks('attached', { to: policy });
    return links.map((l) => targetOf(l.from)).filter((t): t is PolicyTarget => t !== undefined);
  }
}
