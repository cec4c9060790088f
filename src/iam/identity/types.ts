/**
 * The IdentityProvider port: who an external directory (LDAP / Active Directory) or OpenID
 * provider says a caller is. Providers only authenticate and describe; they never issue
 * credentials or decide policies — the STS service does, from what is returned here.
 *
 * Invariants every implementation keeps:
 *  - a failure that depends on the caller's input (unknown user, wrong password, bad token,
 *    ambiguous match) is IdentityError('invalid'): one code, one fixed message, no directory
 *    or token internals, so callers cannot tell "no such user" from "bad password";
 *  - a provider that cannot be reached or misbehaves is IdentityError('unavailable'); its
 *    details go to the log only (never to the client);
 *  - every value in `claims` comes from a verified token or a directory answer, never from
 *    request parameters.
 */

export interface ExternalIdentity {
  /** 'ldap' or `openid:<provider name>`. */
  provider: string;
  /** LDAP: the user's DN, normalised (normaliseDn). OpenID: the token's `sub`. */
  subject: string;
  /** A readable name: the LDAP username as found in the directory; OpenID: preferred_username ?? sub. */
  name: string;
  /** LDAP: normalised DNs of the user's groups. OpenID: []. */
  groups: string[];
  /** Policy names the provider grants directly (OpenID claim or role policy); LDAP: [] (mapped by DN). */
  policies: string[];
  /** Policy-variable values: ldap:username, ldap:user, jwt:sub, jwt:preferred_username, … (lower-case keys). */
  claims: Record<string, string[]>;
  /** When the proof of identity stops being valid (OpenID token `exp`); undefined for LDAP. */
  notAfter?: Date | undefined;
}

export type IdentityErrorCode = 'invalid' | 'expired' | 'throttled' | 'unavailable';

export class IdentityError extends Error {
  readonly code: IdentityErrorCode;
  constructor(code: IdentityErrorCode, message?: string) {
    super(message ?? DEFAULT_MESSAGES[code]);
    this.name = 'IdentityError';
    this.code = code;
  }
}

const DEFAULT_MESSAGES: Record<IdentityErrorCode, string> = {
  invalid: 'The identity could not be verified.',
  expired: 'The identity token has expired.',
  throttled: 'Too many failed attempts; try again later.',
  unavailable: 'The identity provider is not available.',
};
