/** AWS-style listing pages (PathPrefix, Marker, MaxItems) over the IAM store's (case-insensitive) name order. */
import type { IamEntity, IamEntityKind } from '../../storage/ports.js';
import type { IamContext } from './context.js';
import { compareNames, keyOf } from './keys.js';
import { maxItems, pathPrefix } from './names.js';
import type { ListOptions, Page } from './types.js';

/**
 * Decoded entities of `kind` after `options.marker` whose path starts with `options.pathPrefix`,
 * at most `options.maxItems`; `marker` is the last name returned when more follow.
 */
export async function pageOf<T extends { name: string; path: string }>(
  ctx: IamContext,
  kind: IamEntityKind,
  options: ListOptions | undefined,
  decode: (entity: IamEntity) => T,
  keep: (item: T) => boolean | Promise<boolean> = () => true,
): Promise<Page<T>> {
  const limit = maxItems(options?.maxItems);
  const prefix = pathPrefix(options?.pathPrefix);
  const items: T[] = [];
  let after = options?.marker === undefined ? undefined : keyOf(options.marker);
  const batch = Math.min(limit + 1, 500);
  for (;;) {
    const rows = await ctx.store.listIamEntities(kind, { limit: batch, ...(after === undefined ? {} : { after }) });
    for (const row of rows) {
      const item = decode(row);
      if (item.path.startsWith(prefix) && (await keep(item))) items.push(item);
    }
    if (items.length > limit || rows.length < batch) break;
    after = rows.at(-1)?.name;
  }
  return items.length > limit ? { items: items.slice(0, limit), marker: items[limit - 1]?.name } : { items };
}

/** Case-insensitive name order, as the store sorts its (lower-cased) keys. */
export function byName(a: { name: string }, b: { name: string }): number {
  return compareNames(a.name, b.name);
}
