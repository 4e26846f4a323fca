/**
 * The tenant-isolation matrix: every route in the registry × every role × own vs other tenant.
 *
 * - **Fixtures.** Two enterprises, A (the demo enterprise: own) and B (another tenant), each with a
 *   contract, seal, grant, auto-stamp authorization, template, bundle, file, webhook, app, member,
 *   invitation, identity verification and willingness challenge. A gets a fresh set per role, so
 *   that one role's successful change never decides another role's outcome.
 * - **Requests.** Path parameters are filled by name (docs/api-surface.md fixes the names). JSON
 *   bodies are generated from the route's own schema, with fixture ids put in by field name
 *   (`fileId`, `contractIds`, `userId`, …) and a few bodies given below where a valid one needs
 *   more than the schema says. A route whose parameter has no fixture fails, naming the fixture
 *   to add.
 * - **Other tenant.** A request carrying B's ids is never answered 2xx, and no answer to any
 *   request shows B's data (names, titles, ids the request did not carry).
 * - **Own tenant.** The outcome per role is the documented one: for most routes the permission
 *   table of `core/src/directory/permissions.ts` (allowed: 2xx, or a refusal on the merits such as
 *   a state conflict; not allowed: 403), for the rest the table below. A route without an
 *   expectation fails, saying to add one. A credential kind the route does not accept is 401.
 *
 * Roles: super admin, system admin, seal admin, template admin, member (members of A), an external
 * person (a signer of A's contract with no membership), A's integrator app, and the holder of a
 * signing link of A's contract.
 */
import assert from 'node:assert/strict';
import {
  PERMISSIONS, can, sampleIdCardNumber, sampleUscc, type Action, type Actor, type EnterpriseRole, type SignerInput,
} from '@signet/core';
import { sampleLaborContract } from '@signet/core/testing';
import { hrCollections } from '@signet/connector-hr';
import { createApp, routeRegistryOf } from '../app.js';
import type { RouteRegistry } from '../http/route-registry.js';
import type { JsonSchema, RouteDef } from '../http/route.js';
import {
  DEMO_PASSWORD, SIGNING_PASSWORD, appCaller, freshMobile, linkCaller, sessionCaller, startAcceptanceKit, type AcceptanceKit, type Caller, type KitPerson,
} from './acceptance-kit.js';

type Role = 'super_admin' | 'system_admin' | 'seal_admin' | 'template_admin' | 'member' | 'person' | 'app' | 'link';
const ROLES: readonly Role[] = ['super_admin', 'system_admin', 'seal_admin', 'template_admin', 'member', 'person', 'app', 'link'];
const MEMBER_ROLES: readonly Role[] = ['super_admin', 'system_admin', 'seal_admin', 'template_admin', 'member'];

/**
 * An outcome class. `ok`: allowed (2xx, or refused on the merits after the rights check: 409,
 * 410, 413, 422, 423, 429, or a 400 from the handler, not from validation); `forbidden`: 403;
 * `hidden`: 404; `denied`: 403 or 404; `refused`: any 4xx but a validation error; `any`: no 5xx.
 */
type Outcome = 'ok' | 'forbidden' | 'hidden' | 'denied' | 'refused' | 'any';
type Expect = Partial<Record<Role | 'members' | 'default', Outcome>>;

/** The fixture values path parameters are filled from, by their fixed names. */
interface Fixtures {
  contractId: string; docId: string; signerId: string;
  sealId: string; grantId: string; authorizationId: string;
  templateId: string; bundleId: string; fileId: string;
  enterpriseId: string; userId: string; invitationToken: string;
  verificationId: string; challengeId: string;
  webhookId: string; appId: string;
  /** Public PKI routes: the CRL name and an OCSP request. */
  name: string; request: string;
  /** HR import batches (connector-hr). */
  batchId: string;
  /** Not path parameters: the person signer of the contract, and the link of the external signer. */
  signerUserId: string; linkToken?: string;
}

/** The parameter names that carry a tenant's data: filling one with B's value makes a request "other tenant". */
const TENANT_PARAMS = new Set(['contractId', 'sealId', 'grantId', 'authorizationId', 'templateId', 'bundleId', 'fileId', 'enterpriseId', 'userId', 'invitationToken', 'verificationId', 'challengeId', 'webhookId', 'appId', 'batchId']);

/** The documented outcome of a permission-table action, per role (ADR: permissions.ts is the one table). */
function perm(action: Action): Expect {
  const out: Expect = { person: 'denied', link: 'denied' };
  for (const role of MEMBER_ROLES) {
    const actor: Actor = { kind: 'member', userId: 'u', enterpriseId: 'A', roles: [role as EnterpriseRole] };
    out[role] = can(actor, action, { enterpriseId: 'A' }) ? 'ok' : 'forbidden';
  }
  out.app = PERMISSIONS[action].app ? 'ok' : 'forbidden';
  return out;
}

const ALL_OK: Expect = { default: 'ok' };
const SIGNED_IN_OK: Expect = { members: 'ok', person: 'ok' };
const PUBLIC: Expect = { default: 'any' };
/** The contract fixture's parties: the sender (super admin), system admin (manages), seal admin (operates the seal signer), member and external person (signers), the app (its enterprise sent it). */
const CONTRACT_PARTIES: Expect = { members: 'ok', template_admin: 'forbidden', person: 'ok', app: 'ok', link: 'ok' };
const SENDER_SIDE: Expect = { super_admin: 'ok', system_admin: 'ok', seal_admin: 'forbidden', template_admin: 'forbidden', member: 'forbidden', person: 'forbidden', app: 'ok' };

/** What each route answers for each role with its own tenant's ids. */
const EXPECT: Record<string, Expect> = {
  // system, auth, verification and PKI: no tenant data
  'GET /healthz': PUBLIC, 'GET /api/v1/openapi.json': PUBLIC, 'POST /api/v1/verify': PUBLIC,
  'GET /pki/root.pem': PUBLIC, 'GET /pki/root.crt': PUBLIC, 'GET /pki/crl/{name}': PUBLIC, 'POST /pki/ocsp': PUBLIC, 'GET /pki/ocsp/{request}': PUBLIC, 'POST /tsa': PUBLIC,
  'POST /api/v1/auth/login/password': PUBLIC, 'POST /api/v1/auth/otp': PUBLIC, 'POST /api/v1/auth/login/otp': PUBLIC,
  'GET /api/v1/auth/session': SIGNED_IN_OK, 'PUT /api/v1/auth/session': { members: 'ok', person: 'hidden' },
  'POST /api/v1/auth/logout': SIGNED_IN_OK, 'GET /api/v1/auth/whoami': ALL_OK,

  // people and enterprises
  'GET /api/v1/me': SIGNED_IN_OK, 'PUT /api/v1/me/enterprise': { members: 'ok', person: 'hidden' },
  'PUT /api/v1/me/signing-password': SIGNED_IN_OK, 'PUT /api/v1/me/login-password': SIGNED_IN_OK,
  'GET /api/v1/me/signatures': SIGNED_IN_OK, 'POST /api/v1/me/signatures': SIGNED_IN_OK,
  'POST /api/v1/enterprises': SIGNED_IN_OK,
  'GET /api/v1/enterprises/{enterpriseId}': perm('enterprise.read'),
  'PUT /api/v1/enterprises/{enterpriseId}/parent': perm('enterprise.set_parent'),
  'GET /api/v1/enterprises/{enterpriseId}/subsidiaries': perm('enterprise.read'),
  'GET /api/v1/enterprises/{enterpriseId}/members': perm('member.read'),
  'PUT /api/v1/enterprises/{enterpriseId}/members/{userId}': perm('member.manage'),
  'DELETE /api/v1/enterprises/{enterpriseId}/members/{userId}': perm('member.manage'),
  'POST /api/v1/enterprises/{enterpriseId}/invitations': perm('member.invite'),
  // Someone else's invitation (it names another mobile) is never accepted.
  'POST /api/v1/invitations/{invitationToken}/accept': { default: 'refused' },
  'GET /api/v1/contacts': perm('contact.read'),
  'POST /api/v1/contacts/persons': perm('contact.manage'),
  'POST /api/v1/contacts/enterprises': perm('contact.manage'),
  // Its {enterpriseId} names an external-enterprise contact, not the tenant: the tenant's own id is no contact.
  'POST /api/v1/contacts/enterprises/{enterpriseId}/review': { members: 'denied', person: 'denied' },

  // identity: a verification is its subject's; the fixture's belongs to another member
  'POST /api/v1/identity/person': SIGNED_IN_OK,
  'POST /api/v1/identity/enterprise': { ...perm('enterprise.verify'), person: 'forbidden' },
  'GET /api/v1/identity/verifications/{verificationId}': { members: 'hidden', person: 'hidden' },
  'POST /api/v1/identity/verifications/{verificationId}/code': { members: 'hidden', person: 'hidden' },
  'POST /api/v1/identity/verifications/{verificationId}/transfer': { members: 'hidden', person: 'hidden' },
  'GET /api/v1/certificates': SIGNED_IN_OK,

  // files
  'POST /api/v1/files': ALL_OK,
  'GET /api/v1/files/{fileId}': { members: 'ok', app: 'ok', person: 'hidden' },

  // seals
  'GET /api/v1/seals': { ...perm('seal.read'), person: 'forbidden' },
  'POST /api/v1/seals': { ...perm('seal.create'), person: 'forbidden' },
  'POST /api/v1/seals/upload': { ...perm('seal.create'), person: 'forbidden' },
  'POST /api/v1/seals/preview': { members: 'ok', person: 'forbidden' },
  'GET /api/v1/seals/{sealId}': perm('seal.read'),
  'GET /api/v1/seals/{sealId}/image.svg': perm('seal.read'),
  'PUT /api/v1/seals/{sealId}/enabled': perm('seal.manage'),
  'GET /api/v1/seals/{sealId}/grants': perm('seal.grant'),
  'POST /api/v1/seals/{sealId}/grants': perm('seal.grant'),
  'DELETE /api/v1/seals/{sealId}/grants/{grantId}': perm('seal.grant'),
  'POST /api/v1/seals/{sealId}/authorizations': perm('seal.grant'),
  'GET /api/v1/seals/{sealId}/authorizations': perm('seal.grant'),
  'DELETE /api/v1/seals/{sealId}/authorizations/{authorizationId}': perm('seal.grant'),
  'GET /api/v1/seal-ledger': { ...perm('seal.ledger.read'), person: 'forbidden' },

  // templates
  'GET /api/v1/templates': { ...perm('template.read'), person: 'forbidden' },
  'POST /api/v1/templates': { ...perm('template.write'), person: 'forbidden' },
  'GET /api/v1/templates/{templateId}': perm('template.read'),
  'GET /api/v1/templates/{templateId}/pdf': perm('template.read'),
  'POST /api/v1/templates/{templateId}/preview': perm('template.read'),
  'GET /api/v1/bundles': { ...perm('template.read'), person: 'forbidden' },
  'POST /api/v1/bundles': { ...perm('template.write'), person: 'forbidden' },
  'GET /api/v1/bundles/{bundleId}': perm('template.read'),
  'GET /api/v1/clauses': { members: 'ok', person: 'forbidden' },
  'POST /api/v1/clauses': { ...perm('template.write'), person: 'forbidden' },

  // webhooks and apps
  'GET /api/v1/webhooks': { ...perm('webhook.manage'), person: 'forbidden' },
  'POST /api/v1/webhooks': { ...perm('webhook.manage'), person: 'forbidden' },
  'PUT /api/v1/webhooks/{webhookId}': perm('webhook.manage'),
  'GET /api/v1/webhooks/{webhookId}/deliveries': perm('webhook.manage'),
  'GET /api/v1/apps': { ...perm('app.manage'), person: 'forbidden' },
  'POST /api/v1/apps': { ...perm('app.manage'), person: 'forbidden' },
  'PUT /api/v1/apps/{appId}': perm('app.manage'),
  'GET /api/v1/dev/messages': { members: 'ok', person: 'forbidden' },
  // statistics: the enterprise's (admins, app) or the member's own contracts; a person acts for no enterprise
  'GET /api/v1/stats': { members: 'ok', person: 'forbidden', app: 'ok' },

  // contracts (part B): the workflow's rules, in ContractService.access
  'POST /api/v1/contracts': { members: 'ok', person: 'forbidden', app: 'ok' },
  'GET /api/v1/contracts': { members: 'ok', person: 'ok', app: 'ok' },
  'GET /api/v1/contracts/counts': SIGNED_IN_OK,
  'GET /api/v1/contracts/labels': SIGNED_IN_OK,
  'POST /api/v1/contracts/batch': { ...CONTRACT_PARTIES },
  'GET /api/v1/contracts/{contractId}': CONTRACT_PARTIES,
  'GET /api/v1/contracts/{contractId}/history': CONTRACT_PARTIES,
  'POST /api/v1/contracts/{contractId}/send': SENDER_SIDE,
  'POST /api/v1/contracts/{contractId}/remind': SENDER_SIDE,
  // Without a real willingness proof every signer is refused (403): WILLINGNESS_REQUIRED, or
  // SEAL_NOT_GRANTED for members who hold no grant for the organization signer's seal.
  'POST /api/v1/contracts/{contractId}/sign': { members: 'forbidden', person: 'forbidden' },
  // Silent stamping: the enterprise's app under the standing authorization; people never.
  'POST /api/v1/contracts/{contractId}/stamp': { members: 'forbidden', person: 'forbidden', app: 'ok' },
  // Signers reject (admins and the seal admin may act for the organization signer).
  'POST /api/v1/contracts/{contractId}/reject': { members: 'ok', template_admin: 'forbidden', person: 'ok' },
  'POST /api/v1/contracts/{contractId}/revoke': SENDER_SIDE,
  'POST /api/v1/contracts/{contractId}/invalidate': { ...CONTRACT_PARTIES },
  'POST /api/v1/contracts/{contractId}/extend': SENDER_SIDE,
  'POST /api/v1/contracts/{contractId}/finish': SENDER_SIDE,
  'PUT /api/v1/contracts/{contractId}/labels': { ...SENDER_SIDE, app: undefined },
  'GET /api/v1/contracts/{contractId}/documents/{docId}/preview': CONTRACT_PARTIES,
  'GET /api/v1/contracts/{contractId}/documents/{docId}/download': CONTRACT_PARTIES,
  'GET /api/v1/contracts/{contractId}/evidence': CONTRACT_PARTIES,
  // Willingness: every signer whose turn it is (the template admin holds no grant for the seal).
  'POST /api/v1/willingness': { members: 'ok', template_admin: 'forbidden', person: 'ok', link: 'ok' },
  // The challenge fixture is the member's own (a password check): only the member answers it.
  'POST /api/v1/willingness/{challengeId}/confirm': { members: 'forbidden', member: 'ok', person: 'forbidden', link: 'forbidden' },
  // The member's password check has no code to resend (or was answered already): refused on its merits.
  'POST /api/v1/willingness/{challengeId}/resend': { members: 'forbidden', member: 'refused', person: 'forbidden', link: 'forbidden' },
  // The signer's page: its link only.
  'GET /api/v1/link': { link: 'ok' },
  'POST /api/v1/link/identity': { link: 'ok' },
  'POST /api/v1/link/identity/{verificationId}/code': { link: 'hidden' },
  'POST /api/v1/link/sign': { link: 'forbidden' },
  'POST /api/v1/link/reject': { link: 'ok' },
  'GET /api/v1/link/documents/{docId}': { link: 'ok' },
  'GET /api/v1/link/documents/{docId}/download': { link: 'ok' },
};

const sample = sampleLaborContract;
let uniq = 0;
const FUTURE = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
const validUscc = (): string => {
  let u = '';
  for (let k = 0; !u || u[16] === '4'; k++) u = sampleUscc(9000 + ++uniq + k * 7);
  return u;
};

/** Bodies a route needs beyond what its schema says (keyed `METHOD /path`). */
const BODIES: Record<string, (fx: Fixtures, font: Uint8Array) => unknown> = {
  'POST /api/v1/auth/login/password': () => ({ mobile: '15999999991', password: 'not-the-password' }),
  'POST /api/v1/auth/otp': () => ({ mobile: '15999999992' }),
  'POST /api/v1/auth/login/otp': () => ({ mobile: '15999999992', code: '123456' }),
  'PUT /api/v1/me/signing-password': () => ({ newPassword: SIGNING_PASSWORD, currentPassword: SIGNING_PASSWORD }),
  'PUT /api/v1/me/login-password': () => ({ newPassword: DEMO_PASSWORD, currentPassword: DEMO_PASSWORD }),
  'POST /api/v1/me/signatures': () => ({ kind: 'handwritten_signature', strokes: [[{ x: 0, y: 0 }, { x: 20, y: 10 }, { x: 40, y: 2 }]] }),
  'POST /api/v1/enterprises': () => ({ name: `矩阵第${++uniq}测试有限公司`, uscc: validUscc(), legalRepresentative: '矩阵法人' }),
  'PUT /api/v1/enterprises/{enterpriseId}/parent': () => ({ parentId: null }),
  'PUT /api/v1/enterprises/{enterpriseId}/members/{userId}': () => ({ roles: ['member'] }),
  'POST /api/v1/enterprises/{enterpriseId}/invitations': () => ({ mobile: freshMobile(), roles: ['member'] }),
  'POST /api/v1/contacts/persons': () => ({ name: '矩阵联系人', mobile: freshMobile() }),
  'POST /api/v1/contacts/enterprises': () => ({ name: `矩阵第${++uniq}往来有限公司`, uscc: validUscc() }),
  'POST /api/v1/contacts/enterprises/{enterpriseId}/review': () => ({ approve: true }),
  'POST /api/v1/identity/person': () => ({ name: '矩阵本人', idNumber: sampleIdCardNumber(77, { sequenceLastDigit: 1 }), method: 'face', faceToken: 'sandbox-face' }),
  'POST /api/v1/identity/enterprise': () => ({ method: 'micro_transfer', account: { accountName: '矩阵', accountNumber: '6222020200112233', bankName: '中国工商银行' } }),
  'POST /api/v1/identity/verifications/{verificationId}/transfer': () => ({ amountFen: 1, remark: '123456' }),
  'POST /api/v1/seals': () => ({ name: '矩阵章', category: 'contract', spec: { type: 'round', name: '矩阵测试有限公司', sealType: '合同专用章' } }),
  'POST /api/v1/seals/preview': () => ({ spec: { type: 'round', name: '矩阵测试有限公司', sealType: '合同专用章' } }),
  'PUT /api/v1/seals/{sealId}/enabled': () => ({ enabled: true }),
  'POST /api/v1/seals/{sealId}/authorizations': () => ({ expiresAt: FUTURE() }),
  'POST /api/v1/templates': (fx) => ({ name: '矩阵模板', fileId: fx.fileId, definition: TEMPLATE_DEFINITION }),
  'POST /api/v1/templates/{templateId}/preview': () => ({}),
  'POST /api/v1/webhooks': () => ({ url: 'https://hooks.example.com/matrix', events: ['*'] }),
  'PUT /api/v1/webhooks/{webhookId}': () => ({ url: 'https://hooks.example.com/matrix-2' }),
  'PUT /api/v1/apps/{appId}': () => ({ status: 'active' }),
  'POST /api/v1/contracts': (fx) => ({ documents: [{ fileId: fx.fileId }], signers: [{ kind: 'person', name: '矩阵签署人', userId: fx.signerUserId }] }),
  'POST /api/v1/contracts/batch': (fx) => ({ action: 'remind', contractIds: [fx.contractId] }),
  'POST /api/v1/willingness/{challengeId}/confirm': () => ({ password: SIGNING_PASSWORD }),
  'POST /api/v1/link/identity': () => ({ name: '矩阵本人', idNumber: sampleIdCardNumber(78, { sequenceLastDigit: 1 }) }),
};
let TEMPLATE_DEFINITION: unknown;

/** Phases: reads first, then changes, then ending changes, then what changes the caller's own session. */
const LATE = new Set(['POST /api/v1/enterprises', 'PUT /api/v1/me/login-password', 'PUT /api/v1/me/signing-password', 'PUT /api/v1/me/enterprise', 'PUT /api/v1/auth/session']);
function phase(key: string, r: RouteDef): number {
  if (key === 'POST /api/v1/auth/logout') return 9;
  if (LATE.has(key)) return 8;
  if (r.method === 'delete' || /\/(reject|revoke|invalidate|finish)$/.test(r.path)) return 5;
  return r.method === 'get' ? 0 : 2;
}

/** `METHOD /path/{param}`: the key of a route in EXPECT and BODIES. */
function keyOf(r: RouteDef): string {
  return `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z][A-Za-z0-9_]*)/g, '{$1}')}`;
}

/** A minimal valid value of `schema`, with fixture values put in by property name. */
function sampleOf(schema: JsonSchema | undefined, registry: RouteRegistry, fx: Fixtures, used: Set<string>, name = ''): unknown {
  if (!schema) return undefined;
  if (typeof schema.$ref === 'string') return sampleOf(registry.schemas[schema.$ref.split('/').pop()!], registry, fx, used, name);
  const byName = (k: string): unknown => {
    const singular = k.endsWith('Ids') ? k.slice(0, -1) : k === 'seal' ? 'sealId' : k;
    if (!TENANT_PARAMS.has(singular)) return undefined;
    const v = fx[singular as keyof Fixtures] as string;
    used.add(singular);
    return k.endsWith('Ids') ? [v] : v;
  };
  const fixed = name ? byName(name) : undefined;
  if (fixed !== undefined) return fixed;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.oneOf)) return sampleOf(schema.oneOf[0] as JsonSchema, registry, fx, used, name);
  if (Array.isArray(schema.anyOf)) return sampleOf(schema.anyOf[0] as JsonSchema, registry, fx, used, name);
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((s) => sampleOf(s as JsonSchema, registry, fx, used, name) as object));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const req = new Set((schema.required ?? []) as string[]);
      const keys = Object.keys(props).filter((k) => req.has(k));
      if (keys.length === 0 && Number(schema.minProperties ?? 0) > 0) keys.push(Object.keys(props)[0]);
      return Object.fromEntries(keys.map((k) => [k, sampleOf(props[k], registry, fx, used, k)]));
    }
    case 'array': {
      const n = Math.max(1, Number(schema.minItems ?? 1));
      return Array.from({ length: n }, () => sampleOf(schema.items as JsonSchema, registry, fx, used, ''));
    }
    case 'integer':
    case 'number':
      return Number(schema.minimum ?? (schema.exclusiveMinimum !== undefined ? Number(schema.exclusiveMinimum) + 1 : 1));
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      if (schema.format === 'date-time') return FUTURE();
      if (schema.format === 'uri') return 'https://hooks.example.com/signet';
      if (typeof schema.pattern === 'string' && /\[0-9\]/.test(schema.pattern)) return '123456';
      if (name === 'mobile') return freshMobile();
      if (/reason|remark|title|name|label|text|html|description/i.test(name)) return '矩阵测试 matrix';
      return 'x'.repeat(Math.max(2, Number(schema.minLength ?? 2)));
    }
  }
}

/** A tiny SVG seal for `POST /seals/upload`. */
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100"><circle cx="50" cy="50" r="45" fill="none" stroke="#E60012" stroke-width="4"/></svg>';

describe('acceptance: the tenant-isolation matrix (every route × every role × own vs other tenant)', function () {
  this.timeout(600_000);
  let kit: AcceptanceKit;
  let registry: RouteRegistry;
  let callers: Record<Role, Caller>;
  let own: Record<Role, Fixtures>;
  let other: Fixtures;
  let otherMarkers: string[];
  let otherContractBefore: string;
  const failures: string[] = [];

  before(async () => {
    kit = await startAcceptanceKit();
    // The same route modules as the running server's app.
    registry = routeRegistryOf(createApp({ installation: kit.srv.installation, platform: kit.srv.platform }));
    const pl = kit.srv.platform;
    const system: Actor = { kind: 'system', reason: 'matrix fixture' };
    const A = kit.enterprise.id;
    const joined = async (role: EnterpriseRole): Promise<KitPerson> => {
      const p = await kit.person();
      await pl.directory.addMember(system, A, p.userId, [role]);
      const client = kit.srv.session();
      await client.login(p.mobile, DEMO_PASSWORD);
      return { ...p, client, call: sessionCaller(client) };
    };
    const sysAdmin = await joined('system_admin');
    const tplAdmin = await joined('template_admin');
    const outsider = await kit.person();
    const s = sample(kit.font);
    TEMPLATE_DEFINITION = s.template;

    /** One full set of fixtures in `ent`, the contract sent by `owner` to `signers`. */
    const fixtures = async (ent: { id: string; owner: Actor; sealAdminUserId: string; challenger: { userId: string; actor: Actor } },
      signers: (sealId: string) => unknown[], tag: string): Promise<Fixtures & { markers: string[] }> => {
      const seal = await pl.workflow.seals.create(ent.owner, { name: `印章${tag}`, category: 'contract', spec: { type: 'round', name: '矩阵测试有限公司', sealType: '合同专用章' } });
      const grant = await pl.workflow.seals.grant(ent.owner, seal.id, { userId: ent.sealAdminUserId });
      const auth = await pl.workflow.seals.authorizeAutoStamp(ent.owner, { seal: seal.id, expiresAt: new Date(Date.now() + 86_400_000) });
      const template = await pl.workflow.templates.create(ent.owner, { name: `模板${tag}`, definition: s.template, basePdf: s.basePdf });
      const bundle = await pl.workflow.templates.createBundle(ent.owner, { name: `组合${tag}`, templateIds: [template.id] });
      const file = await pl.files.put(ent.owner, s.basePdf, `文件${tag}.pdf`);
      const title = `合同${tag}`;
      const created = await pl.workflow.contracts.create(ent.owner, { title, files: [{ name: `文件${tag}.pdf`, pdf: s.basePdf }], order: 'parallel', send: true, signers: signers(seal.id) as SignerInput[] });
      const victim = await kit.person({ verified: false });
      await pl.directory.addMember(system, ent.id, victim.userId, ['member']);
      const verification = await pl.realName.startPersonVerification(system, victim.userId, { name: victim.name, idNumber: sampleIdCardNumber(600 + ++uniq, { sequenceLastDigit: 1 }), method: 'phone3', mobile: victim.mobile });
      const invitation = await pl.directory.invite(ent.owner, ent.id, { mobile: freshMobile(), roles: ['member'] });
      const challenge = await pl.willingness.start(ent.challenger.actor, ent.challenger.userId, { contractIds: [created.contract.id], policy: { methods: ['password'] }, method: 'password' });
      const hook = await pl.webhooks.subscribe({ enterpriseId: ent.id, url: `https://hooks.example.com/${tag}`, events: ['*'] });
      const app = await kit.srv.registerApp(ent.id, `应用${tag}`);
      const now = new Date().toISOString();
      const batch = await hrCollections(pl.deps.records).batches.insert({
        id: `hrb_${tag.replace(/[^A-Za-z0-9]/g, '')}${++uniq}`, tenant: ent.id, mapping: { name: `批次${tag}`, bundleId: bundle.id, seal: 'before' },
        source: { kind: 'csv', name: `员工${tag}.csv`, rows: 0 }, createdBy: 'matrix', createdAt: now, state: 'done', done: 0,
        counts: { created: 0, sent: 0, stamped: 0, failed: 0, skipped: 0 }, problems: [], problemCount: 0, notices: [],
      });
      const person = created.contract.signers.find((x) => x.kind === 'person')!;
      return {
        contractId: created.contract.id, docId: 'd1', signerId: 's1', sealId: seal.id, grantId: grant.id, authorizationId: auth.id,
        templateId: template.id, bundleId: bundle.id, fileId: file.id, enterpriseId: ent.id, userId: victim.userId, invitationToken: invitation.token,
        verificationId: verification.id, challengeId: challenge.id, webhookId: hook.subscription.id, appId: app.appId, batchId: batch.id, name: 'root', request: 'MAA',
        signerUserId: person.userId!, linkToken: created.links.find((l) => l.signerId === 's3')?.token,
        markers: [title, seal.name, template.name, bundle.name, `文件${tag}.pdf`, `hooks.example.com/${tag}`, `应用${tag}`, `批次${tag}`, victim.name],
      };
    };

    const adminActor: Actor = { kind: 'member', userId: kit.admin.userId, enterpriseId: A, roles: ['super_admin'] };
    const memberActor: Actor = { kind: 'member', userId: kit.member.userId, enterpriseId: A, roles: ['member'] };
    own = {} as Record<Role, Fixtures>;
    for (const role of ROLES) {
      own[role] = await fixtures({ id: A, owner: adminActor, sealAdminUserId: kit.sealAdmin.userId, challenger: { userId: kit.member.userId, actor: memberActor } }, (sealId) => [
        { kind: 'person', name: kit.member.name, userId: kit.member.userId, account: kit.member.mobile },
        { kind: 'organization', name: kit.enterprise.name, enterpriseId: A, seal: sealId },
        { kind: 'person', name: outsider.name, userId: outsider.userId, account: outsider.mobile },
      ], `A-${role}`);
    }
    const b = await kit.otherEnterprise();
    const bOwner: Actor = { kind: 'member', userId: b.admin.userId, enterpriseId: b.id, roles: ['super_admin'] };
    const bFx = await fixtures({ id: b.id, owner: bOwner, sealAdminUserId: b.sealAdmin.userId, challenger: { userId: b.admin.userId, actor: bOwner } }, (sealId) => [
      { kind: 'person', name: b.admin.name, userId: b.admin.userId },
      { kind: 'organization', name: b.name, enterpriseId: b.id, seal: sealId },
    ], 'B-机密');
    other = bFx;
    otherMarkers = [...bFx.markers, b.name, b.admin.userId, b.sealAdmin.userId, b.seal.id, b.app.appId];
    otherContractBefore = JSON.stringify(await pl.workflow.collections.contracts.get(other.contractId));

    callers = {
      super_admin: kit.admin.call, system_admin: sysAdmin.call, seal_admin: kit.sealAdmin.call, template_admin: tplAdmin.call,
      member: kit.member.call, person: outsider.call, app: appCaller(kit.srv, kit.app),
      link: linkCaller(kit.srv.baseUrl, own.link.linkToken!),
    };
  });
  after(async () => kit?.close());

  /** Classifies a response: does it meet `want`? */
  const meets = (want: Outcome, status: number, body: { details?: { in?: string } } | undefined): boolean => {
    if (status >= 500) return false;
    const validation = status === 400 && typeof body?.details?.in === 'string';
    switch (want) {
      case 'ok': return status < 300 || (status >= 400 && ![401, 403, 404].includes(status) && !validation);
      case 'forbidden': return status === 403;
      case 'hidden': return status === 404;
      case 'denied': return status === 403 || status === 404;
      case 'refused': return status >= 400 && !validation;
      case 'any': return true;
    }
  };

  it('covers every route in the registry with the documented outcome per role, and never lets one tenant see another\'s data', async () => {
    const routes = registry.routes.filter((r) => !r.page);
    assert.ok(routes.length >= 40, `only ${routes.length} routes`);
    // Routes without a documented outcome are still checked for isolation; their own-tenant
    // outcome is only required to be no internal error. Say which, loudly.
    const undocumented = routes.map(keyOf).filter((k) => !EXPECT[k]);
    if (undocumented.length) {
      console.warn(`\n  !!! tenant-isolation: no documented per-role outcome for ${undocumented.length} route(s); only isolation is checked for them.\n      Add them to EXPECT in server/src/acceptance/tenant-isolation.spec.ts:\n      ${undocumented.join('\n      ')}\n`);
    }
    const unfillable: string[] = [];
    for (const r of routes) {
      for (const p of [...r.path.matchAll(/:([A-Za-z][A-Za-z0-9_]*)/g)].map((m) => m[1])) {
        if (!(p in other)) unfillable.push(`${keyOf(r)} needs a fixture named "${p}": add it to Fixtures and to fixtures() in tenant-isolation.spec.ts`);
      }
    }
    assert.deepEqual(unfillable, [], unfillable.join('\n'));

    const ordered = [...routes].sort((x, y) => phase(keyOf(x), x) - phase(keyOf(y), y));
    let requests = 0;
    for (const r of ordered) {
      const key = keyOf(r);
      for (const role of ROLES) {
        for (const tenant of ['other', 'own'] as const) {
          const fx = tenant === 'own' ? own[role] : other;
          const used = new Set<string>();
          const path = r.path.replace(/:([A-Za-z][A-Za-z0-9_]*)/g, (_m, p: string) => {
            if (TENANT_PARAMS.has(p)) used.add(p);
            return encodeURIComponent(String(fx[p as keyof Fixtures]));
          });
          let body: unknown;
          let contentType: string | undefined;
          if (r.body?.kind === 'json') {
            body = BODIES[key] ? BODIES[key](fx, kit.font) : sampleOf(r.body.schema, registry, fx, used);
            if (BODIES[key]) for (const k of TENANT_PARAMS) if (JSON.stringify(body).includes(String(fx[k as keyof Fixtures]))) used.add(k);
          } else if (r.body?.kind === 'binary') {
            const types = r.body.contentTypes;
            contentType = types.includes('application/pdf') ? 'application/pdf' : types.includes('image/svg+xml') ? 'image/svg+xml' : types[0];
            body = contentType === 'application/pdf' ? sample(kit.font).basePdf : contentType === 'image/svg+xml' ? new TextEncoder().encode(SVG) : new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]);
          }
          const q = sampleOf(r.query, registry, fx, used) as Record<string, unknown> | undefined;
          const query = q && Object.keys(q).length ? `?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
          // Without the other tenant's ids the request is the same as the own one: run it once.
          if (tenant === 'other' && used.size === 0) continue;
          const res = await callers[role](r.method.toUpperCase(), path + query, body, contentType);
          requests++;
          const raw = Buffer.from(await res.arrayBuffer());
          const text = raw.toString('utf8');
          let json: { code?: string; message?: string; details?: { in?: string } } | undefined;
          try { json = JSON.parse(text); } catch { json = undefined; }
          const where = `${key} as ${role} with ${tenant} ids → ${res.status} ${json?.code ?? ''} ${(json?.message ?? '').slice(0, 160)}`;
          // Nobody ever sees the other tenant's data, whatever they ask.
          const sent = `${path} ${JSON.stringify(body ?? '')}`;
          const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
          for (const m of otherMarkers) {
            if (m && !sent.includes(m) && (raw.includes(Buffer.from(m, 'utf8')) || headers.includes(m) || decodeURIComponent(headers).includes(m))) failures.push(`${where}: the answer shows the other tenant's "${m}"`);
          }
          if (res.status >= 500 && (EXPECT[key] || res.status === 500)) failures.push(`${where}: server error`);
          if (tenant === 'other') {
            if (res.status < 300) failures.push(`${where}: another tenant's ids (${[...used].join(', ')}) must never succeed`);
            continue;
          }
          const accepted = r.auth.includes(role === 'app' ? 'app' : role === 'link' ? 'link' : 'session') || r.auth.includes('public');
          const e = EXPECT[key];
          if (!e) {
            if (res.status === 500) failures.push(`${where}: internal error`);
            continue;
          }
          const want: Outcome = !accepted ? 'refused' : (e[role] ?? (MEMBER_ROLES.includes(role) ? e.members : undefined) ?? e.default ?? 'denied');
          if (!accepted && res.status !== 401) failures.push(`${where}: a ${role} credential is not accepted here and must get 401`);
          else if (accepted && !meets(want, res.status, json)) {
            failures.push(`${where}: expected ${want}${res.status === 400 && json?.details?.in ? ' (the generated request is invalid: give a body in BODIES)' : ''}`);
          }
        }
      }
    }
    assert.ok(requests > routes.length * ROLES.length, `${requests} requests`);
    assert.equal(JSON.stringify(await kit.srv.platform.workflow.collections.contracts.get(other.contractId)), otherContractBefore, 'the other tenant\'s contract is unchanged');
    assert.deepEqual(failures, [], `${failures.length} problem(s):\n${failures.join('\n')}`);
  });
});
