/**
 * The hash-chained audit log: every event carries the previous event's hash, so removing, reordering
 * or editing any event breaks the chain. One chain per aggregate (per contract). The chain head can
 * be time-stamped (RFC 3161) to fix when the log last stood as it is.
 */
import { createHash } from 'node:crypto';
import type { DigestAlgorithm } from '../ports/key-signer.js';
import type { Timestamper } from '../ports/timestamper.js';
import { SignetError } from '../errors.js';
import { parseTimestampToken, verifyTimestampToken } from '../tsa/timestamp-token.js';
import { parseCertificate } from '../pki/parse-certificate.js';
import { validateChain } from '../pki/validate-chain.js';

/** Who caused an event. `ip` is kept for evidence; logs must mask it with the rest of PII. */
export interface AuditActor {
  kind: 'user' | 'signer' | 'integrator' | 'system' | 'connector';
  id: string;
  name?: string;
  ip?: string;
}

/** What a caller supplies for a new event. */
export interface AuditEventInput {
  /** e.g. `contract.created`, `signer.signed`, `contract.downloaded`. */
  type: string;
  /** The aggregate the chain belongs to (a contract id). */
  subject: string;
  at: Date;
  actor: AuditActor;
  data?: Record<string, unknown>;
}

/** One event of a chain. */
export interface AuditEvent {
  /** 1-based position in the subject's chain. */
  seq: number;
  type: string;
  subject: string;
  /** ISO 8601 time. */
  at: string;
  actor: AuditActor;
  data: Record<string, unknown>;
  /** Hash of the previous event ("0"×64 for the first). */
  prevHash: string;
  /** SHA-256 (hex) of the canonical JSON of every other field. */
  hash: string;
}

/** The hash the first event of a chain points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted recursively, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Computes an event's hash from its fields (everything but `hash`). */
export function hashAuditEvent(e: Omit<AuditEvent, 'hash'>): string {
  return createHash('sha256')
    .update(canonicalJson({ seq: e.seq, type: e.type, subject: e.subject, at: e.at, actor: e.actor, data: e.data, prevHash: e.prevHash }))
    .digest('hex');
}

/** Makes the event that follows `prev` (or starts a chain when `prev` is undefined). */
export function appendAuditEvent(prev: AuditEvent | undefined, input: AuditEventInput): AuditEvent {
  const base = {
    seq: prev ? prev.seq + 1 : 1,
    type: input.type,
    subject: input.subject,
    at: input.at.toISOString(),
    actor: { ...input.actor },
    data: JSON.parse(canonicalJson(input.data ?? {})) as Record<string, unknown>,
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  return { ...base, hash: hashAuditEvent(base) };
}

/** The outcome of {@link verifyAuditChain}: a value, never an exception. */
export interface AuditChainCheck {
  ok: boolean;
  length: number;
  headHash?: string;
  /** 1-based seq of the first bad event. */
  brokenAt?: number;
  reason?: string;
}

/** Checks one subject's chain: order, links and every hash. */
export function verifyAuditChain(events: readonly AuditEvent[]): AuditChainCheck {
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.seq !== i + 1) return { ok: false, length: events.length, brokenAt: i + 1, reason: `event ${i + 1} has seq ${e.seq}` };
    if (i > 0 && e.subject !== events[0].subject) return { ok: false, length: events.length, brokenAt: e.seq, reason: 'events of another subject are mixed in' };
    if (e.prevHash !== prevHash) return { ok: false, length: events.length, brokenAt: e.seq, reason: `event ${e.seq} does not link to the previous event` };
    const { hash, ...rest } = e;
    if (hashAuditEvent(rest) !== hash) return { ok: false, length: events.length, brokenAt: e.seq, reason: `event ${e.seq} was altered` };
    prevHash = hash;
  }
  return { ok: true, length: events.length, headHash: events.length ? prevHash : undefined };
}

/** Time-stamps the chain head: an RFC 3161 token over the head hash's bytes. */
export async function timestampChainHead(head: AuditEvent, timestamper: Timestamper, alg: DigestAlgorithm = 'sha256'): Promise<Uint8Array> {
  const digest = createHash(alg).update(Buffer.from(head.hash, 'hex')).digest();
  return timestamper.timestamp(digest, alg);
}

/** The outcome of {@link verifyChainHeadTimestamp}: a value, never an exception. */
export interface ChainHeadTimestampCheck {
  /** The token's imprint is the head hash and its CMS signature verifies (RFC 3161 §2.4.2). */
  valid: boolean;
  /** The TSA certificate chains to one of the trust anchors at the token's time. */
  trusted: boolean;
  /** The time the token asserts (ISO 8601), when it could be read. */
  time?: string;
  authority?: string;
  problems: string[];
}

/**
 * Verifies a chain-head time-stamp made by {@link timestampChainHead}: the token's message imprint
 * must be the hash of the head hash's bytes (RFC 3161 §2.4.2), its signature must verify, and the
 * TSA certificate must chain to `trustAnchors` at the token's time (RFC 5280 §6).
 */
export function verifyChainHeadTimestamp(headHash: string, token: Uint8Array, opts: { trustAnchors: Uint8Array[] }): ChainHeadTimestampCheck {
  try {
    const v = verifyTimestampToken(token, { content: Buffer.from(headHash, 'hex') });
    const problems = [...v.problems];
    let trusted = false;
    let authority: string | undefined;
    if (v.tsaCertificate) {
      authority = parseCertificate(v.tsaCertificate).subject.CN;
      const chain = validateChain(v.tsaCertificate, { intermediates: parseTimestampToken(token).certificates, anchors: opts.trustAnchors, at: v.genTime });
      trusted = chain.trusted;
      problems.push(...chain.problems);
    } else {
      problems.push('The time-stamp token does not carry the TSA certificate.');
    }
    return { valid: v.imprintMatches && v.signatureValid, trusted, time: v.genTime.toISOString(), authority, problems };
  } catch (e) {
    return { valid: false, trusted: false, problems: [`The time-stamp token cannot be read: ${(e as Error).message}`] };
  }
}

/** The audit log as an evidence package stores it (`audit-events.json`). */
export interface AuditLogDocument {
  format: 'signet-audit-chain';
  version: 1;
  /** The aggregate the chain belongs to (a contract id). */
  subject: string;
  events: AuditEvent[];
  /** The chain head, with its RFC 3161 time-stamp token (base64 DER) when one was made. */
  head: { seq: number; hash: string; timestampToken?: string };
}

/** Wraps a verified chain and its optional head time-stamp into an {@link AuditLogDocument}. Throws INVALID_ARGUMENT for an empty or broken chain. */
export function auditLogDocument(events: readonly AuditEvent[], headTimestamp?: Uint8Array): AuditLogDocument {
  if (events.length === 0) throw new SignetError('INVALID_ARGUMENT', 'The audit log is empty; record at least one event (e.g. contract.created) first');
  const check = verifyAuditChain(events);
  if (!check.ok) throw new SignetError('INVALID_ARGUMENT', `The audit chain is broken (${check.reason}); rebuild it with appendAuditEvent()`);
  const head = events[events.length - 1];
  const doc: AuditLogDocument = { format: 'signet-audit-chain', version: 1, subject: head.subject, events: [...events], head: { seq: head.seq, hash: head.hash } };
  if (headTimestamp) doc.head.timestampToken = Buffer.from(headTimestamp).toString('base64');
  return doc;
}

/**
 * Reads audit events from parsed JSON: an {@link AuditLogDocument} or a bare array of events.
 * Throws INVALID_ARGUMENT when an event lacks a field; whether the chain holds is for
 * {@link verifyAuditChain} to say.
 */
export function parseAuditEvents(json: unknown): { events: AuditEvent[]; head?: AuditLogDocument['head'] } {
  const doc = json as Partial<AuditLogDocument> | null;
  const list = Array.isArray(json) ? json : doc && typeof doc === 'object' && Array.isArray(doc.events) ? doc.events : undefined;
  if (!list) throw new SignetError('INVALID_ARGUMENT', 'The audit log must be a JSON array of events or an object with "events"');
  list.forEach((e: unknown, i) => {
    const o = e as Record<string, unknown> | null;
    const ok = !!o && typeof o === 'object' && typeof o.seq === 'number' && typeof o.type === 'string' && typeof o.subject === 'string'
      && typeof o.at === 'string' && !!o.actor && typeof o.actor === 'object' && !!o.data && typeof o.data === 'object'
      && typeof o.prevHash === 'string' && typeof o.hash === 'string';
    if (!ok) throw new SignetError('INVALID_ARGUMENT', `Audit event ${i + 1} lacks seq, type, subject, at, actor, data, prevHash or hash`);
  });
  const head = !Array.isArray(json) && doc?.head && typeof doc.head === 'object' && typeof doc.head.hash === 'string' ? doc.head : undefined;
  return { events: list as AuditEvent[], head };
}
