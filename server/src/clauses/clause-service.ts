/**
 * The clause library (条款库) of an enterprise: short, titled pieces of contract text in simple HTML
 * that the Word add-in inserts at the cursor. Every member reads them; template admins (and above)
 * and the enterprise's apps add them. Each clause keeps its own hash-chained audit log (subject = the
 * clause id), written in the same atomic batch as the clause.
 */
import {
  EMPTY_HEAD, SignetError, actorId, assertCan, auditActorOf, chainEvents, workflowCollections, writeOp,
  type Actor, type AuditHead, type Clock, type Collection, type IdGenerator, type RecordStore, type RequestContext, type StoredRecord,
} from '@signet/core';
import { sanitizeClauseHtml } from './sanitize-html.js';

/** A stored clause. */
export interface ClauseRecord extends StoredRecord {
  tenant: string;
  title: string;
  /** Sanitized HTML ({@link sanitizeClauseHtml}). */
  html: string;
  category?: string;
  createdBy: string;
  createdAt: string;
  audit: AuditHead;
}

/** A clause as the API shows it. */
export interface ClauseView {
  id: string;
  title: string;
  html: string;
  category?: string;
  createdAt: string;
}

/** What {@link ClauseService} needs. */
export interface ClauseServiceDeps {
  store: RecordStore;
  clock: Clock;
  ids: IdGenerator;
}

const opened = new WeakMap<RecordStore, Collection<ClauseRecord>>();

/** Opens the `clauses` collection on `store`, once per store. */
export function clauseCollection(store: RecordStore): Collection<ClauseRecord> {
  let c = opened.get(store);
  if (!c) {
    c = store.collection<ClauseRecord>({ name: 'clauses', indexes: { tenant: (r) => r.tenant } });
    opened.set(store, c);
  }
  return c;
}

/** The API view of a clause. */
export function clauseView(r: ClauseRecord): ClauseView {
  return { id: r.id, title: r.title, html: r.html, ...(r.category ? { category: r.category } : {}), createdAt: r.createdAt };
}

/** The clause library. */
export class ClauseService {
  /** The `clauses` collection. */
  readonly records: Collection<ClauseRecord>;

  /** A clause library over `deps.store`. */
  constructor(private readonly deps: ClauseServiceDeps) {
    this.records = clauseCollection(deps.store);
  }

  /** Adds a clause to the actor's enterprise (needs `template.write`). Throws INVALID_ARGUMENT for an empty title or text. */
  async add(actor: Actor, input: { title: string; html: string; category?: string }, ctx: RequestContext = {}): Promise<ClauseRecord> {
    const tenant = actor.kind === 'member' || actor.kind === 'app' ? actor.enterpriseId : undefined;
    assertCan(actor, 'template.write', { enterpriseId: tenant });
    const title = input.title.trim();
    const html = sanitizeClauseHtml(input.html);
    if (!title || !html.replace(/<[^>]*>/g, '').trim()) throw new SignetError('INVALID_ARGUMENT', '条款须有标题和正文。A clause needs a title and some text.');
    const now = this.deps.clock.now();
    const id = this.deps.ids.next('cls');
    const { head, records } = chainEvents(id, EMPTY_HEAD, [{ type: 'clause.created', actor: auditActorOf(actor, ctx), data: { title, category: input.category } }], now);
    const rec: ClauseRecord = {
      id, version: 0, tenant: tenant!, title, html, ...(input.category?.trim() ? { category: input.category.trim() } : {}),
      createdBy: actorId(actor), createdAt: now.toISOString(), audit: head,
    };
    const audit = workflowCollections(this.deps.store).audit;
    const [stored] = await this.deps.store.transact([writeOp.insert(this.records, rec), ...records.map((r) => writeOp.insert(audit, r))]);
    return stored as ClauseRecord;
  }

  /** The clauses of the actor's enterprise (needs `template.read`), oldest first, optionally matching `q` in the title or text. */
  async list(actor: Actor, opts: { q?: string; category?: string } = {}): Promise<ClauseRecord[]> {
    const tenant = actor.kind === 'member' || actor.kind === 'app' ? actor.enterpriseId : undefined;
    assertCan(actor, 'template.read', { enterpriseId: tenant });
    const q = opts.q?.trim().toLowerCase();
    return (await this.records.find('tenant', tenant!)).filter((c) => (!q || c.title.toLowerCase().includes(q) || c.html.toLowerCase().includes(q)) && (!opts.category || c.category === opts.category));
  }
}
