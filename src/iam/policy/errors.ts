/** PolicyError: a policy document failed validation. The message names statement and field. */
export class PolicyError extends Error {
  readonly statement: number | undefined;
  readonly field: string | undefined;

  constructor(message: string, statement?: number, field?: string) {
    super(message);
    this.name = 'PolicyError';
    this.statement = statement;
    this.field = field;
  }
}
