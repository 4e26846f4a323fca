import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { createEmbeddedPki } from '../pki/index.js';
import {
  appendAuditEvent, verifyAuditChain, canonicalJson, GENESIS_HASH, auditLogDocument, parseAuditEvents, timestampChainHead,
  verifyChainHeadTimestamp, type AuditEvent,
} from './audit-chain.js';
import { makeEvidenceWorld } from './test-fixtures.js';

describe('audit chain', () => {
  const chain = (): AuditEvent[] => {
    const out: AuditEvent[] = [];
    let at = Date.parse('2026-01-01T00:00:00Z');
    for (const type of ['contract.created', 'contract.sent', 'signer.read', 'signer.signed']) {
      out.push(appendAuditEvent(out.at(-1), { type, subject: 'ct_1', at: new Date((at += 1000)), actor: { kind: 'user', id: 'u1' }, data: { b: 2, a: 1 } }));
    }
    return out;
  };

  it('links each event to the previous one and verifies', () => {
    const c = chain();
    assert.equal(c[0].prevHash, GENESIS_HASH);
    assert.equal(c[1].prevHash, c[0].hash);
    assert.deepEqual(verifyAuditChain(c), { ok: true, length: 4, headHash: c[3].hash });
  });

  it('detects an edited, a removed and a reordered event', () => {
    const edited = chain();
    edited[1] = { ...edited[1], data: { a: 9 } };
    assert.equal(verifyAuditChain(edited).brokenAt, 2);
    const removed = chain();
    removed.splice(1, 1);
    assert.equal(verifyAuditChain(removed).ok, false);
    const swapped = chain();
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    assert.equal(verifyAuditChain(swapped).ok, false);
  });

  it('hashes canonical JSON, independent of key order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  describe('the chain head time-stamp', function () {
    this.timeout(60_000);
    let world: ReturnType<typeof makeEvidenceWorld>;
    before(() => {
      world = makeEvidenceWorld();
    });

    it('verifies a token over the head hash, from a TSA chaining to the trust anchor', async () => {
      const c = chain();
      const token = await timestampChainHead(c[3], world.timestamper);
      const v = verifyChainHeadTimestamp(c[3].hash, token, { trustAnchors: world.trustAnchors });
      assert.deepEqual([v.valid, v.trusted, v.problems], [true, true, []]);
      assert.ok(v.time && Math.abs(Date.parse(v.time) - Date.now()) < 60_000);
    });

    it('rejects the token for another head (an event removed at the end), and an unknown TSA', async () => {
      const c = chain();
      const token = await timestampChainHead(c[3], world.timestamper);
      const shorter = verifyChainHeadTimestamp(c[2].hash, token, { trustAnchors: world.trustAnchors });
      assert.equal(shorter.valid, false);
      assert.match(shorter.problems.join(' '), /message imprint differs/);
      const stranger = verifyChainHeadTimestamp(c[3].hash, token, { trustAnchors: [createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1' }).root.certificate] });
      assert.deepEqual([stranger.valid, stranger.trusted], [true, false]);
      assert.equal(verifyChainHeadTimestamp(c[3].hash, new Uint8Array([1, 2, 3]), { trustAnchors: world.trustAnchors }).valid, false);
    });
  });

  describe('the audit log document', () => {
    it('wraps a chain with its head and token, and reads back from JSON', () => {
      const c = chain();
      const doc = auditLogDocument(c, new Uint8Array([9, 9]));
      assert.deepEqual(doc.head, { seq: 4, hash: c[3].hash, timestampToken: 'CQk=' });
      const back = parseAuditEvents(JSON.parse(JSON.stringify(doc)));
      assert.deepEqual(back.events, c);
      assert.equal(back.head?.hash, c[3].hash);
      assert.deepEqual(parseAuditEvents(JSON.parse(JSON.stringify(c))).events, c);
    });

    it('refuses an empty or broken chain, and events that lack fields', () => {
      const invalid = (e: unknown) => isSignetError(e, 'INVALID_ARGUMENT');
      assert.throws(() => auditLogDocument([]), invalid);
      const c = chain();
      assert.throws(() => auditLogDocument([c[0], c[2]]), /The audit chain is broken/);
      assert.throws(() => parseAuditEvents([{ seq: 1 }]), /Audit event 1 lacks/);
      assert.throws(() => parseAuditEvents({ nope: true }), /JSON array of events/);
    });
  });
});
