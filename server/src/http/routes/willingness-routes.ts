/**
 * Willingness checks (意愿认证) before signing, for people in a session and for external signers on
 * a signing link (docs/api-surface.md, "Server part B"): start a check with the method the signer's
 * policy allows (SMS code, signing password or face), confirm it, or have the code sent again.
 *
 * One check covers every document of a contract (a bundle is one contract), and can list several
 * contracts; its proof is consumed once per contract by the signature (DESIGN §1, condition 2).
 * The identity module does the checks; these routes find the signer and the user whose willingness
 * counts (the person, or the member operating an organization's seal), and keep a link's holder
 * to the challenges of its own signer.
 */
import {
  SignetError, WILLINGNESS_OPTIONS, identityCollections,
  type Actor, type WillingnessChallenge, type WillingnessChallengeRecord, type WillingnessOption, type WillingnessProof,
} from '@signet/core';
import { requirePlatform, type Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';

/** Signet acting for the holder of a signing link, once the link has been checked against its signer. */
export const LINK_SYSTEM_ACTOR: Actor = { kind: 'system', reason: 'signing-link' };

/** A started check, as the API shows it. */
export interface ChallengeView {
  challengeId: string;
  method: WillingnessOption;
  contractIds: string[];
  expiresAt: string;
  /** The other methods the policy allows and the signer can use now, to fall back to. */
  fallbacks: WillingnessOption[];
  /** `sms_otp`: where the code went (138****8000) and when another may be sent. */
  maskedMobile?: string;
  resendAfter?: string;
}

/** A passed check: pass `proofId` to the signature. */
export interface ProofView {
  proofId: string;
  method: WillingnessOption;
  contractIds: string[];
  verifiedAt: string;
  expiresAt: string;
}

function challengeView(c: WillingnessChallenge): ChallengeView {
  return {
    challengeId: c.id, method: c.method, contractIds: [...c.contractIds], expiresAt: c.expiresAt.toISOString(), fallbacks: [...c.fallbacks],
    ...(c.mobileMasked ? { maskedMobile: c.mobileMasked } : {}), ...(c.resendAt ? { resendAfter: c.resendAt.toISOString() } : {}),
  };
}

function proofView(p: WillingnessProof): ProofView {
  return { proofId: p.id, method: p.method, contractIds: [...p.contractIds], verifiedAt: p.verifiedAt.toISOString(), expiresAt: p.expiresAt.toISOString() };
}

function unknownChallenge(): SignetError {
  return new SignetError('WILLINGNESS_REQUIRED', '意愿认证不存在，请重新发起。The willingness check is unknown; start a new one with POST /api/v1/willingness.', { reason: 'unknown' });
}

/**
 * Starts a willingness check covering `contractIds` for the caller: the signer of each contract
 * whose turn it is, with the methods every one of their policies allows (the first usable one,
 * unless `method` is given). A link may only list its own contract, and its person must have passed
 * real-name verification first (`POST /link/identity`).
 */
export async function startWillingness(p: Platform, actor: Actor, input: { contractIds: string[]; method?: WillingnessOption }): Promise<WillingnessChallenge> {
  const ids = [...new Set(input.contractIds)];
  if (actor.kind === 'link' && ids.some((id) => id !== actor.contractId)) {
    throw new SignetError('NOT_FOUND', `签署链接只能用于合同 ${actor.contractId}。A signing link covers its own contract only (${actor.contractId}); remove the other contract ids.`);
  }
  let userId: string | undefined;
  let methods: WillingnessOption[] | undefined;
  for (const id of ids) {
    const { signer, userId: who } = await p.workflow.contracts.signerFor(actor, id);
    if (userId !== undefined && who !== userId) {
      throw new SignetError('INVALID_ARGUMENT', '这些合同须由不同的人签署，请分别认证。These contracts are signed by different people; take one check per signer.');
    }
    userId = who;
    methods = methods ? methods.filter((m) => signer.willingness.methods.includes(m)) : [...signer.willingness.methods];
    if (signer.kind === 'person') await p.realName.assertVerified({ kind: 'person', userId: who });
  }
  if (!methods || methods.length === 0) {
    throw new SignetError('INVALID_ARGUMENT', '这些合同的签署策略没有共同的意愿认证方式，请分别认证。The contracts\' policies allow no common willingness method; take one check per contract.');
  }
  return p.willingness.start(actor.kind === 'link' ? LINK_SYSTEM_ACTOR : actor, userId!, { contractIds: ids, policy: { methods }, ...(input.method ? { method: input.method } : {}) });
}

/**
 * The challenge `challengeId` when it belongs to the caller: a session's own user, or a link's
 * signer (the person, or its designated operator). WILLINGNESS_REQUIRED (unknown) otherwise.
 */
async function ownChallenge(p: Platform, actor: Actor, challengeId: string): Promise<WillingnessChallengeRecord> {
  const ch = await identityCollections(p.deps.records).challenges.get(challengeId);
  if (!ch) throw unknownChallenge();
  if (actor.kind === 'link') {
    const { userId } = await p.workflow.contracts.signerFor(actor, actor.contractId);
    if (ch.userId !== userId || !ch.contractIds.includes(actor.contractId)) throw unknownChallenge();
  } else if ((actor.kind !== 'member' && actor.kind !== 'person') || ch.userId !== actor.userId) {
    throw unknownChallenge();
  }
  return ch;
}

/** Answers a challenge (the code, the password or the face token) and returns the proof. */
export async function confirmWillingness(p: Platform, actor: Actor, challengeId: string, answer: { code?: string; password?: string; faceToken?: string }): Promise<WillingnessProof> {
  if (actor.kind === 'link') {
    await ownChallenge(p, actor, challengeId);
    return p.willingness.confirm(LINK_SYSTEM_ACTOR, challengeId, answer);
  }
  return p.willingness.confirm(actor, challengeId, answer);
}

/**
 * Sends the code of an open SMS challenge again, as a fresh challenge for the same contracts: its
 * new `challengeId` is the one to confirm (the earlier code stops working). The OTP limits apply:
 * one code a minute and five an hour per mobile (RATE_LIMITED with details.retryAt).
 */
export async function resendWillingness(p: Platform, actor: Actor, challengeId: string): Promise<WillingnessChallenge> {
  const ch = await ownChallenge(p, actor, challengeId);
  if (ch.status !== 'open') throw new SignetError('WILLINGNESS_REQUIRED', '该意愿认证已完成，无需重发。The willingness check was answered already; use its proof or start a new one.', { reason: 'answered' });
  if (Date.parse(ch.expiresAt) <= p.clock.now().getTime()) throw new SignetError('WILLINGNESS_REQUIRED', '意愿认证已超时，请重新发起。The willingness check has expired; start a new one.', { reason: 'expired' });
  if (ch.method !== 'sms_otp') throw new SignetError('INVALID_ARGUMENT', `此意愿认证方式（${ch.method}）无需发送验证码。A ${ch.method} check sends no code; answer it, or start an SMS check.`);
  return p.willingness.start(actor.kind === 'link' ? LINK_SYSTEM_ACTOR : actor, ch.userId, { contractIds: ch.contractIds, policy: { methods: ['sms_otp'] }, method: 'sms_otp' });
}

const METHOD: JsonSchema = { enum: [...WILLINGNESS_OPTIONS], description: 'sms_otp（短信验证码）、password（签署密码）或 face（刷脸）sms_otp, password (the signing password) or face' };
const CHALLENGE: JsonSchema = {
  type: 'object', required: ['challengeId', 'method', 'contractIds', 'expiresAt', 'fallbacks'],
  properties: {
    challengeId: { type: 'string' }, method: METHOD, contractIds: { type: 'array', items: { type: 'string' } }, expiresAt: { type: 'string', format: 'date-time' },
    fallbacks: { type: 'array', items: METHOD, description: '可改用的其他方式 Other methods the policy allows, to fall back to' },
    maskedMobile: { type: 'string', description: '验证码发往的手机号（掩码）Where the code went, masked' },
    resendAfter: { type: 'string', format: 'date-time', description: '此时之后可重发 A new code can be sent after this time' },
  },
};
const PROOF: JsonSchema = {
  type: 'object', required: ['proofId', 'method', 'contractIds', 'verifiedAt', 'expiresAt'],
  properties: {
    proofId: { type: 'string', description: '签署时传入 Pass it to the signature (proofId); each contract consumes it once' },
    method: METHOD, contractIds: { type: 'array', items: { type: 'string' } }, verifiedAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string', format: 'date-time' },
  },
};
const CHALLENGE_PARAMS: JsonSchema = { type: 'object', required: ['challengeId'], properties: { challengeId: { type: 'string', minLength: 1, maxLength: 128, description: '意愿认证 The willingness check' } } };
const START_ERRORS = ['NOT_FOUND', 'FORBIDDEN', 'SEAL_NOT_GRANTED', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'IDENTITY_NOT_VERIFIED', 'IDENTITY_INVALID', 'RATE_LIMITED', 'OTP_LOCKED', 'MESSAGE_SEND_FAILED', 'VERSION_CONFLICT'] as const;

/** The willingness routes. */
export function willingnessRoutes(s: { platform?: Platform }): RouteModule {
  const p = () => requirePlatform(s.platform);
  return {
    schemas: { WillingnessChallenge: CHALLENGE, WillingnessProof: PROOF },
    tags: [{ name: 'willingness', description: '意愿认证：每次签署前的短信验证码、签署密码或刷脸 Willingness checks before every signature: SMS code, signing password or face' }],
    routes: [
      defineRoute<{ body: { contractIds: string[]; method?: WillingnessOption } }>({
        operationId: 'startWillingness',
        method: 'post',
        path: '/api/v1/willingness',
        summary: '发起意愿认证 Start a willingness check for one or more contracts',
        description: '方式取自签署方的策略（如「刷脸优先、短信兜底」），可用 method 指定其一。A method of the signer\'s policy (e.g. face first, SMS as fallback); choose one with method.'
          + ' One check covers every document of a contract; its proof is spent once per contract. sms_otp sends the code now.',
        tags: ['willingness'],
        auth: ['session', 'link'],
        body: {
          kind: 'json', maxBytes: 16 * 1024,
          schema: {
            type: 'object', additionalProperties: false, required: ['contractIds'],
            properties: { contractIds: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 128 } }, method: METHOD },
          },
        },
        responses: { 201: { description: 'The check, waiting for its answer', schema: schemaRef('WillingnessChallenge') } },
        errors: [...START_ERRORS],
        handler: async ({ actor, body }) => reply.json(challengeView(await startWillingness(p(), actor, body)), { status: 201 }),
      }),
      defineRoute<{ params: { challengeId: string }; body: { code?: string; password?: string; faceToken?: string } }>({
        operationId: 'confirmWillingness',
        method: 'post',
        path: '/api/v1/willingness/:challengeId/confirm',
        summary: '完成意愿认证 Answer the check: the SMS code, the signing password or the face token',
        description: '错误的验证码或密码会计数，连续 5 次锁定 15 分钟（details.retryAt）。Wrong codes and passwords count: five in a row lock for 15 minutes (details.retryAt).',
        tags: ['willingness'],
        auth: ['session', 'link'],
        params: CHALLENGE_PARAMS,
        body: {
          kind: 'json', maxBytes: 4096,
          schema: {
            type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1,
            properties: {
              code: { type: 'string', pattern: '^[0-9]{4,8}$', description: '短信验证码 The SMS code' },
              password: { type: 'string', minLength: 1, maxLength: 128, format: 'password', description: '签署密码 The signing password' },
              faceToken: { type: 'string', minLength: 1, maxLength: 512, description: '刷脸 SDK 返回的凭证 The face SDK\'s token' },
            },
          },
        },
        responses: { 200: { description: 'Passed: the proof to sign with', schema: schemaRef('WillingnessProof') } },
        errors: ['WILLINGNESS_REQUIRED', 'OTP_INVALID', 'OTP_EXPIRED', 'OTP_LOCKED', 'PASSWORD_INVALID', 'PASSWORD_LOCKED', 'PASSWORD_NOT_SET', 'IDENTITY_CHECK_FAILED',
          'IDENTITY_PROVIDER_FAILED', 'IDENTITY_NOT_VERIFIED', 'NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, body }) => proofView(await confirmWillingness(p(), actor, params.challengeId, body)),
      }),
      defineRoute<{ params: { challengeId: string } }>({
        operationId: 'resendWillingness',
        method: 'post',
        path: '/api/v1/willingness/:challengeId/resend',
        summary: '重发验证码 Send the SMS code again (a fresh check: confirm the new challengeId)',
        tags: ['willingness'],
        auth: ['session', 'link'],
        params: CHALLENGE_PARAMS,
        responses: { 201: { description: 'A fresh check for the same contracts; the earlier code stops working', schema: schemaRef('WillingnessChallenge') } },
        errors: ['WILLINGNESS_REQUIRED', ...START_ERRORS],
        handler: async ({ actor, params }) => reply.json(challengeView(await resendWillingness(p(), actor, params.challengeId)), { status: 201 }),
      }),
    ],
  };
}
