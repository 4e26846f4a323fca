/**
 * Contract lists with counts, as the console shows them: inbox, outbox, drafts, needs my signature,
 * needs others' signature, deadline near, expiry near, and needs my signature on behalf of the
 * company; filtered by title, sender, signer, status and label. Each box is one index lookup
 * (see `contract-boxes.ts`); only the date windows and the filters look at the records.
 */
import { SignetError } from '../errors.js';
import type { Actor } from '../directory/actor.js';
import type { Clock } from '../ports/clock.js';
import { boxKey, type ContractBox } from './contract-boxes.js';
import { CONTRACT_STATES, signersInTurn, type ContractRecord, type ContractState } from './contract.js';
import type { SealGrantRecord } from './seal-record.js';
import { isGrantActive } from './seal-service.js';
import { memberKey, type WorkflowCollections } from './workflow-collections.js';
import { forbidden, hasRoleAtLeast } from './workflow-actor.js';

/** A list: one of the boxes, `company_todo` (needs my signature on behalf of my enterprise), or `all` of the enterprise (admins and apps). */
export type ListBox = ContractBox | 'company_todo' | 'all';

/** What to list. */
export interface ContractListQuery {
  box: ListBox;
  /** Substring of the title (case-insensitive). */
  title?: string;
  /** Substring of the sender's user id, app id or name. */
  sender?: string;
  /** Substring of any signer's name, user id or enterprise id. */
  signer?: string;
  status?: ContractState | ContractState[];
  label?: string;
  /** Window of `deadline` and `expiry` (default 7 days). */
  withinDays?: number;
  limit?: number;
  offset?: number;
}

/** A contract as a list shows it. */
export interface ContractSummary {
  id: string;
  kind: ContractRecord['kind'];
  title: string;
  state: ContractState;
  bizNo?: string;
  sender: { userId?: string; appId?: string; name?: string };
  signers: { id: string; kind: 'person' | 'organization'; name: string; state: string }[];
  labels: string[];
  createdAt: string;
  sentAt?: string;
  deadline?: string;
  expiresAt?: string;
  completedAt?: string;
}

/** One page of a list, with the total after filtering. */
export interface ContractList {
  items: ContractSummary[];
  total: number;
}

/** How many contracts each box holds for the actor. */
export interface BoxCounts {
  inbox: number;
  outbox: number;
  drafts: number;
  todo: number;
  waiting: number;
  deadline: number;
  expiry: number;
  company_todo: number;
}

/** What {@link ContractInbox} needs. */
export interface ContractInboxDeps {
  collections: WorkflowCollections;
  clock: Clock;
}

const DAY = 86_400_000;

function summaryOf(c: ContractRecord): ContractSummary {
  return {
    id: c.id,
    kind: c.kind,
    title: c.title,
    state: c.state,
    ...(c.bizNo ? { bizNo: c.bizNo } : {}),
    sender: { userId: c.sender.userId, appId: c.sender.appId, name: c.sender.name },
    signers: c.signers.map((s) => ({ id: s.id, kind: s.kind, name: s.name, state: s.state })),
    labels: c.labels,
    createdAt: c.createdAt,
    sentAt: c.sentAt,
    deadline: c.deadline,
    expiresAt: c.expiresAt,
    completedAt: c.completedAt,
  };
}

/** Lists and counts contracts per actor. */
export class ContractInbox {
  private readonly col: WorkflowCollections;

  constructor(private readonly deps: ContractInboxDeps) {
    this.col = deps.collections;
  }

  /** The party key a person's boxes are under; FORBIDDEN for actors without one. */
  private personOf(actor: Actor): { userId: string } | undefined {
    return actor.kind === 'member' || actor.kind === 'person' ? { userId: actor.userId } : undefined;
  }

  private async grantsOf(actor: Actor): Promise<SealGrantRecord[]> {
    if (actor.kind !== 'member') return [];
    const now = this.deps.clock.now();
    return (await this.col.grants.find('member', memberKey(actor.enterpriseId, actor.userId))).filter((g) => isGrantActive(g, now));
  }

  /** Contracts where the actor's enterprise must sign now and the actor may operate the seal. */
  private async companyTodo(actor: Actor): Promise<ContractRecord[]> {
    if (actor.kind !== 'member' && actor.kind !== 'app') return [];
    const enterpriseId = actor.enterpriseId;
    const all = await this.col.contracts.find('box', boxKey({ enterpriseId }, 'todo'));
    if (actor.kind === 'app') return all;
    const grants = await this.grantsOf(actor);
    const admin = hasRoleAtLeast(actor, 'seal_admin');
    return all.filter((c) => signersInTurn(c).some((s) => s.kind === 'organization' && s.enterpriseId === enterpriseId && (
      s.operator ? s.operator === actor.userId || admin : admin || grants.some((g) => !s.seal || g.seal === s.seal)
    )));
  }

  private async boxRecords(actor: Actor, box: ListBox, withinDays: number): Promise<ContractRecord[]> {
    if (box === 'company_todo') return this.companyTodo(actor);
    if (box === 'all') {
      if (actor.kind === 'app' || (actor.kind === 'member' && hasRoleAtLeast(actor, 'system_admin'))) return this.col.contracts.find('tenant', actor.enterpriseId);
      throw forbidden('只有企业管理员可以查看全部合同。', 'Only an enterprise administrator or the enterprise\'s app can list all of its contracts.');
    }
    let records: ContractRecord[];
    const person = this.personOf(actor);
    if (person) records = await this.col.contracts.find('box', boxKey(person, box));
    else if (actor.kind === 'app') records = await this.col.contracts.find('box', boxKey({ enterpriseId: actor.enterpriseId }, box));
    else throw forbidden('签署链接不能查看合同列表。', 'Sign in to see contract lists; a signing link opens one contract only.');
    const now = this.deps.clock.now().getTime();
    const until = now + withinDays * DAY;
    if (box === 'deadline') records = records.filter((c) => c.deadline && Date.parse(c.deadline) <= until);
    if (box === 'expiry') records = records.filter((c) => c.expiresAt && Date.parse(c.expiresAt) >= now && Date.parse(c.expiresAt) <= until);
    return records;
  }

  /** One page of a list, newest first, after the filters. */
  async list(actor: Actor, query: ContractListQuery): Promise<ContractList> {
    const q = query ?? ({ box: 'inbox' } as ContractListQuery);
    const boxes: ListBox[] = ['inbox', 'outbox', 'drafts', 'todo', 'waiting', 'deadline', 'expiry', 'company_todo', 'all'];
    if (!boxes.includes(q.box)) throw new SignetError('INVALID_ARGUMENT', `未知列表。Unknown box "${String(q.box)}"; use one of ${boxes.join(', ')}.`);
    const statuses = q.status === undefined ? undefined : Array.isArray(q.status) ? q.status : [q.status];
    if (statuses?.some((s) => !CONTRACT_STATES.includes(s))) throw new SignetError('INVALID_ARGUMENT', `未知状态。status must be one of ${CONTRACT_STATES.join(', ')}.`);
    const limit = Math.min(Math.max(1, Math.floor(q.limit ?? 20)), 200);
    const offset = Math.max(0, Math.floor(q.offset ?? 0));
    const has = (hay: (string | undefined)[], needle: string) => hay.some((h) => h?.toLowerCase().includes(needle.toLowerCase()));
    const records = (await this.boxRecords(actor, q.box, q.withinDays ?? 7)).filter((c) =>
      (!q.title || has([c.title], q.title)) &&
      (!q.sender || has([c.sender.userId, c.sender.appId, c.sender.name], q.sender)) &&
      (!q.signer || c.signers.some((s) => has([s.name, s.userId, s.enterpriseId], q.signer!))) &&
      (!statuses || statuses.includes(c.state)) &&
      (!q.label || c.labels.includes(q.label)));
    records.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
    return { items: records.slice(offset, offset + limit).map(summaryOf), total: records.length };
  }

  /** The count of every box for the actor (a person's boxes, or an app's enterprise boxes). */
  async counts(actor: Actor, opts: { withinDays?: number } = {}): Promise<BoxCounts> {
    const person = this.personOf(actor);
    const party = person ?? (actor.kind === 'app' ? { enterpriseId: actor.enterpriseId } : undefined);
    if (!party) throw forbidden('签署链接不能查看合同列表。', 'Sign in to see contract lists; a signing link opens one contract only.');
    const count = (box: ContractBox) => this.col.contracts.count('box', boxKey(party, box));
    const within = opts.withinDays ?? 7;
    return {
      inbox: await count('inbox'),
      outbox: await count('outbox'),
      drafts: await count('drafts'),
      todo: await count('todo'),
      waiting: await count('waiting'),
      deadline: (await this.boxRecords(actor, 'deadline', within)).length,
      expiry: (await this.boxRecords(actor, 'expiry', within)).length,
      company_todo: (await this.companyTodo(actor)).length,
    };
  }

  /** The labels on the actor's contracts (inbox and outbox), with how many carry each. */
  async labels(actor: Actor): Promise<{ label: string; count: number }[]> {
    const person = this.personOf(actor);
    const party = person ?? (actor.kind === 'app' ? { enterpriseId: actor.enterpriseId } : undefined);
    if (!party) throw forbidden('签署链接不能查看标签。', 'Sign in to see labels.');
    const seen = new Map<string, ContractRecord>();
    for (const box of ['inbox', 'outbox', 'drafts'] as ContractBox[]) for (const c of await this.col.contracts.find('box', boxKey(party, box))) seen.set(c.id, c);
    const counts = new Map<string, number>();
    for (const c of seen.values()) for (const l of c.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    return [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
  }
}
