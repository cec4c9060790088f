/**
 * IAM names are unique case-insensitively (AWS: "Ab" and "ab" are the same user) and listed in
 * case-insensitive order. The store therefore keys users, groups, roles and managed policies by
 * the lower-cased name (context.ts normalises every read and write), and links (membership,
 * attachment) by lower-cased ends; each record keeps the name as first written (displayName).
 * Access keys and sessions keep their owner as `user:DISPLAY` / `role:DISPLAY` (names never
 * change), and access key ids stay case-sensitive (the login key whose id is the user name too).
 */

/** The store key of an IAM user, group, role or managed policy name. */
export const keyOf = (name: string): string => name.toLowerCase();

/** The store key of an attachment holder, `user:NAME` / `group:NAME` / `role:NAME`. */
export const keyOfHolder = (holder: string): string => holder.toLowerCase();

/** Case-insensitive name order (ties: byte order, so the order is total). */
export function compareNames(a: string, b: string): number {
  const byKey = Buffer.compare(Buffer.from(keyOf(a)), Buffer.from(keyOf(b)));
  return byKey !== 0 ? byKey : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export const sameName = (a: string, b: string): boolean => keyOf(a) === keyOf(b);
