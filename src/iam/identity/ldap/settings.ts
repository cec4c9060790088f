import type { Secret } from '../../../core/index.js';

/** What the provider needs; config/ldap.ts builds a structurally identical, frozen object. */
export interface LdapProviderSettings {
  readonly host: string;
  readonly port: number;
  /** ldaps: TLS from the first byte; starttls: upgrade before any bind; plain: no TLS (SERVER_INSECURE). */
  readonly transport: 'ldaps' | 'starttls' | 'plain';
  readonly tlsSkipVerify: boolean;
  /** Undefined: lookups bind anonymously. */
  readonly lookupBindDn: string | undefined;
  readonly lookupBindPassword: Secret<string> | undefined;
  readonly userDnSearchBaseDns: readonly string[];
  /** Contains %s (the username). */
  readonly userDnSearchFilter: string;
  readonly userDnAttributes: readonly string[];
  readonly groupSearchBaseDns: readonly string[];
  /** %s username, %d user DN; undefined: the user has no groups. */
  readonly groupSearchFilter: string | undefined;
  /** Extra PEM trust anchors (added to the system CAs). */
  readonly caPems: readonly string[];
  readonly syncIntervalSeconds: number;
  /** Connect and per-operation timeout. */
  readonly timeoutMs: number;
}
