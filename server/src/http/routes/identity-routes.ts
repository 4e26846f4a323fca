/**
 * Real-name verification (实名认证) over HTTP, and the certificates issued after it. A person
 * verifies themselves (name + ID number, then phone three-factor, bank-card four-factor or face);
 * an enterprise admin verifies the enterprise (legal representative's phone, micro-transfer or an
 * authorization letter). `RealNameService` runs the checks, keeps masked records and the audit
 * chain; a verification of someone else, or of another enterprise, answers NOT_FOUND here.
 */
import {
  SignetError, can, type Actor, type ContractRecord, type EnterpriseVerificationInput, type PersonVerificationInput, type VerificationView,
} from '@signet/core';
import type { Installation } from '../../installation.js';
import type { Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { itemsSchema, platformOf, tenantOf, text, userOf } from './route-helpers.js';

const VERIFICATION: JsonSchema = {
  type: 'object',
  description: '实名认证记录（仅含脱敏信息）A verification, with masked values only',
  required: ['id', 'subjectKind', 'subjectId', 'method', 'status', 'createdAt', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    subjectKind: { enum: ['person', 'enterprise'] },
    subjectId: { type: 'string' },
    method: { enum: ['phone3', 'bank4', 'face', 'legal_rep_phone', 'micro_transfer', 'authorization_letter'] },
    status: { enum: ['awaiting_otp', 'awaiting_transfer', 'awaiting_review', 'passed', 'failed', 'expired'] },
    next: { enum: ['enter_code', 'report_transfer', 'wait_for_review'], description: 'What to do next while it is open' },
    mobileMasked: { type: 'string' },
    attemptsLeft: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    passedAt: { type: 'string', format: 'date-time' },
    failedReason: { type: 'string' },
  },
};

const CERTIFICATE: JsonSchema = {
  type: 'object',
  description: '签名证书（由内置 CA 在实名后签发）A signing certificate from the embedded CA, issued after real-name verification',
  required: ['serialNumber', 'subjectKind', 'subjectId', 'subjectName', 'status', 'signatures', 'firstUsedAt', 'lastUsedAt'],
  properties: {
    serialNumber: { type: 'string', description: 'Hex serial number' },
    subjectKind: { enum: ['person', 'organization'] },
    subjectId: { type: 'string', description: 'The user or enterprise id' },
    subjectName: { type: 'string' },
    status: { enum: ['valid', 'revoked'] },
    signatures: { type: 'integer', minimum: 1, description: 'Signatures made with it on this platform' },
    firstUsedAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: 'string', format: 'date-time' },
  },
};

/** One certificate as `GET /certificates` lists it. */
export interface CertificateView {
  serialNumber: string;
  subjectKind: 'person' | 'organization';
  subjectId: string;
  subjectName: string;
  status: 'valid' | 'revoked';
  signatures: number;
  firstUsedAt: string;
  lastUsedAt: string;
}

const clean = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

/** The services the identity routes use. */
export interface IdentityRouteDeps {
  installation: Installation;
  platform?: Platform;
}

/** The identity and certificate routes. */
export function identityRoutes(s: IdentityRouteDeps): RouteModule {
  const p = () => platformOf(s);

  /** The verification, when it is the caller's own or their enterprise's; NOT_FOUND otherwise. */
  const visible = async (actor: Actor, verificationId: string): Promise<VerificationView> => {
    let v: VerificationView | undefined;
    try {
      v = await p().realName.getVerification(verificationId);
    } catch {
      v = undefined;
    }
    const mine = v && (v.subjectKind === 'person'
      ? (actor.kind === 'member' || actor.kind === 'person') && actor.userId === v.subjectId
      : can(actor, 'enterprise.read', { enterpriseId: v.subjectId }));
    if (!v || !mine) throw new SignetError('NOT_FOUND', `认证记录 ${verificationId} 不存在。No verification ${verificationId} of yours or your enterprise; check the id.`);
    return v;
  };

  /** The certificates used in the signatures of `contracts` by the matching signers. */
  const certificatesIn = (contracts: ContractRecord[], match: (c: ContractRecord['signers'][number]) => boolean): CertificateView[] => {
    const revoked = new Set(s.installation.pki.revoked('issuing').map((r) => r.serialHex));
    const out = new Map<string, CertificateView>();
    for (const c of contracts) {
      for (const signer of c.signers) {
        const sig = signer.signature;
        if (!sig || !match(signer)) continue;
        const cur = out.get(sig.cert);
        if (cur) {
          cur.signatures += 1;
          if (sig.at < cur.firstUsedAt) cur.firstUsedAt = sig.at;
          if (sig.at > cur.lastUsedAt) cur.lastUsedAt = sig.at;
        } else {
          out.set(sig.cert, {
            serialNumber: sig.cert, subjectKind: signer.kind, subjectId: (signer.kind === 'person' ? signer.userId : signer.enterpriseId) ?? '',
            subjectName: signer.name, status: revoked.has(sig.cert) ? 'revoked' : 'valid', signatures: 1, firstUsedAt: sig.at, lastUsedAt: sig.at,
          });
        }
      }
    }
    return [...out.values()].sort((a, b) => (a.lastUsedAt < b.lastUsedAt ? 1 : -1));
  };

  return {
    schemas: { Verification: VERIFICATION, Certificate: CERTIFICATE },
    tags: [
      { name: 'identity', description: '实名认证 Real-name verification of people and enterprises' },
      { name: 'certificates', description: '签名证书 Signing certificates' },
    ],
    routes: [
      defineRoute<{ body: Omit<PersonVerificationInput, 'method'> & { method: PersonVerificationInput['method'] }; result: VerificationView }>({
        operationId: 'startPersonVerification',
        method: 'post',
        path: '/api/v1/identity/person',
        summary: '个人实名认证 Start my real-name verification: name + ID number, then phone3, bank4 or face',
        description: '`phone3` and `bank4` send a code to the mobile (confirm it with POST /identity/verifications/{verificationId}/code); `face` passes at once with a valid faceToken. '
          + 'A failed check is recorded as a failed verification and answers IDENTITY_CHECK_FAILED; 5 failures in a row pause checks for 15 minutes.',
        tags: ['identity'],
        auth: ['session'],
        body: {
          kind: 'json',
          maxBytes: 4096,
          schema: {
            type: 'object', additionalProperties: false, required: ['name', 'idNumber', 'method'],
            properties: {
              name: text('姓名 Name as on the ID card', 50),
              idNumber: text('身份证号 ID number (18 characters, GB 11643)', 32),
              method: { enum: ['phone3', 'bank4', 'face'] },
              mobile: text('手机号 phone3: your mobile; bank4: the mobile the bank holds', 32),
              bankCard: text('银行卡号 bank4: the card number', 32),
              faceToken: text('刷脸凭证 face: the liveness check token', 512),
            },
          },
        },
        responses: { 201: { description: 'Started (or passed, for face)', schema: schemaRef('Verification') } },
        errors: ['IDENTITY_INVALID', 'IDENTITY_CHECK_FAILED', 'IDENTITY_PROVIDER_FAILED', 'IDENTITY_VERIFICATION_CLOSED', 'DUPLICATE', 'RATE_LIMITED', 'MESSAGE_SEND_FAILED', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => reply.json(clean(await p().realName.startPersonVerification(actor, userOf(actor), body)), { status: 201 }),
      }),
      defineRoute<{ body: Omit<EnterpriseVerificationInput, 'letterBlobId'> & { letterFileId?: string }; result: VerificationView }>({
        operationId: 'startEnterpriseVerification',
        method: 'post',
        path: '/api/v1/identity/enterprise',
        summary: '企业实名认证 Start the verification of the enterprise I act for (admins)',
        description: 'Name, USCC and legal representative are checked first. Then `legal_rep_phone` sends a code to the legal representative\'s mobile; '
          + '`micro_transfer` sends a small amount with a remark to the corporate account (report both with POST .../transfer, 3 tries within 48 h); '
          + '`authorization_letter` takes the stamped letter uploaded with POST /files (`letterFileId`) and waits for a platform reviewer.',
        tags: ['identity'],
        auth: ['session'],
        body: {
          kind: 'json',
          maxBytes: 4096,
          schema: {
            type: 'object', additionalProperties: false, required: ['method'],
            properties: {
              method: { enum: ['legal_rep_phone', 'micro_transfer', 'authorization_letter'] },
              legalRepresentative: text('法定代表人 When it differs from the one on file', 50),
              legalRepIdNumber: text('法定代表人身份证号 legal_rep_phone', 32),
              legalRepMobile: text('法定代表人手机号 legal_rep_phone', 32),
              account: {
                type: 'object', additionalProperties: false, required: ['accountName', 'accountNumber', 'bankName'],
                description: '对公账户 micro_transfer: the corporate account',
                properties: { accountName: text('户名', 100), accountNumber: text('账号', 40), bankName: text('开户行', 100), branchName: text('支行', 100) },
              },
              letterFileId: text('授权书 authorization_letter: the fileId of the uploaded, stamped letter', 128),
            },
          },
        },
        responses: { 201: { description: 'Started', schema: schemaRef('Verification') } },
        errors: ['IDENTITY_INVALID', 'IDENTITY_CHECK_FAILED', 'IDENTITY_PROVIDER_FAILED', 'IDENTITY_VERIFICATION_CLOSED', 'RATE_LIMITED', 'MESSAGE_SEND_FAILED', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => {
          const enterpriseId = tenantOf(actor);
          const { letterFileId, ...rest } = body;
          const input: EnterpriseVerificationInput = { ...rest };
          if (letterFileId) input.letterBlobId = (await p().files.record(actor, letterFileId)).sha256;
          return reply.json(clean(await p().realName.startEnterpriseVerification(actor, enterpriseId, input)), { status: 201 });
        },
      }),
      defineRoute<{ params: { verificationId: string }; result: VerificationView }>({
        operationId: 'getVerification',
        method: 'get',
        path: '/api/v1/identity/verifications/:verificationId',
        summary: '认证状态 A verification of mine or my enterprise\'s',
        tags: ['identity'],
        auth: ['session'],
        responses: { 200: { description: 'The verification', schema: schemaRef('Verification') } },
        errors: ['NOT_FOUND'],
        handler: async ({ actor, params }) => clean(await visible(actor, params.verificationId)),
      }),
      defineRoute<{ params: { verificationId: string }; body: { code: string }; result: VerificationView }>({
        operationId: 'confirmVerificationCode',
        method: 'post',
        path: '/api/v1/identity/verifications/:verificationId/code',
        summary: '提交短信验证码 Confirm the SMS code of a phone3, bank4 or legal_rep_phone verification',
        tags: ['identity'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 512, schema: { type: 'object', additionalProperties: false, required: ['code'], properties: { code: { type: 'string', pattern: '^[0-9]{4,8}$', description: '短信验证码 The code from the SMS' } } } },
        responses: { 200: { description: 'Passed', schema: schemaRef('Verification') } },
        errors: ['OTP_INVALID', 'OTP_EXPIRED', 'OTP_LOCKED', 'IDENTITY_VERIFICATION_CLOSED', 'DUPLICATE', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, params, body }) => {
          await visible(actor, params.verificationId);
          return clean(await p().realName.confirmCode(actor, params.verificationId, body.code));
        },
      }),
      defineRoute<{ params: { verificationId: string }; body: { amountFen: number; remark: string }; result: VerificationView }>({
        operationId: 'reportMicroTransfer',
        method: 'post',
        path: '/api/v1/identity/verifications/:verificationId/transfer',
        summary: '回填打款金额 Report the micro-transfer amount (fen) and remark from the bank statement',
        tags: ['identity'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 512,
          schema: { type: 'object', additionalProperties: false, required: ['amountFen', 'remark'], properties: { amountFen: { type: 'integer', minimum: 1, maximum: 99, description: '金额（分）The amount in fen' }, remark: text('附言 The remark', 32) } },
        },
        responses: { 200: { description: 'Passed', schema: schemaRef('Verification') } },
        errors: ['IDENTITY_CHECK_FAILED', 'IDENTITY_VERIFICATION_CLOSED', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, params, body }) => {
          await visible(actor, params.verificationId);
          return clean(await p().realName.confirmMicroTransfer(actor, params.verificationId, body));
        },
      }),
      defineRoute<{ result: { items: CertificateView[] } }>({
        operationId: 'listCertificates',
        method: 'get',
        path: '/api/v1/certificates',
        summary: '我的证书 My signing certificates, and my enterprise\'s for admins',
        description: 'Certificates are issued on first signature, after real-name verification, and listed here once used. Each entry counts the signatures made with it.',
        tags: ['certificates'],
        auth: ['session'],
        responses: { 200: { description: 'Certificates, most recently used first', schema: itemsSchema(schemaRef('Certificate'), 'Certificates') } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor }) => {
          const userId = userOf(actor);
          const contracts = p().workflow.collections.contracts;
          const items = certificatesIn(await contracts.find('box', `u:${userId}|inbox`), (x) => x.kind === 'person' && x.userId === userId);
          if (actor.kind === 'member' && can(actor, 'enterprise.update', { enterpriseId: actor.enterpriseId })) {
            items.push(...certificatesIn(await contracts.find('box', `e:${actor.enterpriseId}|inbox`), (x) => x.kind === 'organization' && x.enterpriseId === actor.enterpriseId));
          }
          return { items };
        },
      }),
    ],
  };
}
