/** ARNs of Coffer's one account (ACCOUNT_ID) and their parsing. */
import { AppError } from '../../core/index.js';
import { ACCOUNT_ID } from '../../iam/credentials/index.js';

const IAM = `arn:aws:iam::${ACCOUNT_ID}:`;

export const userArn = (path: string, name: string): string => `${IAM}user${path}${name}`;
export const groupArn = (path: string, name: string): string => `${IAM}group${path}${name}`;
export const policyArn = (path: string, name: string): string => `${IAM}policy${path}${name}`;
export const roleArn = (path: string, name: string): string => `${IAM}role${path}${name}`;
export const rootArn = `${IAM}root`;
export const assumedRoleArn = (role: string, session: string): string => `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role}/${session}`;
/** `ldap` → federated-user/ldap/NAME; `openid:NAME` → federated-user/openid/NAME/USER. */
export const federatedUserArn = (provider: string, name: string): string => `arn:aws:sts::${ACCOUNT_ID}:federated-user/${provider.replace(':', '/')}/${name}`;

/** `name` alone, or an ARN of `type` in this account split into path and name; undefined when it is not one. */
function splitArn(value: string, type: 'policy' | 'role'): { path: string; name: string } | undefined {
  const prefix = `${IAM}${type}/`;
  if (!value.startsWith(prefix)) return undefined;
  const rest = value.slice(prefix.length - 1);
  const cut = rest.lastIndexOf('/');
  const name = rest.slice(cut + 1);
  return name === '' ? undefined : { path: rest.slice(0, cut + 1), name };
}

/** The ARN prefix of AWS managed policies (arn:aws:iam::aws:policy/NAME). */
export const AWS_POLICY_ARN_PREFIX = 'arn:aws:iam::aws:policy/';
export const awsPolicyArn = (name: string): string => `${AWS_POLICY_ARN_PREFIX}${name}`;

/**
 * A policy given by name or ARN; `path` is set only for ARNs (it must then match); `aws` for
 * an AWS managed policy ARN (arn:aws:iam::aws:policy/NAME).
 */
export function policyRef(nameOrArn: unknown): { name: string; path?: string; aws?: boolean } {
  if (typeof nameOrArn !== 'string' || nameOrArn === '') throw new AppError('InvalidInput', { message: 'PolicyArn is required' });
  if (!nameOrArn.startsWith('arn:')) return { name: nameOrArn };
  if (nameOrArn.startsWith(AWS_POLICY_ARN_PREFIX)) {
    const name = nameOrArn.slice(AWS_POLICY_ARN_PREFIX.length);
    if (name === '' || name.includes('/')) throw new AppError('InvalidInput', { message: `ARN ${nameOrArn.slice(0, 2048)} is not valid.` });
    return { name, path: '/', aws: true };
  }
  const parts = splitArn(nameOrArn, 'policy');
  if (!parts) throw new AppError('InvalidInput', { message: `ARN ${nameOrArn.slice(0, 2048)} is not a policy ARN of this account` });
  return parts;
}

/** A role ARN (AssumeRole); undefined when the value is not one. */
export function parseRoleArn(arn: string): { path: string; name: string } | undefined {
  return splitArn(arn, 'role');
}
