/**
 * LDAP search filters built from configured templates and caller input.
 *
 * Protects: the directory query. A username (or a DN) substituted into a filter template could
 * otherwise widen the search — `*`, `alice)(uid=*`, `*)(|(uid=*` — and turn one login into "any
 * user" or into a directory oracle (LDAP injection).
 * Construction: every substituted value is escaped per RFC 4515 §3: `\` `*` `(` `)` and NUL become
 * `\5c` `\2a` `\28` `\29` `\00`. Other characters, non-ASCII included, pass through as UTF-8,
 * which RFC 4515 allows (ldapts decodes `\XX` one byte at a time into a UTF-16 unit, so escaping
 * UTF-8 bytes would corrupt them). Substitution is one pass over the template, so a value that
 * itself contains `%s` or `%d` is never substituted again.
 */

const SPECIALS = /[\\*()\0]/g;

/** RFC 4515 escaping of one assertion value. */
export function escapeFilterValue(value: string): string {
  return value.replace(SPECIALS, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Fills `%s` (username) and `%d` (user DN) in one pass, escaping both. */
export function fillFilter(template: string, values: { username: string; dn?: string | undefined }): string {
  return template.replace(/%([sd])/g, (_, which: string) => escapeFilterValue(which === 's' ? values.username : values.dn ?? ''));
}

/**
 * The user filter with `%s` made a wildcard, for checking that a known DN still matches it
 * (periodic sync): `(&(objectClass=person)(uid=%s))` → `(&(objectClass=person)(uid=*))`.
 */
export function wildcardFilter(template: string): string {
  return template.replace(/%s/g, '*').replace(/%d/g, '*');
}

/** The attribute the username is compared with (`(uid=%s)` → 'uid'), to read a DN's username back. */
export function usernameAttribute(template: string): string | undefined {
  return /\(\s*([A-Za-z][A-Za-z0-9-]*)\s*[~<>]?=\s*%s\s*\)/.exec(template)?.[1];
}
