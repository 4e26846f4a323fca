/**
 * Webhooks: per-enterprise subscriptions (URL, secret, event types), and deliveries of domain
 * events to them as background jobs, signed (see `webhook-signature.ts`), retried with exponential
 * backoff on a non-2xx answer, an error or a timeout, with every attempt kept on the delivery.
 */
import { privateDestination } from './public-destination.js';
import { createHash, randomBytes } from 'node:crypto';
import {
  SignetError, canonicalJson, isSignetError, randomIdGenerator, systemClock,
  type Clock, type Collection, type DomainEvent, type FieldCipher, type FindOptions, type IdGenerator, type RecordStore, type StoredRecord,
} from '@signet/core';
import { backoffDelay, type JobContext, type JobQueue, type JobResult } from '../jobs/job-queue.js';
import type { Logger } from '../log/logger.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';

/** The job type of one delivery. */
export const WEBHOOK_JOB = 'webhook.deliver';
const SECRET_FIELD = 'webhook.secret';

/** A subscription as stored; the secret is encrypted with the FieldCipher. */
export interface WebhookSubscriptionRecord extends StoredRecord {
  enterpriseId: string;
  url: string;
  /** Event types (`contract.completed`), or `*` for every event of the enterprise. */
  events: string[];
  enabled: boolean;
  description?: string;
  secret: string;
  createdAt: string;
  updatedAt: string;
}

/** A subscription as shown to its enterprise: everything but the secret. */
export type WebhookSubscription = Omit<WebhookSubscriptionRecord, 'secret' | 'version'>;

/** One attempt at a delivery. */
export interface WebhookAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** ISO time the request was sent. */
  at: string;
  /** `delivered` on a 2xx answer; `failed` on another status; `timeout` or `error` without one. */
  outcome: 'delivered' | 'failed' | 'timeout' | 'error';
  /** The HTTP status the receiver answered, when it did. */
  responseCode?: number;
  durationMs: number;
  /** Why it failed, when it did without a status (connection refused, timeout). */
  error?: string;
  /** ISO time of the next attempt, when there will be one. */
  nextAttemptAt?: string;
}

/** The delivery of one event to one subscription, with every attempt. */
export interface WebhookDeliveryRecord extends StoredRecord {
  subscriptionId: string;
  enterpriseId: string;
  eventId: string;
  eventType: string;
  /** The exact body sent on every attempt. */
  body: string;
  /** `pending` until delivered, or `failed` after the last attempt. */
  state: 'pending' | 'delivered' | 'failed';
  attempts: WebhookAttempt[];
  createdAt: string;
  deliveredAt?: string;
}

/** A delivery as shown to its enterprise. */
export type WebhookDelivery = Omit<WebhookDeliveryRecord, 'version'>;

/** The JSON body of a delivery. */
export interface WebhookBody {
  /** The event id: the same on every retry, for de-duplication. */
  id: string;
  type: string;
  subject: string;
  enterpriseId: string;
  /** ISO time the event happened. */
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Options for {@link WebhookService}. */
export interface WebhookServiceOptions {
  store: RecordStore;
  queue: JobQueue;
  /** Encrypts subscription secrets at rest. */
  cipher: FieldCipher;
  clock?: Clock;
  ids?: IdGenerator;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  /** Attempts before a delivery fails for good (default 8: about 4 minutes of retries at the default backoff). */
  maxAttempts?: number;
  /** The wait before the first retry; it doubles each time (default 2 s). */
  backoffMs?: number;
  /** The longest wait between attempts (default 1 h). */
  maxBackoffMs?: number;
  /** The jitter source (tests pin it). */
  random?: () => number;
  /** The HTTP client (default: the global fetch). */
  fetch?: typeof fetch;
  /**
   * Allow destinations on loopback, private and link-local networks (default false: such
   * deliveries fail without a request, so that a tenant cannot probe the server's network).
   */
  allowPrivateNetworks?: boolean;
  log?: Logger;
}

/** What {@link WebhookService.subscribe} takes. */
export interface SubscribeInput {
  enterpriseId: string;
  url: string;
  events: string[];
  description?: string;
  /** The signing secret; one is generated when omitted. */
  secret?: string;
}

const SUBSCRIPTIONS = {
  name: 'webhook_subscriptions',
  indexes: {
    enterprise: (s: WebhookSubscriptionRecord) => s.enterpriseId,
    event: (s: WebhookSubscriptionRecord) => (s.enabled ? s.events.map((t) => `${s.enterpriseId}\u0000${t}`) : undefined),
  },
};

const DELIVERIES = {
  name: 'webhook_deliveries',
  indexes: {
    subscription: (d: WebhookDeliveryRecord) => d.subscriptionId,
    pending: (d: WebhookDeliveryRecord) => (d.state === 'pending' ? 'pending' : undefined),
  },
};

const EVENT_TYPE = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*)$/;

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** A sortable, fixed-width base-36 rendering of a time, so that ids sort by time. */
function time36(d: Date): string {
  return d.getTime().toString(36).padStart(9, '0');
}

/**
 * The id of a domain event, derived from its content so that publishing the same event twice makes
 * the same deliveries once.
 */
export function domainEventId(e: DomainEvent): string {
  return `evt_${time36(e.at)}_${hash(canonicalJson({ type: e.type, subject: e.subject, at: e.at.toISOString(), data: e.data })).slice(0, 20)}`;
}

function publicSubscription(s: WebhookSubscriptionRecord): WebhookSubscription {
  const out: Partial<WebhookSubscriptionRecord> = { ...s };
  delete out.secret;
  delete out.version;
  return out as WebhookSubscription;
}

function publicDelivery(d: WebhookDeliveryRecord): WebhookDelivery {
  const out: Partial<WebhookDeliveryRecord> = { ...d };
  delete out.version;
  return out as WebhookDelivery;
}

/** Subscriptions, deliveries, and the job handler that sends them. */
export class WebhookService {
  private readonly subs: Collection<WebhookSubscriptionRecord>;
  private readonly deliveries: Collection<WebhookDeliveryRecord>;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly policy: { backoffMs: number; maxBackoffMs: number };
  private readonly random: () => number;
  private readonly fetch: typeof fetch;

  /** Opens the collections and registers the delivery handler with the queue. */
  constructor(private readonly opts: WebhookServiceOptions) {
    this.subs = opts.store.collection<WebhookSubscriptionRecord>(SUBSCRIPTIONS);
    this.deliveries = opts.store.collection<WebhookDeliveryRecord>(DELIVERIES);
    this.clock = opts.clock ?? systemClock;
    this.ids = opts.ids ?? randomIdGenerator;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.policy = { backoffMs: opts.backoffMs ?? 2000, maxBackoffMs: opts.maxBackoffMs ?? 3_600_000 };
    this.random = opts.random ?? Math.random;
    this.fetch = opts.fetch ?? fetch;
    opts.queue.register<{ deliveryId: string }>(WEBHOOK_JOB, (p, ctx) => this.deliver(p.deliveryId, ctx));
  }

  /**
   * Adds a subscription and returns it with its signing secret, which is shown only here: keep it
   * on the receiving side to check `X-Signet-Signature`.
   */
  async subscribe(input: SubscribeInput): Promise<{ subscription: WebhookSubscription; secret: string }> {
    if (!input.enterpriseId) throw new SignetError('INVALID_ARGUMENT', '订阅需要企业ID。A subscription needs the enterprise id.');
    const url = checkUrl(input.url);
    const events = checkEvents(input.events);
    const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
    if (secret.length < 16) throw new SignetError('INVALID_ARGUMENT', '签名密钥至少16个字符。The signing secret must have at least 16 characters.');
    const now = this.clock.now().toISOString();
    const rec = await this.subs.insert({
      id: this.ids.next('whs'), enterpriseId: input.enterpriseId, url, events, enabled: true, description: input.description,
      secret: this.opts.cipher.encrypt(secret, SECRET_FIELD), createdAt: now, updatedAt: now,
    });
    return { subscription: publicSubscription(rec), secret };
  }

  /** Changes a subscription's URL, events, description or enabled flag. NOT_FOUND for another enterprise's. */
  async update(enterpriseId: string, id: string, change: { url?: string; events?: string[]; enabled?: boolean; description?: string }): Promise<WebhookSubscription> {
    for (;;) {
      const cur = await this.own(enterpriseId, id);
      const next: WebhookSubscriptionRecord = {
        ...cur,
        url: change.url === undefined ? cur.url : checkUrl(change.url),
        events: change.events === undefined ? cur.events : checkEvents(change.events),
        enabled: change.enabled ?? cur.enabled,
        description: change.description ?? cur.description,
        updatedAt: this.clock.now().toISOString(),
      };
      try {
        return publicSubscription(await this.subs.update(next, cur.version));
      } catch (e) {
        if (!isSignetError(e, 'VERSION_CONFLICT')) throw e;
      }
    }
  }

  /** The enterprise's subscriptions, ascending by id. */
  async subscriptions(enterpriseId: string, opts?: FindOptions): Promise<WebhookSubscription[]> {
    return (await this.subs.find('enterprise', enterpriseId, opts)).map(publicSubscription);
  }

  /** One of the enterprise's subscriptions; NOT_FOUND for an unknown id or another enterprise's. */
  async subscription(enterpriseId: string, id: string): Promise<WebhookSubscription> {
    return publicSubscription(await this.own(enterpriseId, id));
  }

  /** The deliveries of one of the enterprise's subscriptions, oldest first, with every attempt. */
  async deliveriesOf(enterpriseId: string, subscriptionId: string, opts?: FindOptions): Promise<WebhookDelivery[]> {
    await this.own(enterpriseId, subscriptionId);
    return (await this.deliveries.find('subscription', subscriptionId, opts)).map(publicDelivery);
  }

  /** One delivery of the enterprise; NOT_FOUND for an unknown id or another enterprise's. */
  async delivery(enterpriseId: string, id: string): Promise<WebhookDelivery> {
    const d = await this.deliveries.get(id);
    if (!d || d.enterpriseId !== enterpriseId) throw new SignetError('NOT_FOUND', `没有这条推送记录：${id}。No webhook delivery ${id}; check the id.`);
    return publicDelivery(d);
  }

  private async own(enterpriseId: string, id: string): Promise<WebhookSubscriptionRecord> {
    const s = await this.subs.get(id);
    if (!s || s.enterpriseId !== enterpriseId) throw new SignetError('NOT_FOUND', `没有这个推送订阅：${id}。No webhook subscription ${id}; check the id.`);
    return s;
  }

  /**
   * Turns a domain event of `enterpriseId` into one delivery (and one job) per enabled subscription
   * that wants its type. Publishing the same event again adds nothing. Returns the delivery ids.
   */
  async publish(event: DomainEvent, enterpriseId: string): Promise<string[]> {
    const want = new Map<string, WebhookSubscriptionRecord>();
    for (const key of [event.type, '*']) {
      for (const s of await this.subs.find('event', `${enterpriseId}\u0000${key}`)) want.set(s.id, s);
    }
    if (want.size === 0) return [];
    const eventId = domainEventId(event);
    const body: WebhookBody = { id: eventId, type: event.type, subject: event.subject, enterpriseId, occurredAt: event.at.toISOString(), data: event.data };
    const text = JSON.stringify(body);
    const out: string[] = [];
    for (const s of want.values()) {
      const id = `whd_${time36(event.at)}_${hash(`${eventId}|${s.id}`).slice(0, 20)}`;
      try {
        await this.deliveries.insert({
          id, subscriptionId: s.id, enterpriseId, eventId, eventType: event.type, body: text, state: 'pending', attempts: [], createdAt: this.clock.now().toISOString(),
        });
      } catch (e) {
        if (!isSignetError(e, 'DUPLICATE')) throw e;
      }
      await this.enqueue(id);
      out.push(id);
    }
    return out;
  }

  private enqueue(deliveryId: string): Promise<string> {
    return this.opts.queue.enqueue(WEBHOOK_JOB, { deliveryId }, {
      idempotencyKey: deliveryId, maxAttempts: this.maxAttempts, backoffMs: this.policy.backoffMs, maxBackoffMs: this.policy.maxBackoffMs,
      leaseMs: this.timeoutMs * 3,
    });
  }

  /** Makes sure every pending delivery has its job (after a crash between storing one and enqueueing it). */
  async recoverPending(): Promise<number> {
    let n = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.deliveries.find('pending', 'pending', { after, limit: 500 });
      if (page.length === 0) return n;
      for (const d of page) {
        await this.enqueue(d.id);
        n++;
      }
      after = page[page.length - 1].id;
    }
  }

  /** The job handler: one attempt at one delivery. */
  private async deliver(deliveryId: string, ctx: JobContext): Promise<JobResult> {
    const d = await this.deliveries.get(deliveryId);
    if (!d) return { deadLetter: `Webhook delivery ${deliveryId} is not stored` };
    if (d.state !== 'pending') return undefined; // already delivered or given up (a job re-run after a crash)
    const sub = await this.subs.get(d.subscriptionId);
    if (!sub || !sub.enabled) {
      await this.record(d, (cur) => ({ ...cur, state: 'failed', attempts: [...cur.attempts, { attempt: ctx.attempt, at: this.clock.now().toISOString(), outcome: 'error', durationMs: 0, error: 'The subscription was disabled' }] }));
      return { deadLetter: `Subscription ${d.subscriptionId} is disabled or gone` };
    }
    const secret = this.opts.cipher.decrypt(sub.secret, SECRET_FIELD);
    const at = this.clock.now();
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Signet-Webhooks/1',
      'x-signet-event': d.eventType,
      'x-signet-event-id': d.eventId,
      'x-signet-delivery': d.id,
      'x-signet-attempt': String(ctx.attempt),
      [SIGNATURE_HEADER.toLowerCase()]: signWebhook(secret, d.body, Math.floor(at.getTime() / 1000)),
    };
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const t0 = performance.now();
    let attempt: WebhookAttempt;
    const inward = this.opts.allowPrivateNetworks ? undefined : await privateDestination(sub.url);
    if (inward) {
      attempt = { attempt: ctx.attempt, at: at.toISOString(), outcome: 'error', durationMs: 0, error: `Refused: ${inward} (set SIGNET_WEBHOOK_ALLOW_PRIVATE=1 to allow private networks)` };
    } else try {
      const res = await this.fetch(sub.url, { method: 'POST', headers, body: d.body, redirect: 'manual', signal: AbortSignal.any([timeout, ctx.signal]) });
      await res.body?.cancel().catch(() => undefined);
      const ok = res.status >= 200 && res.status < 300;
      attempt = { attempt: ctx.attempt, at: at.toISOString(), outcome: ok ? 'delivered' : 'failed', responseCode: res.status, durationMs: Math.round(performance.now() - t0) };
    } catch (e) {
      const timedOut = timeout.aborted;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      attempt = {
        attempt: ctx.attempt, at: at.toISOString(), outcome: timedOut ? 'timeout' : 'error', durationMs: Math.round(performance.now() - t0),
        error: timedOut ? `No answer within ${this.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message),
      };
    }
    if (attempt.outcome === 'delivered') {
      await this.record(d, (cur) => ({ ...cur, state: 'delivered', deliveredAt: this.clock.now().toISOString(), attempts: [...cur.attempts, attempt] }));
      return undefined;
    }
    const last = ctx.attempt >= ctx.maxAttempts;
    const next = last ? undefined : new Date(this.clock.now().getTime() + backoffDelay(ctx.attempt, this.policy, this.random));
    attempt.nextAttemptAt = next?.toISOString();
    await this.record(d, (cur) => ({ ...cur, state: last ? 'failed' : 'pending', attempts: [...cur.attempts, attempt] }));
    const why = attempt.responseCode !== undefined ? `HTTP ${attempt.responseCode}` : attempt.error ?? attempt.outcome;
    this.opts.log?.warn('webhook attempt failed', { delivery: d.id, subscription: sub.id, attempt: ctx.attempt, why, nextAttemptAt: attempt.nextAttemptAt });
    return last ? { deadLetter: `Gave up after ${ctx.attempt} attempts: ${why}` } : { retryAt: next!, error: why };
  }

  /** Saves a change to a delivery, reloading on a version conflict. */
  private async record(d: WebhookDeliveryRecord, change: (cur: WebhookDeliveryRecord) => WebhookDeliveryRecord): Promise<void> {
    let cur = d;
    for (;;) {
      try {
        await this.deliveries.update(change(cur), cur.version);
        return;
      } catch (e) {
        if (!isSignetError(e, 'VERSION_CONFLICT')) throw e;
        cur = (await this.deliveries.get(d.id))!;
      }
    }
  }
}

function checkUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SignetError('INVALID_ARGUMENT', `推送地址无效：${url}。The webhook URL is not a valid URL; give an absolute http(s) URL.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new SignetError('INVALID_ARGUMENT', '推送地址必须是 http 或 https。The webhook URL must use http or https.');
  if (u.username || u.password) throw new SignetError('INVALID_ARGUMENT', '推送地址不能包含用户名或密码。The webhook URL must not contain credentials; the signature authenticates Signet.');
  return u.toString();
}

function checkEvents(events: string[]): string[] {
  if (!Array.isArray(events) || events.length === 0 || events.length > 100) {
    throw new SignetError('INVALID_ARGUMENT', '请列出要订阅的事件类型（或 "*"）。List the event types to subscribe to (or "*"), 1 to 100 of them.');
  }
  for (const t of events) {
    if (typeof t !== 'string' || !EVENT_TYPE.test(t)) throw new SignetError('INVALID_ARGUMENT', `事件类型无效："${t}"。Invalid event type "${t}"; use names like contract.completed, or "*".`);
  }
  return [...new Set(events)].sort();
}
