import type { ConditionContext } from '../types.js';

/** Positive per-value test for one request: does request value r match any policy value? */
export type ValueTest = (r: string) => boolean;

/** Binds policy values to a request (resolves policy variables); static operators ignore ctx. */
export type BoundTest = (ctx: ConditionContext) => ValueTest;

export interface OperatorSpec {
  /** Not* operators: the clause is the logical NOT of the positive form (see conditions.ts). */
  readonly negated: boolean;
  /**
   * Validates the policy values (already stringified) and prepares the test.
   * Throws Error(message) on an invalid value. `variables`: the document supports ${...}.
   */
  compile(values: readonly string[], variables: boolean): BoundTest;
}

export function staticTest(test: ValueTest): BoundTest {
  return () => test;
}

export const NEVER: ValueTest = () => false;

export function quote(s: string): string {
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
}
