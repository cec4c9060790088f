/**
 * POST /policies/explain: would this access key be allowed this action on this resource, and
 * which statements decide it? Needs admin:ExplainPolicy (it reveals how any principal's
 * policies apply). The key is resolved to its principal through the credential store after
 * authorization; its secret is never read out. The caller may set condition values the request
 * would carry: the s3: keys of the action, and the request facts (aws:SourceIp,
 * aws:SecureTransport, aws:CurrentTime, aws:EpochTime, aws:UserAgent, aws:Referer, s3:authType,
 * s3:signatureAge, s3:x-amz-content-sha256). Keys derived from the principal (aws:username,
 * aws:PrincipalTag/…) come from the principal and cannot be set. Unset facts default to the
 * explain request's own (source address, transport, time).
 */
import { isIP } from 'node:net';
import { AppError } from '../../../core/index.js';
import type { AuthorizationCheck, RequestFacts } from '../../../iam/authorizer/index.js';
import type { AdminEndpoint } from '../endpoint.js';
import { invalid, objectBody, queryParams, str, type Fields } from '../input.js';

const ACTION = /^[a-z0-9-]{1,32}:[A-Za-z0-9]{1,128}$/;
const AUTH_TYPES = ['REST-HEADER', 'REST-QUERY-STRING', 'POST'] as const;

function conditionValues(fields: Fields): Map<string, string[]> {
  const raw = fields.conditions;
  const out = new Map<string, string[]>();
  if (raw === undefined) return out;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('The field conditions must be an object of key → value or list of values.');
  const entries = Object.entries(raw);
  if (entries.length > 64) throw invalid('At most 64 condition keys.');
  for (const [key, value] of entries) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || values.length > 64 || values.some((v) => typeof v !== 'string' || v.length > 1024)) {
      throw invalid(`Condition ${JSON.stringify(key.slice(0, 64))} must be a string or a list of 1 to 64 strings.`);
    }
    const slash = key.indexOf('/');
    out.set(slash < 0 ? key.toLowerCase() : key.slice(0, slash).toLowerCase() + key.slice(slash), values as string[]);
  }
  return out;
}

function single(values: string[], key: string): string {
  if (values.length !== 1) throw invalid(`Condition ${key} takes one value.`);
  return values[0] as string;
}

/** Splits the caller's condition values into request facts and the check's s3: keys. */
export function explainFacts(conditions: Map<string, string[]>, base: RequestFacts): { facts: RequestFacts; checkConditions: Record<string, string[]> } {
  const facts: RequestFacts = { ...base, authType: 'REST-HEADER', signatureAgeMs: undefined, contentSha256: undefined };
  const checkConditions: Record<string, string[]> = {};
  for (const [key, values] of conditions) {
    switch (key) {
      case 'aws:sourceip': {
        const ip = single(values, key);
        if (isIP(ip) === 0) throw invalid('Condition aws:SourceIp must be an IP address.');
        facts.sourceIp = ip;
        break;
      }
      case 'aws:securetransport': {
        const value = single(values, key);
        if (value !== 'true' && value !== 'false') throw invalid('Condition aws:SecureTransport must be true or false.');
        facts.secureTransport = value === 'true';
        break;
      }
      case 'aws:currenttime':
      case 'aws:epochtime': {
        const value = single(values, key);
        const ms = key === 'aws:epochtime' ? (/^\d{1,12}$/.test(value) ? Number(value) * 1000 : NaN) : Date.parse(value);
        if (Number.isNaN(ms)) throw invalid(`Condition ${key} is not a valid time.`);
        facts.now = new Date(ms);
        break;
      }
      case 'aws:useragent':
        facts.userAgent = single(values, key);
        break;
      case 'aws:referer':
        facts.referer = single(values, key);
        break;
      case 's3:authtype': {
        const value = single(values, key);
        const type = AUTH_TYPES.find((t) => t === value);
        if (type === undefined) throw invalid('Condition s3:authType must be REST-HEADER, REST-QUERY-STRING or POST.');
        facts.authType = type;
        break;
      }
      case 's3:signatureage': {
        const value = single(values, key);
        if (!/^\d{1,12}$/.test(value)) throw invalid('Condition s3:signatureAge must be a number of milliseconds.');
        facts.signatureAgeMs = Number(value);
        break;
      }
      case 's3:x-amz-content-sha256':
        facts.contentSha256 = single(values, key);
        break;
      default:
        if (!key.startsWith('s3:') || key.startsWith('s3:existingobjecttag/') || key === 's3:signatureversion') {
          throw invalid(`Condition ${JSON.stringify(key)} cannot be set: it comes from the principal, the server or the stored object.`);
        }
        checkConditions[key] = values;
    }
  }
  return { facts, checkConditions };
}

/** S3 ARNs become bucket/key checks so that the bucket's policy takes part, as on a real request. */
function checkFor(action: string, resource: string, conditions: Record<string, string[]>): AuthorizationCheck {
  const extra = Object.keys(conditions).length > 0 ? { conditions } : {};
  if (resource.startsWith('arn:aws:s3:::') && resource.length > 'arn:aws:s3:::'.length) {
    const path = resource.slice('arn:aws:s3:::'.length);
    const slash = path.indexOf('/');
    if (slash < 0) return { action, bucket: path, ...extra };
    return { action, bucket: path.slice(0, slash), key: path.slice(slash + 1), ...extra };
  }
  return resource === '*' ? { action, ...extra } : { action, resource, ...extra };
}

const explainPolicy: AdminEndpoint = {
  name: 'ExplainPolicy',
  method: 'POST',
  path: '/policies/explain',
  plan({ body, query }, { identity, authorizer, facts: own }) {
    queryParams(query, []);
    const fields = objectBody(body, ['accessKey', 'action', 'resource', 'conditions'], ['accessKey', 'action', 'resource']);
    const accessKey = str(fields, 'accessKey', 128);
    const action = str(fields, 'action', 160);
    if (!ACTION.test(action)) throw invalid('The field action must be one action, e.g. s3:GetObject.');
    const resource = str(fields, 'resource', 2048);
    if (resource !== '*' && !resource.startsWith('arn:')) throw invalid('The field resource must be an ARN or *.');
    const { facts, checkConditions } = explainFacts(conditionValues(fields), own);
    return {
      checks: [{ action: 'admin:ExplainPolicy' }],
      run: async () => {
        if (authorizer.explain === undefined) throw new AppError('NotImplemented', { message: 'This server cannot explain decisions.' });
        const stored = await identity.credentials.lookup(accessKey);
        if (stored === undefined) throw new AppError('NoSuchEntity', { message: 'The access key does not exist or is not active.' });
        const { principal } = stored;
        const result = await authorizer.explain({ principal, checks: [checkFor(action, resource, checkConditions)], facts });
        const entry = result.trace[0];
        return {
          status: 200,
          body: {
            accessKey,
            principal: { arn: principal.arn, type: principal.kind, userName: principal.userName, credential: principal.credential },
            action,
            resource,
            decision: result.effect,
            allowed: result.effect === 'Allow',
            reason: entry?.reason,
            statements: (entry?.decidedBy ?? []).map((s) => ({ policy: s.label, sid: s.sid, index: s.index, effect: s.effect })),
          },
        };
      },
    };
  },
};

export const EXPLAIN_ENDPOINTS: readonly AdminEndpoint[] = [explainPolicy];
