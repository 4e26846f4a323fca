/**
 * The audit of identity and directory changes: one hash-chained log (evidence/audit-chain.ts) per
 * subject, a user id or an enterprise id, in the `directory_audit` collection. Events are written
 * in the same atomic batch as the change they record (both share the subject as shard key), and
 * their data hold masked values only, never an ID number, mobile number, code or password.
 *
 * Event types: `user.created`, `user.login_password_set`, `user.signing_password_set`,
 * `user.signing_password_reset`, `user.mark_added`, `user.mark_removed`, `user.real_name_verified`,
 * `user.willingness_passed`, `identity.verification_started`, `identity.verification_failed`,
 * `identity.verification_expired`,
 * `enterprise.created`, `enterprise.parent_set`, `enterprise.real_name_verified`,
 * `enterprise.verification_reviewed`, `member.added`, `member.roles_changed`, `member.removed`,
 * `invitation.created`, `invitation.accepted`, `invitation.revoked`, `contact.added`,
 * `contact.reviewed`.
 */
import { isSignetError } from '../errors.js';
import {
  appendAuditEvent, verifyAuditChain, type AuditActor, type AuditChainCheck, type AuditEvent,
} from '../evidence/audit-chain.js';
import type { Collection, RecordStore, StoredRecord, WriteOp } from '../ports/record-store.js';
import { writeOp } from '../ports/record-store.js';
import type { Actor } from './actor.js';

/** One stored audit event; its id is `<subject>.<seq, 8 digits>`, so a subject's events sort in order. */
export interface DirectoryAuditRecord extends StoredRecord, AuditEvent {}

/** The audit collection's name. */
export const DIRECTORY_AUDIT_COLLECTION = 'directory_audit';

const opened = new WeakMap<RecordStore, Collection<DirectoryAuditRecord>>();

/** Opens the `directory_audit` collection on `store`, once per store. */
export function directoryAuditCollection(store: RecordStore): Collection<DirectoryAuditRecord> {
  let c = opened.get(store);
  if (!c) {
    c = store.collection<DirectoryAuditRecord>({ name: DIRECTORY_AUDIT_COLLECTION, indexes: { subject: (e) => e.subject }, shard: (e) => e.subject });
    opened.set(store, c);
  }
  return c;
}

/** How an {@link Actor} appears in an audit event (as `workflow/workflow-actor.ts` records it). */
function auditActorOf(actor: Actor): AuditActor {
  switch (actor.kind) {
    case 'member':
    case 'person':
      return { kind: 'user', id: actor.userId };
    case 'app':
      return { kind: 'integrator', id: actor.appId };
    case 'link':
      return { kind: 'signer', id: `${actor.contractId}/${actor.signerId}` };
    case 'system':
      return { kind: 'system', id: actor.reason };
  }
}

/** Appends to and reads the per-subject audit chains of the directory. */
export class DirectoryAudit {
  private readonly events: Collection<DirectoryAuditRecord>;

  /** Opens the audit collection on `store`. */
  constructor(store: RecordStore) {
    this.events = directoryAuditCollection(store);
  }

  /**
   * The write that appends an event to `subject`'s chain, to put in the same
   * {@link RecordStore.transact} batch as the change. When another writer appended first, the batch
   * fails with DUPLICATE on the event id; {@link retryOnConflict} then reruns the whole change.
   */
  async append(subject: string, type: string, actor: Actor, at: Date, data: Record<string, unknown> = {}): Promise<WriteOp> {
    return (await this.appendAll(subject, actor, at, [{ type, data }]))[0];
  }

  /** Like {@link append}, for several events of one subject chained one after the other. */
  async appendAll(subject: string, actor: Actor, at: Date, events: readonly { type: string; data?: Record<string, unknown> }[]): Promise<WriteOp[]> {
    const n = await this.events.count('subject', subject);
    let prev: AuditEvent | undefined = n > 0 ? await this.events.get(eventId(subject, n)) : undefined;
    const ops: WriteOp[] = [];
    for (const ev of events) {
      const e = appendAuditEvent(prev, { type: ev.type, subject, at, actor: auditActorOf(actor), data: ev.data ?? {} });
      ops.push(writeOp.insert(this.events, { id: eventId(subject, e.seq), ...e }));
      prev = e;
    }
    return ops;
  }

  /** Every event of `subject`'s chain, in order. */
  async history(subject: string): Promise<AuditEvent[]> {
    return (await this.events.find('subject', subject)).map(({ id: _id, version: _v, ...e }) => e);
  }

  /** Checks `subject`'s chain (order, links, hashes); a value, never an exception. */
  async verify(subject: string): Promise<AuditChainCheck> {
    return verifyAuditChain(await this.history(subject));
  }
}

function eventId(subject: string, seq: number): string {
  return `${subject}.${String(seq).padStart(8, '0')}`;
}

/**
 * Runs `fn` again (up to `attempts` times) when it lost a race: VERSION_CONFLICT, or DUPLICATE on an
 * audit event id (another writer extended the same chain). Other errors pass through.
 */
export async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const lost = isSignetError(e, 'VERSION_CONFLICT') || (isSignetError(e, 'DUPLICATE') && e.details?.collection === DIRECTORY_AUDIT_COLLECTION);
      if (!lost || i >= attempts) throw e;
    }
  }
}
