/**
 * Federated sign-in: AssumeRoleWithLDAPIdentity, AssumeRoleWithWebIdentity,
 * AssumeRoleWithClientGrants and AssumeRoleWithCertificate (certificate.ts), and the periodic
 * directory check.
 *
 * Protects: credentials go only to identities a provider verified just now; the refusal never
 * says why (unknown user, wrong password, no policy, bad token all read alike to the caller;
 * the reason goes to the log at debug level without secrets). An unreachable provider is
 * IDPCommunicationError and issues nothing. The directory check revokes the sessions of users
 * who left the directory (or its search base / filter) and refreshes the groups of the others;
 * when the directory cannot answer it changes NOTHING (an outage must not look like everyone
 * leaving, nor like nobody leaving — it simply retries at the next interval).
 */
import { AppError } from '../../core/index.js';
import { IdentityError, normaliseDn, type ExternalIdentity } from '../../iam/identity/index.js';
import type { Logger } from '../../observability/index.js';
import type { AccessKeyInfo, FederatedKeyInput, IdentityService, NewAccessKey, SessionCredentials } from '../iam/index.js';
import { certificateLogin, type ClientCertificate } from './certificate.js';
import type { LdapProvider, OpenIdProvider, OpenIdVerification } from './ports.js';

export interface FederationDeps {
  identity: IdentityService;
  ldap?: LdapProvider | undefined;
  openid?: OpenIdProvider | undefined;
  /** AssumeRoleWithCertificate (COFFER_IDENTITY_TLS_ENABLE); absent: not configured. */
  certificate?: { skipVerify: boolean } | undefined;
  logger: Logger;
}

export interface SessionOptions {
  durationSeconds?: number | undefined;
  policy?: string | undefined;
}

export interface WebIdentityOptions extends SessionOptions {
  action: 'sts:AssumeRoleWithWebIdentity' | 'sts:AssumeRoleWithClientGrants';
  roleArn?: string | undefined;
  roleSessionName?: string | undefined;
}

export interface WebIdentitySession extends SessionCredentials {
  subject: string;
  provider: string;
  audience: string;
}

/** A role of this account (another account's ARN is a dummy, as AWS SDKs send for MinIO-style providers). */
const IAM_ROLE_ARN = /^arn:aws:iam::000000000000:role\/\S+$/;
const LDAP_REFUSED = 'Access denied: the LDAP user name or password is not valid, or the user has no policy.';

export class FederationService {
  readonly #deps: FederationDeps;

  constructor(deps: FederationDeps) {
    this.#deps = deps;
  }

  get ldapEnabled(): boolean {
    return this.#deps.ldap !== undefined;
  }

  get openIdEnabled(): boolean {
    return this.#deps.openid !== undefined;
  }

  get certificateEnabled(): boolean {
    return this.#deps.certificate !== undefined;
  }

  async ldapLogin(username: string, password: string, source: string, options: SessionOptions): Promise<SessionCredentials> {
    const ldap = this.#deps.ldap;
    if (!ldap) throw new AppError('InvalidParameterValue', { message: 'LDAP sign-in is not configured on this server.' });
    let identity;
    try {
      identity = await ldap.authenticate(username, password, source);
    } catch (error) {
      throw this.#refusal(error, LDAP_REFUSED);
    }
    try {
      return await this.#deps.identity.assumeRoleFederated(identity, { action: 'sts:AssumeRoleWithLDAPIdentity', ...options });
    } catch (error) {
      if (error instanceof AppError && error.code === 'AccessDenied') throw new AppError('AccessDenied', { message: LDAP_REFUSED });
      throw error;
    }
  }

  async webIdentityLogin(token: string, options: WebIdentityOptions): Promise<WebIdentitySession> {
    const openid = this.#deps.openid;
    if (!openid) throw new AppError('InvalidParameterValue', { message: 'OpenID sign-in is not configured on this server.' });
    const forRole = options.roleArn !== undefined && IAM_ROLE_ARN.test(options.roleArn);
    let verified: OpenIdVerification;
    try {
      verified = forRole ? await openid.verifyForRole(token) : await openid.verify(token, options.roleArn);
    } catch (error) {
      throw this.#refusal(error);
    }
    const { identity, provider } = verified;
    const session = await this.#deps.identity.assumeRoleFederated(identity, {
      action: options.action,
      ...(forRole ? { roleArn: options.roleArn, roleSessionName: options.roleSessionName, issuer: provider.issuer } : {}),
      durationSeconds: options.durationSeconds,
      policy: options.policy,
    });
    return { ...session, subject: identity.subject, provider: provider.issuer, audience: provider.clientId };
  }

  /**
   * An access key for an LDAP user (admin only), described by the directory now: the user must
   * exist under the search base and match the filter; its groups are stored with the key and
   * refreshed by the directory check, which deletes the key when the user leaves.
   */
  async createLdapAccessKey(dn: string, input: FederatedKeyInput): Promise<NewAccessKey> {
    const ldap = this.#ldapOrRefuse();
    const subject = ldapSubject(dn);
    let state;
    try {
      state = await ldap.lookup(subject);
    } catch (error) {
      throw this.#refusal(error);
    }
    if (!state.exists) throw new AppError('NoSuchEntity', { message: 'The directory has no such user under the configured search base and filter.' });
    const identity: ExternalIdentity = {
      provider: 'ldap',
      subject,
      name: state.name,
      groups: state.groups,
      policies: [],
      claims: { 'ldap:username': [state.name], 'ldap:user': [subject], 'ldap:groups': state.groups },
    };
    return this.#deps.identity.createFederatedAccessKey(identity, input);
  }

  /** The access keys of one LDAP user DN. */
  listLdapAccessKeys(dn: string): Promise<AccessKeyInfo[]> {
    this.#ldapOrRefuse();
    return this.#deps.identity.listAccessKeys(`fed:ldap:${ldapSubject(dn)}`);
  }

  #ldapOrRefuse(): LdapProvider {
    if (!this.#deps.ldap) throw new AppError('NotImplemented', { message: 'LDAP is not configured (set COFFER_IDENTITY_LDAP_SERVER_ADDR).' });
    return this.#deps.ldap;
  }

  /** AssumeRoleWithCertificate: see certificate.ts for every check. */
  async certificateLogin(cert: ClientCertificate, options: SessionOptions): Promise<SessionCredentials> {
    const settings = this.#deps.certificate;
    if (!settings) throw new AppError('InvalidParameterValue', { message: 'Certificate sign-in (AssumeRoleWithCertificate) is not configured on this server.' });
    return certificateLogin(this.#deps.identity, cert, { ...options, skipVerify: settings.skipVerify });
  }

  /**
   * The periodic directory check: every LDAP subject with live sessions is looked up; gone →
   * its sessions are revoked; still there → its groups are refreshed. Returns what it did.
   */
  async syncLdap(): Promise<{ subjects: number; revoked: number; updated: number }> {
    const ldap = this.#deps.ldap;
    if (!ldap) return { subjects: 0, revoked: 0, updated: 0 };
    const subjects = new Set(await this.#deps.identity.listFederatedSubjects('ldap'));
    const states = new Map<string, Awaited<ReturnType<LdapProvider['lookup']>>>();
    for (const subject of subjects) {
      try {
        states.set(subject, await ldap.lookup(subject));
      } catch (error) {
        this.#deps.logger.warn({ err: error instanceof IdentityError ? error.code : 'error' }, 'ldap sync: the directory did not answer; nothing revoked this round');
        return { subjects: subjects.size, revoked: 0, updated: 0 };
      }
    }
    let revoked = 0;
    let updated = 0;
    for (const [subject, state] of states) {
      if (!state.exists) revoked += await this.#deps.identity.revokeFederatedSessions('ldap', subject);
      else updated += await this.#deps.identity.updateFederatedGroups('ldap', subject, state.groups);
    }
    if (revoked > 0 || updated > 0) this.#deps.logger.info({ revoked, updated }, 'ldap sync: sessions of users who left the directory revoked, groups refreshed');
    return { subjects: subjects.size, revoked, updated };
  }

  #refusal(error: unknown, ldapMessage?: string): AppError {
    if (!(error instanceof IdentityError)) return error instanceof AppError ? error : new AppError('InternalError', { cause: error });
    switch (error.code) {
      case 'unavailable':
        return new AppError('IDPCommunicationError');
      case 'throttled':
        return new AppError('SlowDown', { message: 'Too many failed attempts; try again later.' });
      case 'expired':
        return new AppError('ExpiredToken', { message: 'The identity token has expired.' });
      default:
        return ldapMessage === undefined ? new AppError('InvalidIdentityToken') : new AppError('AccessDenied', { message: ldapMessage });
    }
  }
}

function ldapSubject(dn: string): string {
  try {
    return normaliseDn(dn);
  } catch {
    throw new AppError('InvalidInput', { message: 'A distinguished name (e.g. uid=alice,ou=people,dc=example,dc=org) is required.' });
  }
}
