/** Principals as the request path sees them, built from stored users and roles. */
import { rootPrincipal, type Principal } from '../../iam/credentials/index.js';
import { assumedRoleArn, federatedUserArn, roleArn, rootArn, userArn } from './arns.js';
import type { FederatedRef } from './records-credentials.js';
import type { Role, User } from './records.js';

export class PrincipalFactory {
  readonly #root: Principal;

  constructor(rootAccessKeyId: string) {
    this.#root = rootPrincipal(rootAccessKeyId);
  }

  /** Every principal shares the account's canonical id (bucket ownership is the account's). */
  get canonicalId(): string {
    return this.#root.canonicalId;
  }

  get root(): Principal {
    return this.#root;
  }

  /** A root-owned access key, or a session of root. */
  rootCredential(accessKeyId: string, credential: 'access-key' | 'session'): Principal {
    return { ...this.#root, accessKeyId, credential, ...(credential === 'session' ? { sourceArn: rootArn } : {}) };
  }

  user(user: User, accessKeyId: string, credential: 'access-key' | 'session'): Principal {
    const arn = userArn(user.path, user.name);
    return {
      kind: 'user',
      accessKeyId,
      credential,
      canonicalId: this.canonicalId,
      displayName: user.name,
      arn,
      userId: user.userId,
      userName: user.name,
      ...(credential === 'session' ? { sourceArn: arn } : {}),
      tags: Object.freeze({ ...user.tags }),
    };
  }

  roleSession(role: Role, sessionName: string, accessKeyId: string): Principal {
    return {
      kind: 'assumed-role',
      accessKeyId,
      credential: 'session',
      canonicalId: this.canonicalId,
      displayName: `${role.name}/${sessionName}`,
      arn: assumedRoleArn(role.name, sessionName),
      userId: `${role.roleId}:${sessionName}`,
      sourceArn: roleArn(role.path, role.name),
      tags: Object.freeze({ ...role.tags }),
    };
  }

  /**
   * A user an LDAP directory or OpenID provider vouched for (STS). No aws:username: the name
   * comes from outside the account and must not collide with an IAM user's; its values are
   * in `claims` (ldap:username, jwt:sub …) instead.
   */
  federated(ref: FederatedRef, accessKeyId: string, credential: 'access-key' | 'session' = 'session'): Principal {
    return {
      kind: 'federated',
      accessKeyId,
      credential,
      canonicalId: this.canonicalId,
      displayName: ref.name,
      arn: federatedUserArn(ref.provider, ref.name),
      userId: `${ref.provider}:${ref.subject}`,
      claims: Object.freeze({ ...ref.claims }),
    };
  }
}
