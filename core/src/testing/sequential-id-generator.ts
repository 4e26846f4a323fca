import type { IdGenerator } from '../ports/id-generator.js';

/** Deterministic ids (`ct_1`, `ct_2`, …) for tests. */
export class SequentialIdGenerator implements IdGenerator {
  private n = 0;
  next(prefix = 'id'): string {
    this.n += 1;
    return `${prefix}_${this.n}`;
  }
}
