/**
 * The list boxes of the console (收件箱, 发件箱, 草稿箱, 待我签, 待他人签, 即将截止, 即将到期,
 * 待我代表企业签): pure functions from a contract to the index keys it is listed under, so that
 * every list and count is one index lookup.
 */
import { signersInTurn, type ContractRecord } from './contract.js';

/** A box of contracts for one person or enterprise. */
export type ContractBox = 'inbox' | 'outbox' | 'drafts' | 'todo' | 'waiting' | 'deadline' | 'expiry';

/** Every box. */
export const CONTRACT_BOXES: readonly ContractBox[] = ['inbox', 'outbox', 'drafts', 'todo', 'waiting', 'deadline', 'expiry'];

/** The index key of a box: `u:<userId>|todo` for a person, `e:<enterpriseId>|todo` for an enterprise. */
export function boxKey(party: { userId: string } | { enterpriseId: string }, box: ContractBox): string {
  return 'userId' in party ? `u:${party.userId}|${box}` : `e:${party.enterpriseId}|${box}`;
}

/**
 * Every box key a contract is listed under:
 * - the sending member: `drafts` while a draft, then `outbox`;
 * - person signers (`u:`) and organization signers (`e:`): `inbox` once sent;
 * - whoever may sign now: `todo`; every other party of a signing contract: `waiting`;
 * - every party of a signing contract with a deadline: `deadline`; of a completed one with an
 *   expiry date: `expiry` (the lists filter these by date).
 */
export function boxKeysOf(c: ContractRecord): string[] {
  const keys = new Set<string>();
  const sender = c.sender.userId ? `u:${c.sender.userId}` : undefined;
  const parties = new Set<string>();
  if (sender) {
    parties.add(sender);
    keys.add(`${sender}|${c.state === 'draft' ? 'drafts' : 'outbox'}`);
  }
  if (c.state === 'draft') return [...keys];
  for (const s of c.signers) {
    const p = s.kind === 'person' ? (s.userId ? `u:${s.userId}` : undefined) : s.enterpriseId ? `e:${s.enterpriseId}` : undefined;
    if (!p) continue;
    parties.add(p);
    keys.add(`${p}|inbox`);
  }
  if (c.state === 'signing') {
    const acting = new Set<string>();
    for (const s of signersInTurn(c)) {
      const p = s.kind === 'person' ? (s.userId ? `u:${s.userId}` : undefined) : s.enterpriseId ? `e:${s.enterpriseId}` : undefined;
      if (p) acting.add(p);
    }
    for (const p of parties) {
      keys.add(`${p}|${acting.has(p) ? 'todo' : 'waiting'}`);
      if (c.deadline) keys.add(`${p}|deadline`);
    }
  }
  if (c.state === 'completed' && c.expiresAt) for (const p of parties) keys.add(`${p}|expiry`);
  return [...keys];
}
