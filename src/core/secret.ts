import { inspect } from 'node:util';

/**
 * Secret<T>: wraps a value that must never reach a log, an error message or JSON output.
 * Only `reveal()` gives the value back; every implicit conversion prints "[REDACTED]".
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return '[REDACTED]';
  }

  toJSON(): string {
    return '[REDACTED]';
  }

  [inspect.custom](): string {
    return 'Secret([REDACTED])';
  }
}
