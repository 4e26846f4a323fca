import assert from 'node:assert/strict';
import { isSignetError, type ErrorCode } from '../errors.js';
import type { AuditActor } from '../evidence/audit-chain.js';
import { boxKeysOf } from './contract-boxes.js';
import { signersInTurn, type ContractRecord, type ContractSigner, type SignatureRecord } from './contract.js';
import { transition, type ContractCommand } from './transition.js';

const by: AuditActor = { kind: 'user', id: 'u_alice' };
const t0 = new Date('2026-03-01T08:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

function signer(id: string, step: number, extra: Partial<ContractSigner> = {}): ContractSigner {
  return { id, kind: 'person', name: id, userId: `u_${id}`, step, state: 'unread', willingness: { methods: ['sms_otp'], handwriting: 'optional' }, fields: [], ...extra };
}

function contract(order: 'sequential' | 'parallel', extra: Partial<ContractRecord> = {}): ContractRecord {
  return {
    id: 'ct_1', version: 1, tenant: 'ent_a', kind: 'contract', title: 'T', appId: 'console',
    sender: { userId: 'u_alice' }, state: 'draft', order, autoFinish: true,
    documents: [{ id: 'd1', name: 'a.pdf', original: 'aa', current: 'aa', pages: 1, signatures: 0 }],
    signers: [signer('s1', 1), signer('s2', order === 'parallel' ? 1 : 2)],
    labels: [], createdAt: t0.toISOString(), audit: { seq: 1, hash: 'h' }, ...extra,
  };
}

const sig: SignatureRecord = { at: t0.toISOString(), method: 'sms_otp', cert: '01' };
const signCmd = (signerId: string, current = `pdf-${signerId}`): ContractCommand => ({ type: 'sign', by, signerId, signature: sig, documents: [{ id: 'd1', current, signatures: 1 }] });

function throwsCode(fn: () => unknown, code: ErrorCode, re?: RegExp): void {
  assert.throws(fn, (e) => isSignetError(e, code) && (!re || re.test(e.message)));
}

function run(c: ContractRecord, cmds: ContractCommand[], now = t0): { contract: ContractRecord; types: string[] } {
  const types: string[] = [];
  for (const cmd of cmds) {
    const r = transition(c, cmd, now);
    c = r.contract;
    types.push(...r.events.map((e) => e.type));
  }
  return { contract: c, types };
}

describe('workflow/transition()', () => {
  it('walks a sequential contract draft → signing → completed, one signer after the other', () => {
    const { contract: c, types } = run(contract('sequential'), [
      { type: 'send', by, invite: ['s1'] },
      { type: 'read', by, signerId: 's1' },
      signCmd('s1'),
      { type: 'invite', by, invite: ['s2'] },
      signCmd('s2'),
      { type: 'complete', by, manual: false, documents: [{ id: 'd1', current: 'final' }] },
    ]);
    assert.equal(c.state, 'completed');
    assert.deepEqual(c.signers.map((s) => s.state), ['signed', 'signed']);
    assert.equal(c.documents[0].current, 'final');
    assert.equal(c.documents[0].original, 'aa');
    assert.deepEqual(types, ['contract.sent', 'signer.invited', 'signer.read', 'signer.signed', 'signer.invited', 'signer.signed', 'contract.completed']);
  });

  it('refuses the second signer of a sequential contract before the first (SIGNER_OUT_OF_TURN), naming who signs first', () => {
    const c = run(contract('sequential'), [{ type: 'send', by, invite: ['s1'] }]).contract;
    throwsCode(() => transition(c, signCmd('s2'), t0), 'SIGNER_OUT_OF_TURN', /s1/);
    throwsCode(() => transition(c, { type: 'reject', by, signerId: 's2', reason: 'no' }, t0), 'SIGNER_OUT_OF_TURN');
  });

  it('lets parallel signers sign in any order', () => {
    const c = run(contract('parallel'), [{ type: 'send', by, invite: ['s1', 's2'] }, signCmd('s2'), signCmd('s1')]).contract;
    assert.deepEqual(c.signers.map((s) => s.state), ['signed', 'signed']);
  });

  it('puts signers of one step in turn together, and the next step only when the step is done', () => {
    const c0 = contract('sequential', { signers: [signer('s1', 1), signer('s2', 1), signer('s3', 2)] });
    let c = run(c0, [{ type: 'send', by, invite: ['s1', 's2'] }]).contract;
    assert.deepEqual(signersInTurn(c).map((s) => s.id), ['s1', 's2']);
    c = run(c, [signCmd('s1')]).contract;
    assert.deepEqual(signersInTurn(c).map((s) => s.id), ['s2']);
    c = run(c, [signCmd('s2')]).contract;
    assert.deepEqual(signersInTurn(c).map((s) => s.id), ['s3']);
  });

  it('says which states allow an operation when the state forbids it (CONTRACT_STATE)', () => {
    const draft = contract('parallel');
    throwsCode(() => transition(draft, signCmd('s1'), t0), 'CONTRACT_STATE', /signing/);
    const done = run(draft, [{ type: 'send', by, invite: ['s1', 's2'] }, signCmd('s1'), signCmd('s2'), { type: 'complete', by, manual: false, documents: [] }]).contract;
    throwsCode(() => transition(done, { type: 'revoke', by, reason: 'x' }, t0), 'CONTRACT_STATE', /draft or signing.*invalidated instead/);
    throwsCode(() => transition(done, { type: 'send', by, invite: [] }, t0), 'CONTRACT_STATE', /draft/);
    throwsCode(() => transition(done, { type: 'extend', by, deadline: later(1000) }, t0), 'CONTRACT_STATE');
  });

  it('refuses to complete before every signer signed', () => {
    const c = run(contract('parallel'), [{ type: 'send', by, invite: ['s1', 's2'] }, signCmd('s1')]).contract;
    throwsCode(() => transition(c, { type: 'complete', by, manual: true, documents: [] }, t0), 'CONTRACT_STATE', /s2/);
  });

  it('ends the contract as rejected with the reason, and refuses a second signature', () => {
    const c = run(contract('parallel'), [{ type: 'send', by, invite: ['s1', 's2'] }, { type: 'reject', by, signerId: 's2', reason: ' 金额有误 ' }]).contract;
    assert.equal(c.state, 'rejected');
    assert.equal(c.endReason, '金额有误');
    assert.equal(c.signers[1].state, 'rejected');
    throwsCode(() => transition(c, signCmd('s1'), t0), 'CONTRACT_STATE');
    throwsCode(() => transition(contract('parallel', { state: 'signing' }), { type: 'reject', by, signerId: 's1', reason: '  ' }, t0), 'INVALID_ARGUMENT');
  });

  it('revokes a draft or a signing contract', () => {
    assert.equal(transition(contract('parallel'), { type: 'revoke', by, reason: 'wrong file' }, t0).contract.state, 'revoked');
    const signing = run(contract('parallel'), [{ type: 'send', by, invite: ['s1', 's2'] }]).contract;
    assert.equal(transition(signing, { type: 'revoke', by, reason: 'wrong file' }, t0).contract.state, 'revoked');
  });

  it('expires a signing contract only after its deadline, and refuses signing past the deadline', () => {
    const c = run(contract('parallel', { deadline: later(3600_000).toISOString() }), [{ type: 'send', by, invite: ['s1', 's2'] }]).contract;
    throwsCode(() => transition(c, { type: 'expire', by }, t0), 'CONTRACT_STATE');
    throwsCode(() => transition(c, signCmd('s1'), later(3600_000)), 'CONTRACT_STATE', /deadline.*extend/);
    const e = transition(c, { type: 'expire', by }, later(3600_001)).contract;
    assert.equal(e.state, 'expired');
  });

  it('extends the deadline only forward, and the contract can then be signed', () => {
    const c = run(contract('parallel', { deadline: later(3600_000).toISOString() }), [{ type: 'send', by, invite: ['s1', 's2'] }]).contract;
    throwsCode(() => transition(c, { type: 'extend', by, deadline: later(1000) }, t0), 'INVALID_ARGUMENT', /later than the current/);
    throwsCode(() => transition(c, { type: 'extend', by, deadline: new Date('x') }, t0), 'INVALID_ARGUMENT');
    const ext = transition(c, { type: 'extend', by, deadline: later(7200_000) }, t0);
    assert.equal(ext.contract.deadline, later(7200_000).toISOString());
    assert.equal(ext.events[0].data.from, c.deadline);
    assert.equal(transition(ext.contract, signCmd('s1'), later(3600_500)).contract.signers[0].state, 'signed');
  });

  it('invalidates a completed contract only through its pending agreement', () => {
    const done = run(contract('parallel'), [{ type: 'send', by, invite: ['s1', 's2'] }, signCmd('s1'), signCmd('s2'), { type: 'complete', by, manual: false, documents: [] }]).contract;
    throwsCode(() => transition(done, { type: 'invalidate', by, agreementId: 'ct_9' }, t0), 'CONTRACT_STATE');
    const pending = transition(done, { type: 'request_invalidation', by, agreementId: 'ct_9', reason: '业务取消' }, t0).contract;
    throwsCode(() => transition(pending, { type: 'request_invalidation', by, agreementId: 'ct_10', reason: 'again' }, t0), 'CONTRACT_STATE', /ct_9/);
    const cancelled = transition(pending, { type: 'cancel_invalidation', by, agreementId: 'ct_9', outcome: 'rejected' }, t0).contract;
    assert.equal(cancelled.invalidation, undefined);
    assert.equal(cancelled.state, 'completed');
    const inv = transition(pending, { type: 'invalidate', by, agreementId: 'ct_9' }, t0).contract;
    assert.equal(inv.state, 'invalidated');
    assert.equal(inv.endReason, '业务取消');
  });

  it('allows download only once completed (NOT_COMPLETED), and records views as events without changing state', () => {
    const signing = run(contract('parallel'), [{ type: 'send', by, invite: ['s1', 's2'] }]).contract;
    throwsCode(() => transition(signing, { type: 'view', by, what: 'download' }, t0), 'NOT_COMPLETED');
    const v = transition(signing, { type: 'view', by, what: 'preview', doc: 'd1' }, t0);
    assert.equal(v.contract, signing);
    assert.deepEqual(v.events.map((e) => e.type), ['contract.previewed']);
  });

  it('does not change its input', () => {
    const c = contract('parallel');
    const copy = structuredClone(c);
    run(c, [{ type: 'send', by, invite: ['s1', 's2'] }, signCmd('s1')]);
    assert.deepEqual(c, copy);
  });

  it('lists a contract under the right boxes as it moves', () => {
    const draft = contract('sequential');
    assert.deepEqual(boxKeysOf(draft), ['u:u_alice|drafts']);
    const sent = run(draft, [{ type: 'send', by, invite: ['s1'] }]).contract;
    const keys = boxKeysOf(sent);
    for (const k of ['u:u_alice|outbox', 'u:u_s1|inbox', 'u:u_s2|inbox', 'u:u_s1|todo', 'u:u_s2|waiting', 'u:u_alice|waiting']) assert.ok(keys.includes(k), k);
    assert.ok(!keys.includes('u:u_s2|todo'));
    const next = run(sent, [signCmd('s1')]).contract;
    assert.ok(boxKeysOf(next).includes('u:u_s2|todo'));
    assert.ok(boxKeysOf(next).includes('u:u_s1|waiting'));
  });
});
