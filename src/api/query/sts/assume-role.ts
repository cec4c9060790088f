/**
 * sts:AssumeRole. Protects roles from callers their identity policies do not allow, and keeps a
 * session from outliving or out-ranking its source:
 *  - session credentials are refused (no role chaining): a session can never mint another;
 *  - with RoleArn: the caller's identity policies must allow sts:AssumeRole on the role (root
 *    passes the authorizer) — unless the trust policy names the caller's own ARN, which in AWS is
 *    a grant by itself (an explicit Deny still wins) — then the service checks the trust policy;
 *  - without RoleArn (MinIO clients): a session of the calling user itself. It only narrows the
 *    user's rights, so an unrestricted long-term key needs no Allow (an explicit Deny still
 *    wins: 'deny-only'); a key with an inline policy needs an explicit Allow in both.
 * Refusals after the authorizer never say why (unknown role, trust policy, duration above the
 * role's maximum all read as AWS does): the message names only the caller and the role.
 */
import { AppError } from '../../../core/index.js';
import { ACCOUNT_ID, type Principal } from '../../../iam/credentials/index.js';
import type { AssumeRoleInput } from '../../../services/index.js';
import { check, type ActionSpec } from '../action.js';
import type { QueryParams } from '../params.js';
import { credentialsXml } from '../render.js';

const UNSUPPORTED = ['PolicyArns.member.1.arn', 'Tags.member.1.Key', 'TransitiveTagKeys.member.1', 'SerialNumber', 'TokenCode', 'SourceIdentity', 'ProvidedContexts.member.1.ProviderArn'];

function denied(principal: Principal, resource: string): AppError {
  return new AppError('AccessDenied', { message: `User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${resource}` });
}

function roleArnParam(params: QueryParams): string | undefined {
  const arn = params.string('RoleArn');
  if (arn === undefined) return undefined;
  if (arn.length < 20 || arn.length > 2048 || !/^arn:aws:iam::\d{12}:role\/\S+$/.test(arn)) {
    throw new AppError('InvalidParameterValue', { message: `${arn.slice(0, 256)} is invalid` });
  }
  return arn;
}

function inputOf(params: QueryParams): AssumeRoleInput {
  for (const name of UNSUPPORTED) {
    if (params.has(name)) throw new AppError('InvalidParameterValue', { message: `${name.split('.')[0]} is not supported by Coffer.` });
  }
  const roleArn = roleArnParam(params);
  const sessionName = roleArn === undefined ? params.string('RoleSessionName') : params.required('RoleSessionName');
  if (sessionName !== undefined && !/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new AppError('InvalidParameterValue', {
      message: `1 validation error detected: Value '${sessionName.slice(0, 64)}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    });
  }
  const durationSeconds = params.integer('DurationSeconds', 900, 43200);
  const policy = params.string('Policy');
  return {
    ...(roleArn === undefined ? {} : { roleArn }),
    ...(sessionName === undefined ? {} : { roleSessionName: sessionName }),
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
    ...(policy === undefined ? {} : { policy }),
  };
}

export const ASSUME_ROLE: ActionSpec = {
  admit: async ({ params, principal, identity }) => {
    const input = inputOf(params);
    const resource = input.roleArn ?? principal.arn;
    if (principal.credential === 'session') throw denied(principal, resource);
    if (principal.kind === 'root') return check('sts:AssumeRole', resource);
    const key = principal.credential === 'access-key' ? await identity.getAccessKey(principal.accessKeyId) : undefined;
    const unrestricted = key?.policy === undefined;
    if (input.roleArn !== undefined) {
      // A trust policy naming this user's ARN is itself the grant (AWS, same account): an explicit
      // Deny in its identity policies still wins; a key with an inline policy needs a real Allow.
      const named = unrestricted && (await identity.trustPolicyNamesCaller(principal, input.roleArn));
      return named ? { checks: [{ action: 'sts:AssumeRole', resource }], mode: 'deny-only' } : check('sts:AssumeRole', resource);
    }
    return { checks: [{ action: 'sts:AssumeRole', resource }], mode: unrestricted ? 'deny-only' : 'normal' };
  },
  handle: async ({ params, principal, identity }) => {
    const input = inputOf(params);
    let session;
    try {
      session = await identity.assumeRole(principal, input);
    } catch (error) {
      if (error instanceof AppError && (error.code === 'AccessDenied' || error.code === 'NoSuchEntity')) {
        throw denied(principal, input.roleArn ?? principal.arn);
      }
      throw error;
    }
    return {
      ...(session.assumedRoleArn === undefined
        ? {}
        : { AssumedRoleUser: { Arn: session.assumedRoleArn, AssumedRoleId: session.assumedRoleId } }),
      Credentials: credentialsXml(session),
      PackedPolicySize: session.packedPolicySize,
    };
  },
};

export const GET_CALLER_IDENTITY: ActionSpec = {
  // AWS answers GetCallerIdentity without any permission (even under an explicit Deny).
  admit: () => 'none',
  handle: async ({ principal }) => ({ Arn: principal.arn, UserId: principal.userId, Account: ACCOUNT_ID }),
};
