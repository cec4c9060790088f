/**
 * STS actions that authenticate with an identity instead of a signature:
 * AssumeRoleWithLDAPIdentity (LDAPUsername + LDAPPassword), AssumeRoleWithWebIdentity
 * (WebIdentityToken: an OpenID Connect ID token) and AssumeRoleWithClientGrants (Token: MinIO's
 * name for the same check). The pipeline runs them without SigV4 — the identity provider is the
 * authentication — and the federation service decides everything else. AssumeRoleWithCertificate
 * (certificate.ts) authenticates with the TLS client certificate of the connection.
 * Protects: a directory password only over TLS or from a loopback client (as SSE-C keys), so
 * it never crosses a network in clear; parameter validation as STS does it; the answer to a
 * refused sign-in never says why.
 */
import type { Socket } from 'node:net';
import { AppError } from '../../../core/index.js';
import type { FederationService } from '../../../services/index.js';
import type { XmlNode } from '../../common/index.js';
import type { QueryParams } from '../params.js';
import { credentialsXml } from '../render.js';
import { ASSUME_ROLE_WITH_CERTIFICATE } from './certificate.js';

export interface FederatedActionContext {
  readonly params: QueryParams;
  readonly federation: FederationService;
  readonly sourceIp: string;
  readonly transport: { readonly secure: boolean; readonly loopback: boolean };
  /** The connection itself (AssumeRoleWithCertificate reads its TLS client certificate). */
  readonly socket?: Socket | undefined;
}

export interface FederatedActionSpec {
  handle(ctx: FederatedActionContext): Promise<XmlNode>;
}

/** MinIO and AWS allow sessions up to a year / 12 h; the configured STS maximum caps them. */
const MAX_DURATION = 365 * 24 * 3600;
const TOKEN_BYTES = 16 * 1024;


function common(params: QueryParams): { durationSeconds?: number; policy?: string } {
  const durationSeconds = params.integer('DurationSeconds', 900, MAX_DURATION);
  const policy = params.string('Policy');
  return { ...(durationSeconds === undefined ? {} : { durationSeconds }), ...(policy === undefined ? {} : { policy }) };
}

function token(params: QueryParams, name: string): string {
  const value = params.required(name);
  if (value.length < 4 || value.length > TOKEN_BYTES) throw new AppError('InvalidParameterValue', { message: `${name} must be between 4 and ${TOKEN_BYTES} characters` });
  return value;
}

function sessionName(params: QueryParams): string | undefined {
  const name = params.string('RoleSessionName');
  if (name !== undefined && !/^[\w+=,.@-]{2,64}$/.test(name)) {
    throw new AppError('InvalidParameterValue', { message: 'RoleSessionName must be 2–64 characters of [\\w+=,.@-]' });
  }
  return name;
}

export const ASSUME_ROLE_WITH_LDAP_IDENTITY: FederatedActionSpec = {
  handle: async ({ params, federation, sourceIp, transport }) => {
    const username = params.required('LDAPUsername');
    const password = params.required('LDAPPassword');
    if (username.length > 256 || password.length > 1024) throw new AppError('InvalidParameterValue', { message: 'LDAPUsername or LDAPPassword is too long' });
    if (!transport.secure && !transport.loopback) {
      throw new AppError('AccessDenied', { message: 'AssumeRoleWithLDAPIdentity sends a password: it is only accepted over TLS (or from a loopback client).' });
    }
    const session = await federation.ldapLogin(username, password, sourceIp, common(params));
    return { Credentials: credentialsXml(session) };
  },
};

function webIdentity(action: 'sts:AssumeRoleWithWebIdentity' | 'sts:AssumeRoleWithClientGrants', tokenParam: string): FederatedActionSpec {
  return {
    handle: async ({ params, federation }) => {
      const roleArn = params.string('RoleArn');
      if (roleArn !== undefined && (roleArn.length < 20 || roleArn.length > 2048)) throw new AppError('InvalidParameterValue', { message: 'RoleArn must be 20–2048 characters' });
      const name = sessionName(params);
      const session = await federation.webIdentityLogin(token(params, tokenParam), {
        action,
        ...(action === 'sts:AssumeRoleWithWebIdentity' ? { roleArn, roleSessionName: name } : {}),
        ...common(params),
      });
      const assumed = session.assumedRoleArn === undefined ? {} : { AssumedRoleUser: { Arn: session.assumedRoleArn, AssumedRoleId: session.assumedRoleId } };
      const packed = session.packedPolicySize === undefined ? {} : { PackedPolicySize: session.packedPolicySize };
      return action === 'sts:AssumeRoleWithWebIdentity'
        ? { ...assumed, Credentials: credentialsXml(session), SubjectFromWebIdentityToken: session.subject, Provider: session.provider, Audience: session.audience, ...packed }
        : { Credentials: credentialsXml(session), SubjectFromToken: session.subject, Provider: session.provider, Audience: session.audience, ...packed };
    },
  };
}

export const FEDERATED_ACTIONS: ReadonlyMap<string, FederatedActionSpec> = new Map([
  ['AssumeRoleWithLDAPIdentity', ASSUME_ROLE_WITH_LDAP_IDENTITY],
  ['AssumeRoleWithWebIdentity', webIdentity('sts:AssumeRoleWithWebIdentity', 'WebIdentityToken')],
  ['AssumeRoleWithClientGrants', webIdentity('sts:AssumeRoleWithClientGrants', 'Token')],
  ['AssumeRoleWithCertificate', ASSUME_ROLE_WITH_CERTIFICATE],
]);
