import type { Clock } from '../ports/clock.js';

/** A clock that stands still until advanced. */
export class FixedClock implements Clock {
  constructor(private t: Date = new Date('2026-01-15T08:00:00Z')) {}
  now(): Date {
    return new Date(this.t.getTime());
  }
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}
