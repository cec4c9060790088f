import { ARN_OPERATORS } from './arn.js';
import { BOOL_OPERATORS } from './bool-binary.js';
import { DATE_OPERATORS } from './date.js';
import { IP_OPERATORS } from './ip.js';
import { NUMERIC_OPERATORS } from './numeric.js';
import type { OperatorSpec } from './operator.js';
import { STRING_OPERATORS } from './string.js';

export type { BoundTest, OperatorSpec, ValueTest } from './operator.js';

/** Every base operator except Null (handled by conditions.ts), by AWS name. */
export const OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map(Object.entries({
  ...STRING_OPERATORS,
  ...NUMERIC_OPERATORS,
  ...DATE_OPERATORS,
  ...BOOL_OPERATORS,
  ...IP_OPERATORS,
  ...ARN_OPERATORS,
}));
