/**
 * The contract state machine as one pure function: `transition(contract, command, now)` returns the
 * next contract and the audit events the change produces, or throws SignetError when the command is
 * not allowed. Rights (who may act) and side effects (PDFs, links, messages) belong to the service;
 * the state rules all live here, so they are tested without a store.
 */
import { SignetError } from '../errors.js';
import type { AuditActor } from '../evidence/audit-chain.js';
import type { LedgerAuthority } from './seal-record.js';
import {
  allSigned, signersInTurn,
  type ContractRecord, type ContractSigner, type ContractState, type SignatureRecord,
} from './contract.js';

/** An audit event before it is chained: the service adds seq, time, subject and hashes. */
export interface AuditDraft {
  type: string;
  actor: AuditActor;
  data: Record<string, unknown>;
}

/** The outcome of a transition. */
export interface TransitionResult {
  contract: ContractRecord;
  events: AuditDraft[];
}

/** What can be viewed, for `view` audit events. */
export type ViewKind = 'detail' | 'preview' | 'download' | 'evidence';

/** Every command the state machine takes. `by` is who caused it. */
export type ContractCommand =
  | { type: 'send'; by: AuditActor; invite: string[] }
  | { type: 'invite'; by: AuditActor; invite: string[] }
  | { type: 'read'; by: AuditActor; signerId: string }
  | { type: 'view'; by: AuditActor; what: ViewKind; doc?: string }
  | {
    type: 'sign'; by: AuditActor; signerId: string; signature: SignatureRecord;
    /** The documents' new revisions (blob id = SHA-256) and signature counts. */
    documents: { id: string; current: string; signatures: number }[];
    /** Organization seals: the authority the seal was used under (grant, standing authorization, approval). */
    authority?: LedgerAuthority;
  }
  | { type: 'complete'; by: AuditActor; manual: boolean; documents: { id: string; current: string }[] }
  | { type: 'reject'; by: AuditActor; signerId: string; reason: string }
  | { type: 'revoke'; by: AuditActor; reason: string }
  | { type: 'extend'; by: AuditActor; deadline: Date }
  | { type: 'expire'; by: AuditActor }
  | { type: 'request_invalidation'; by: AuditActor; agreementId: string; reason: string }
  | { type: 'invalidate'; by: AuditActor; agreementId: string }
  | { type: 'cancel_invalidation'; by: AuditActor; agreementId: string; outcome: ContractState }
  | { type: 'settle'; by: AuditActor }
  | { type: 'label'; by: AuditActor; labels: string[] };

/** Chinese and English names of the states, for messages. */
export const STATE_NAMES: Record<ContractState, string> = {
  draft: '草稿 draft',
  signing: '签署中 signing',
  completed: '已完成 completed',
  rejected: '已拒签 rejected',
  revoked: '已撤销 revoked',
  expired: '已过期 expired',
  invalidated: '已作废 invalidated',
};

const OP_NAMES: Record<ContractCommand['type'], string> = {
  send: '发起 send',
  invite: '通知 invite',
  read: '查看 read',
  view: '查看 view',
  sign: '签署 sign',
  complete: '完成 finish',
  reject: '拒签 reject',
  revoke: '撤销 revoke',
  extend: '延期 extend',
  expire: '过期 expire',
  request_invalidation: '作废 invalidate',
  invalidate: '作废 invalidate',
  cancel_invalidation: '取消作废 cancel invalidation',
  settle: '结算 settle',
  label: '标签 label',
};

/** Throws CONTRACT_STATE unless the contract is in one of `allowed`, naming the states that allow it. */
export function requireState(c: ContractRecord, op: ContractCommand['type'], allowed: readonly ContractState[], hint = ''): void {
  if (allowed.includes(c.state)) return;
  const names = allowed.map((s) => STATE_NAMES[s]).join(', ');
  throw new SignetError(
    'CONTRACT_STATE',
    `合同状态为「${STATE_NAMES[c.state]}」，不能${OP_NAMES[op]}；仅在「${names}」状态下可以。` +
      `The contract is ${c.state}; "${op}" is allowed only when it is ${allowed.join(' or ')}.${hint ? ` ${hint}` : ''}`,
    { state: c.state, allowed: [...allowed] },
  );
}

function signerOf(c: ContractRecord, signerId: string): ContractSigner {
  const s = c.signers.find((x) => x.id === signerId);
  if (!s) throw new SignetError('NOT_FOUND', `签署方 ${signerId} 不在此合同中。Signer ${signerId} is not part of contract ${c.id}; check the signer id.`);
  return s;
}

/** Throws unless `signer` may act now: pending, and (sequential) in the current step. */
export function requireTurn(c: ContractRecord, signer: ContractSigner, now: Date): void {
  if (signer.state === 'signed' || signer.state === 'rejected') {
    throw new SignetError(
      'CONTRACT_STATE',
      `签署方「${signer.name}」已${signer.state === 'signed' ? '签署' : '拒签'}。Signer ${signer.id} has already ${signer.state}; reload the contract.`,
      { signerState: signer.state },
    );
  }
  if (c.deadline && Date.parse(c.deadline) <= now.getTime()) {
    throw new SignetError(
      'CONTRACT_STATE',
      `签署截止时间 ${c.deadline} 已过，请发起方延期后再签。The signing deadline ${c.deadline} has passed; ask the sender to extend it.`,
      { state: c.state, deadline: c.deadline },
    );
  }
  if (!signersInTurn(c).some((s) => s.id === signer.id)) {
    const waiting = signersInTurn(c).map((s) => s.name).join('、');
    throw new SignetError(
      'SIGNER_OUT_OF_TURN',
      `还未轮到「${signer.name}」签署，请等待「${waiting}」先签。It is not signer ${signer.id}'s turn: the signers of step ${signersInTurn(c)[0]?.step} sign first; you will be notified.`,
      { signerId: signer.id, step: signer.step },
    );
  }
}

function withSigner(c: ContractRecord, signerId: string, patch: Partial<ContractSigner>): ContractRecord {
  return { ...c, signers: c.signers.map((s) => (s.id === signerId ? { ...s, ...patch } : s)) };
}

function end(c: ContractRecord, state: ContractState, now: Date, reason?: string): ContractRecord {
  return { ...c, state, endedAt: now.toISOString(), ...(reason !== undefined ? { endReason: reason } : {}) };
}

/**
 * Applies `command` to `contract` at `now`. Pure: the input is not changed, nothing is stored.
 * Throws CONTRACT_STATE (with the states that allow the command), SIGNER_OUT_OF_TURN, NOT_FOUND for
 * an unknown signer or INVALID_ARGUMENT.
 */
export function transition(contract: ContractRecord, command: ContractCommand, now: Date): TransitionResult {
  const at = now.toISOString();
  const c = contract;
  const by = command.by;
  switch (command.type) {
    case 'send': {
      requireState(c, 'send', ['draft']);
      if (c.deadline && Date.parse(c.deadline) <= now.getTime()) {
        throw new SignetError('INVALID_ARGUMENT', `截止时间 ${c.deadline} 已过，请先延期。The deadline ${c.deadline} is in the past; extend it before sending.`);
      }
      let next: ContractRecord = { ...c, state: 'signing', sentAt: at };
      for (const id of command.invite) next = withSigner(next, id, { invitedAt: at });
      return {
        contract: next,
        events: [
          { type: 'contract.sent', actor: by, data: { signers: c.signers.length, order: c.order, deadline: c.deadline } },
          ...command.invite.map((id) => ({ type: 'signer.invited', actor: by, data: { signer: id } })),
        ],
      };
    }
    case 'invite': {
      requireState(c, 'invite', ['signing']);
      let next = c;
      for (const id of command.invite) {
        signerOf(c, id);
        next = withSigner(next, id, { invitedAt: at });
      }
      return { contract: next, events: command.invite.map((id) => ({ type: 'signer.invited', actor: by, data: { signer: id } })) };
    }
    case 'read': {
      const s = signerOf(c, command.signerId);
      if (c.state !== 'signing' || s.state !== 'unread') {
        return { contract: c, events: [{ type: 'contract.viewed', actor: by, data: { what: 'detail', signer: s.id } }] };
      }
      return { contract: withSigner(c, s.id, { state: 'read', readAt: at }), events: [{ type: 'signer.read', actor: by, data: { signer: s.id } }] };
    }
    case 'view': {
      if (command.what === 'download' && c.state !== 'completed' && c.state !== 'invalidated') {
        throw new SignetError('NOT_COMPLETED', `合同尚未签署完成，不能下载；可先预览。Contract ${c.id} is ${c.state}, not completed; its final PDF can be downloaded once every party has signed. Use preview meanwhile.`, { state: c.state });
      }
      const type = { detail: 'contract.viewed', preview: 'contract.previewed', download: 'contract.downloaded', evidence: 'contract.evidence_exported' }[command.what];
      return { contract: c, events: [{ type, actor: by, data: command.doc ? { doc: command.doc } : {} }] };
    }
    case 'sign': {
      requireState(c, 'sign', ['signing']);
      const s = signerOf(c, command.signerId);
      requireTurn(c, s, now);
      let next = withSigner(c, s.id, { state: 'signed', signedAt: at, readAt: s.readAt ?? at, signature: command.signature });
      const docs = new Map(command.documents.map((d) => [d.id, d]));
      next = { ...next, documents: next.documents.map((d) => (docs.has(d.id) ? { ...d, current: docs.get(d.id)!.current, signatures: docs.get(d.id)!.signatures } : d)) };
      const sig = command.signature;
      return {
        contract: next,
        events: [{
          type: 'signer.signed',
          actor: by,
          data: {
            signer: s.id,
            method: sig.method,
            proof: sig.proof,
            verifiedAt: sig.verifiedAt,
            cert: sig.cert,
            seal: sig.seal,
            operator: sig.operator,
            ledger: sig.ledger,
            handwriting: sig.handwriting,
            authority: command.authority,
            documents: command.documents.map((d) => ({ id: d.id, sha256: d.current })),
          },
        }],
      };
    }
    case 'complete': {
      requireState(c, 'complete', ['signing']);
      if (!allSigned(c)) {
        const left = c.signers.filter((s) => s.state !== 'signed').map((s) => s.name).join('、');
        throw new SignetError('CONTRACT_STATE', `还有签署方未签：${left}。Every signer must sign before the contract is finished (waiting for: ${left}).`, { state: c.state });
      }
      const docs = new Map(command.documents.map((d) => [d.id, d.current]));
      const next: ContractRecord = { ...c, state: 'completed', completedAt: at, documents: c.documents.map((d) => (docs.has(d.id) ? { ...d, current: docs.get(d.id)! } : d)) };
      return {
        contract: next,
        events: [{ type: 'contract.completed', actor: by, data: { manual: command.manual, documents: next.documents.map((d) => ({ id: d.id, sha256: d.current })) } }],
      };
    }
    case 'reject': {
      requireState(c, 'reject', ['signing']);
      const s = signerOf(c, command.signerId);
      requireTurn(c, s, now);
      const reason = checkReason(command.reason);
      const next = end(withSigner(c, s.id, { state: 'rejected', rejectedAt: at, rejectReason: reason, readAt: s.readAt ?? at }), 'rejected', now, reason);
      return {
        contract: next,
        events: [
          { type: 'signer.rejected', actor: by, data: { signer: s.id, reason } },
          { type: 'contract.rejected', actor: by, data: { signer: s.id } },
        ],
      };
    }
    case 'revoke': {
      requireState(c, 'revoke', ['draft', 'signing'], 'A completed contract is invalidated instead (作废).');
      const reason = checkReason(command.reason);
      return { contract: end(c, 'revoked', now, reason), events: [{ type: 'contract.revoked', actor: by, data: { reason } }] };
    }
    case 'extend': {
      requireState(c, 'extend', ['draft', 'signing']);
      if (!(command.deadline instanceof Date) || Number.isNaN(command.deadline.getTime()) || command.deadline.getTime() <= now.getTime()) {
        throw new SignetError('INVALID_ARGUMENT', `新的截止时间必须晚于现在。The new deadline must be a valid time after now (${at}).`);
      }
      if (c.deadline && command.deadline.getTime() <= Date.parse(c.deadline)) {
        throw new SignetError('INVALID_ARGUMENT', `新的截止时间必须晚于原截止时间 ${c.deadline}。The new deadline must be later than the current one, ${c.deadline}.`);
      }
      const deadline = command.deadline.toISOString();
      return { contract: { ...c, deadline }, events: [{ type: 'contract.deadline_extended', actor: by, data: { from: c.deadline, to: deadline } }] };
    }
    case 'expire': {
      requireState(c, 'expire', ['signing']);
      if (!c.deadline || Date.parse(c.deadline) > now.getTime()) {
        throw new SignetError('CONTRACT_STATE', `合同尚未到截止时间。The contract's deadline (${c.deadline ?? 'none'}) has not passed; it cannot expire yet.`, { state: c.state });
      }
      return { contract: end(c, 'expired', now), events: [{ type: 'contract.expired', actor: by, data: { deadline: c.deadline } }] };
    }
    case 'request_invalidation': {
      requireState(c, 'request_invalidation', ['completed']);
      if (c.kind === 'invalidation') throw new SignetError('CONTRACT_STATE', '作废协议本身不能再作废。An invalidation agreement cannot itself be invalidated.', { state: c.state });
      if (c.invalidation) {
        throw new SignetError('CONTRACT_STATE', `作废协议 ${c.invalidation.agreementId} 正在签署中。Invalidation agreement ${c.invalidation.agreementId} is already being signed; sign or reject it first.`, { state: c.state });
      }
      const reason = checkReason(command.reason);
      return {
        contract: { ...c, invalidation: { agreementId: command.agreementId, requestedBy: by.id, reason } },
        events: [{ type: 'contract.invalidation_requested', actor: by, data: { agreement: command.agreementId, reason } }],
      };
    }
    case 'invalidate': {
      requireState(c, 'invalidate', ['completed']);
      if (c.invalidation?.agreementId !== command.agreementId) {
        throw new SignetError('CONTRACT_STATE', `合同没有待生效的作废协议 ${command.agreementId}。Contract ${c.id} has no pending invalidation agreement ${command.agreementId}.`, { state: c.state });
      }
      const reason = c.invalidation.reason;
      const rest = { ...c };
      delete rest.invalidation;
      return { contract: end(rest, 'invalidated', now, reason), events: [{ type: 'contract.invalidated', actor: by, data: { agreement: command.agreementId } }] };
    }
    case 'cancel_invalidation': {
      if (c.invalidation?.agreementId !== command.agreementId) return { contract: c, events: [] };
      const rest = { ...c };
      delete rest.invalidation;
      return { contract: rest, events: [{ type: 'contract.invalidation_failed', actor: by, data: { agreement: command.agreementId, outcome: command.outcome } }] };
    }
    case 'settle': {
      if (c.kind !== 'invalidation') throw new SignetError('INVALID_ARGUMENT', 'Only invalidation agreements are settled.');
      return { contract: { ...c, settledAt: at }, events: [] };
    }
    case 'label': {
      const labels = normaliseLabels(command.labels);
      return { contract: { ...c, labels }, events: [{ type: 'contract.labelled', actor: by, data: { labels } }] };
    }
  }
}

/** Trims and de-duplicates labels; INVALID_ARGUMENT for more than 20 or any longer than 32 characters. */
export function normaliseLabels(input: readonly string[]): string[] {
  const labels = [...new Set((Array.isArray(input) ? input : []).map((l) => String(l).trim()).filter(Boolean))];
  if (labels.length > 20 || labels.some((l) => [...l].length > 32)) {
    throw new SignetError('INVALID_ARGUMENT', '标签最多 20 个，每个不超过 32 字。Give at most 20 labels of at most 32 characters each.');
  }
  return labels;
}

function checkReason(reason: string): string {
  const r = typeof reason === 'string' ? reason.trim() : '';
  if (!r || r.length > 500) throw new SignetError('INVALID_ARGUMENT', '请填写原因（不超过 500 字）。Give a reason of 1 to 500 characters.');
  return r;
}
