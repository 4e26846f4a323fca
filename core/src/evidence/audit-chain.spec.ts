import assert from 'node:assert/strict';
import { appendAuditEvent, verifyAuditChain, canonicalJson, GENESIS_HASH, type AuditEvent } from './audit-chain.js';

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
});
