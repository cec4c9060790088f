/**
 * Who a verified request acts as. Coffer is one AWS-style account: root, its IAM users,
 * sessions of assumed roles (or of users, through AssumeRole), and federated users — people
 * an LDAP directory or an OpenID provider vouched for through STS. All of them share the
 * account's canonical id, so bucket ownership is the account's, as in AWS.
 */
export const ACCOUNT_ID = '000000000000';

export type PrincipalKind = 'root' | 'user' | 'assumed-role' | 'federated';

export interface Principal {
  kind: PrincipalKind;
  /** The access key id the request was signed with. */
  accessKeyId: string;
  /** How that key was issued: the root key, a long-term access key, or an STS session. */
  credential: 'root' | 'access-key' | 'session';
  /** Canonical user id of the account, reported as Owner/ID. */
  canonicalId: string;
  displayName: string;
  /** arn:aws:iam::000000000000:root | …:user/NAME | arn:aws:sts::000000000000:assumed-role/ROLE/SESSION | …:federated-user/PROVIDER/NAME */
  arn: string;
  /** aws:userid — the account id (root), AIDA… (user), AROA…:SESSION (role session). */
  userId: string;
  /** aws:username — the user (also the parent user of its access keys and AssumeRole sessions). */
  userName?: string | undefined;
  /** For sessions: the role ARN (role sessions) or user ARN (user sessions) behind them. */
  sourceArn?: string | undefined;
  /** aws:PrincipalTag/<key>: the user's or role's tags. */
  tags?: Readonly<Record<string, string>> | undefined;
  /**
   * Identity-provider values for conditions and policy variables (ldap:username, ldap:user,
   * jwt:sub, jwt:preferred_username …; lower-case keys). Only from a directory answer or a
   * verified token, stored with the session.
   */
  claims?: Readonly<Record<string, readonly string[]>> | undefined;
}
