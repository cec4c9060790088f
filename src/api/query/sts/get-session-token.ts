/**
 * sts:GetSessionToken: temporary credentials of the calling long-term user (or root) — the same
 * session as AssumeRole without RoleArn. As in AWS it needs no IAM permission, but an explicit
 * Deny on sts:GetSessionToken still stops it ('deny-only'); session credentials are refused (a
 * session never mints another). The session inherits every narrowing of the calling key.
 * DurationSeconds 900–129600 (default 43200), capped at COFFER_STS_MAX_DURATION. MFA
 * (SerialNumber, TokenCode) is not supported.
 */
import { AppError } from '../../../core/index.js';
import type { ActionSpec } from '../action.js';
import { credentialsXml } from '../render.js';

export const GET_SESSION_TOKEN: ActionSpec = {
  admit: ({ params, principal }) => {
    if (params.has('SerialNumber') || params.has('TokenCode')) {
      throw new AppError('InvalidParameterValue', { message: 'SerialNumber and TokenCode (MFA) are not supported by Coffer.' });
    }
    params.integer('DurationSeconds', 900, 129600);
    if (principal.credential === 'session' || principal.kind === 'assumed-role') {
      throw new AppError('AccessDenied', { message: 'Cannot call GetSessionToken with session credentials' });
    }
    return { checks: [{ action: 'sts:GetSessionToken', resource: principal.arn }], mode: 'deny-only' };
  },
  handle: async ({ params, principal, identity }) => {
    const durationSeconds = params.integer('DurationSeconds', 900, 129600);
    const session = await identity.getSessionToken(principal, durationSeconds === undefined ? {} : { durationSeconds });
    return {
      Credentials: credentialsXml(session),
    };
  },
};
