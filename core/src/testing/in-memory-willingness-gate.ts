import { SignetError } from '../errors.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { WillingnessEvidence, WillingnessGate } from '../workflow/willingness-gate.js';

/**
 * A WillingnessGate in memory for tests: {@link issue} records a passed check (as the identity
 * module would after a correct OTP, password or face), and {@link consume} enforces the gate's
 * contract: bound to the user, expiring, single-use per listed contract.
 */
export class InMemoryWillingnessGate implements WillingnessGate {
  private readonly proofs = new Map<string, { evidence: WillingnessEvidence; used: Set<string> }>();
  private n = 0;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  /** Records a passed willingness check of `userId` covering `contractIds`, and returns its proof id. */
  issue(input: { userId: string; contractIds: string[]; method?: WillingnessEvidence['method'] }): string {
    const id = `wp_${++this.n}`;
    this.proofs.set(id, {
      evidence: { id, subjectUserId: input.userId, method: input.method ?? 'sms_otp', verifiedAt: this.clock.now(), contractIds: [...input.contractIds] },
      used: new Set(),
    });
    return id;
  }

  /** How many times proofs were consumed successfully. */
  consumed = 0;

  async consume(proofId: string, expect: { userId: string; contractId: string }): Promise<WillingnessEvidence> {
    const p = this.proofs.get(proofId);
    const fail = (why: string) => new SignetError('WILLINGNESS_REQUIRED', `${why}; confirm your willingness again and pass the new proof id.`);
    if (!p) throw fail('The willingness proof is unknown');
    if (this.clock.now().getTime() - p.evidence.verifiedAt.getTime() > this.ttlMs) throw fail('The willingness proof has expired');
    if (p.evidence.subjectUserId !== expect.userId) throw fail('The willingness proof belongs to someone else');
    if (!p.evidence.contractIds.includes(expect.contractId)) throw fail('The willingness proof does not cover this contract');
    if (p.used.has(expect.contractId)) throw fail('The willingness proof was already used for this contract');
    p.used.add(expect.contractId);
    this.consumed++;
    return { ...p.evidence, contractIds: [...p.evidence.contractIds] };
  }
}
