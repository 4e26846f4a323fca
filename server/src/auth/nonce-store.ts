/**
 * Remembers the integrator nonces seen within the signature window, so that a replayed request is
 * refused. Behind an interface so that several server processes can share one (PostgreSQL: an
 * `INSERT … ON CONFLICT DO NOTHING` on a table keyed by the nonce, with expired rows purged).
 */

/** A set of keys, each remembered until it expires. */
export interface NonceStore {
  /**
   * Records `key` until `expiresAt` and resolves true, or resolves false when `key` is already
   * recorded and not yet expired (a replay). Must be atomic: of two concurrent claims of one key,
   * exactly one wins.
   */
  claim(key: string, expiresAt: Date): Promise<boolean>;
}

/** A {@link NonceStore} in process memory, for one server process. Expired keys are swept as it goes. */
export class InMemoryNonceStore implements NonceStore {
  private readonly keys = new Map<string, number>();
  private nextSweep = 0;

  /** `now` defaults to the system clock; tests pass the app's clock. */
  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, expiresAt: Date): Promise<boolean> {
    const t = this.now();
    if (t >= this.nextSweep) this.sweep(t);
    const until = this.keys.get(key);
    if (until !== undefined && until > t) return false;
    this.keys.set(key, expiresAt.getTime());
    return true;
  }

  /** How many keys are held (expired ones included until the next sweep). */
  get size(): number {
    return this.keys.size;
  }

  private sweep(t: number): void {
    for (const [k, until] of this.keys) if (until <= t) this.keys.delete(k);
    this.nextSweep = t + 30_000;
  }
}
