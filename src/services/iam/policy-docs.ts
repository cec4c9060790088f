/**
 * Policy documents as the identity service takes them in (parse + validate, errors become
 * MalformedPolicyDocument naming statement and field) and as it reads them back for evaluation
 * (stored normalised text parsed once and memoised by text: the texts are immutable values).
 */
import { AppError } from '../../core/index.js';
import { parsePolicy, PolicyError, type ParsedPolicy, type PolicyKind } from '../../iam/policy/index.js';
import { BoundedCache } from './cache.js';

export function parseDocument(document: unknown, kind: PolicyKind, options: { maxBytes?: number } = {}): ParsedPolicy {
  if (typeof document !== 'string' || document.trim() === '') {
    throw new AppError('MalformedPolicyDocument', { message: 'The policy document is missing or empty.' });
  }
  try {
    return parsePolicy(document, kind, options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes });
  } catch (error) {
    if (error instanceof PolicyError) throw new AppError('MalformedPolicyDocument', { message: error.message });
    throw error;
  }
}

export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

export class StoredPolicies {
  readonly #parsed = new BoundedCache<ParsedPolicy>(2000);

  /** A stored (already validated) document; one that no longer parses fails closed. */
  parse(text: string, kind: PolicyKind, maxBytes?: number): ParsedPolicy {
    const key = `${kind}\u0000${text}`;
    let policy = this.#parsed.get(key);
    if (policy === undefined) {
      try {
        policy = parsePolicy(text, kind, maxBytes === undefined ? {} : { maxBytes });
      } catch (error) {
        throw new AppError('InternalError', { details: { reason: 'a stored policy no longer parses', error: String(error) } });
      }
      this.#parsed.set(key, policy);
    }
    return policy;
  }
}
