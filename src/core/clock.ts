/** Time source passed down from app/, so rules that depend on time can be tested. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = Object.freeze({ now: () => new Date() });
