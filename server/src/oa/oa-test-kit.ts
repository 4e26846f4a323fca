/**
 * Test kit of the OA connector specs: a real Signet server (`startPlatformServer`: lowdb in a temp
 * dir, demo enterprise) with the connector mounted, and a fake Lark on 127.0.0.1 that the real SDK
 * talks to. The demo enterprise gets a 合同专用章 with a standing auto-stamp authorization for the
 * connector's app, a 公章 without one, and a 旧章 that is disabled after provisioning, so that the
 * refusals can be played.
 */
import { randomBytes } from 'node:crypto';
import { sampleIdCardNumber, type Actor, type SealRecord } from '@signet/core';
import { HttpSignetApi, SdkLarkApprovalApi, provisionSealUseApproval, type BuiltOaConnector, type OaConnectorConfig, type OaRequestView } from '@signet/connector-oa';
import { startFakeLark, type FakeInstance, type FakeLark } from '@signet/connector-oa/testing';
import type { IssuedAppSecret } from '../auth/app-credential-store.js';
import { startPlatformServer, type PlatformServer } from '../testing/platform-server.js';
import type { SessionClient } from '../testing/session-client.js';

/** The kit. */
export interface OaTestKit {
  srv: PlatformServer;
  lark: FakeLark;
  app: IssuedAppSecret;
  admin: Actor;
  /** 合同专用章, authorized for the connector's app. */
  seal: SealRecord;
  /** 公章: enabled, but without a standing authorization. */
  unauthorizedSeal: SealRecord;
  /** 旧章: offered in the form, disabled afterwards. */
  disabledSeal: SealRecord;
  approvalCode: string;
  keys: { encryptKey: string; verificationToken: string };
  genericSecret: string;
  /** The configuration the connector was (or, with `mount: false`, would be) mounted with. */
  config: OaConnectorConfig;
  /** The mounted connector (none with `mount: false`). */
  connector?: BuiltOaConnector;
  /** `<server>/lark/events`. */
  eventsUrl: string;
  /** An employee files a request in the Lark client with `pdf` attached, and it is approved or not. */
  submit(pdf: Uint8Array, opts?: { seal?: string; name?: string; counterparty?: { signer: string; mobile: string } }): FakeInstance;
  /** The request as the API shows it (app auth). */
  request(instanceId: string, system?: string): Promise<OaRequestView | undefined>;
  /** Waits until the request's outcome is one of `outcomes` (and, optionally, `also` holds). */
  until(instanceId: string, outcomes: string[], also?: () => boolean, system?: string): Promise<OaRequestView>;
  /** A verified person who can sign with a password, logged in. */
  person(): Promise<{ userId: string; name: string; mobile: string; client: SessionClient; signingPassword: string }>;
  close(): Promise<void>;
}

/** Polls `check` until it is truthy (every 50 ms, up to `ms`). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let people = 0;

/** Starts the server, the fake Lark, provisions the approval and mounts the connector. */
export async function startOaTestKit(opts: { config?: (c: OaConnectorConfig) => OaConnectorConfig; mount?: boolean } = {}): Promise<OaTestKit> {
  const srv = await startPlatformServer();
  const lark = await startFakeLark();
  const demo = srv.demo!;
  const admin: Actor = { kind: 'member', userId: demo.admin.id, enterpriseId: demo.enterprise.id, roles: ['super_admin'] };
  const seals = srv.platform.workflow.seals;
  const app = await srv.registerApp(demo.enterprise.id, 'OA connector');
  const seal = await seals.create(admin, { name: '合同专用章', category: 'contract', spec: { type: 'round', name: demo.enterprise.name, sealType: '合同专用章', code: '3101150012345' } });
  const unauthorizedSeal = await seals.create(admin, { name: '公章', category: 'official', spec: { type: 'round', name: demo.enterprise.name } });
  const disabledSeal = await seals.create(admin, { name: '旧章', category: 'other', spec: { type: 'round', name: demo.enterprise.name, sealType: '旧章' } });
  const year = new Date(Date.now() + 365 * 86_400_000);
  await seals.authorizeAutoStamp(admin, { seal: seal.id, scope: { appIds: [app.appId] }, expiresAt: year, purpose: 'OA 用印审批 seal-use approvals' });
  await seals.authorizeAutoStamp(admin, { seal: disabledSeal.id, scope: { appIds: [app.appId] }, expiresAt: year });

  const signetApi = new HttpSignetApi({ baseUrl: srv.baseUrl, credentials: { appId: app.appId, appSecret: app.secret } });
  const larkApi = new SdkLarkApprovalApi({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.url });
  const { approvalCode } = await provisionSealUseApproval(larkApi, signetApi);
  await seals.setEnabled(admin, disabledSeal.id, false);

  const keys = { encryptKey: `ek_${randomBytes(12).toString('hex')}`, verificationToken: `vt_${randomBytes(12).toString('hex')}` };
  const genericSecret = `oa_${randomBytes(16).toString('hex')}`;
  let config: OaConnectorConfig = {
    signet: { baseUrl: srv.baseUrl, appId: app.appId, appSecret: app.secret },
    lark: { appId: lark.appId, appSecret: lark.appSecret, domain: lark.url, ...keys, approvalCode },
    generic: { secret: genericSecret, allowedHosts: ['127.0.0.1'], allowHttp: true },
    jobs: { backoffMs: 200, maxBackoffMs: 2000, leaseMs: 10_000 },
  };
  if (opts.config) config = opts.config(config);
  const connector = opts.mount === false ? undefined : srv.platform.oa.configure(config);
  const call = srv.signedFetch({ appId: app.appId, secret: app.secret });

  const request = async (instanceId: string, system = 'lark'): Promise<OaRequestView | undefined> => {
    const res = await call(`/api/v1/oa/requests?system=${encodeURIComponent(system)}&instanceId=${encodeURIComponent(instanceId)}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET /oa/requests: ${res.status} ${await res.text()}`);
    return (await res.json()) as OaRequestView;
  };

  return {
    srv, lark, app, admin, seal, unauthorizedSeal, disabledSeal, approvalCode, keys, genericSecret, config, connector,
    eventsUrl: `${srv.baseUrl}/lark/events`,
    submit(pdf, o = {}) {
      const code = lark.attach(pdf, o.name ?? '采购合同.pdf');
      const applicant = lark.users[0];
      return lark.submit(approvalCode, applicant.openId, [
        { id: 'signet_document', type: 'attachmentV2', value: [code] },
        { id: 'signet_seal', type: 'radioV2', value: o.seal ?? seal.id },
        { id: 'signet_use_type', type: 'radioV2', value: 'contract' },
        { id: 'signet_reason', type: 'textarea', value: '与供应商签订年度采购合同' },
        { id: 'signet_counterparty', type: 'input', value: '示例供应商有限公司' },
        { id: 'signet_copies', type: 'number', value: 2 },
        { id: 'signet_counterparty_signs', type: 'radioV2', value: o.counterparty ? 'yes' : 'no' },
        ...(o.counterparty ? [
          { id: 'signet_counterparty_signer', type: 'input', value: o.counterparty.signer },
          { id: 'signet_counterparty_mobile', type: 'input', value: o.counterparty.mobile },
        ] : []),
      ]);
    },
    request,
    async until(instanceId, outcomes, also, system = 'lark') {
      let last: OaRequestView | undefined;
      try {
        return await eventually(`request ${instanceId} to be ${outcomes.join('/')}`, async () => {
          const r = (last = await request(instanceId, system));
          return r && outcomes.includes(r.outcome) && (!also || also()) ? r : undefined;
        });
      } catch (e) {
        const job = await srv.platform.queue.get(await srv.platform.queue.enqueue('oa.stamp', { key: `${system}:${instanceId}` }, { idempotencyKey: `${system}:${instanceId}` }));
        throw new Error(`${(e as Error).message}; the request is ${JSON.stringify(last)}; its job ${JSON.stringify(job)}`);
      }
    },
    async person() {
      people++;
      const mobile = `1390${String(process.pid % 1000).padStart(3, '0')}${String(people).padStart(4, '0')}`;
      const name = ['钱相对', '孙对方', '周客户'][people % 3];
      const system: Actor = { kind: 'system', reason: 'oa test kit' };
      const u = await srv.platform.directory.createUser({ mobile, name, loginPassword: 'Person@2026' }, system);
      await srv.platform.realName.startPersonVerification(system, u.id, { name, idNumber: sampleIdCardNumber(4000 + people, { sequenceLastDigit: 1 }), method: 'face', faceToken: 'sandbox-face' });
      await srv.platform.passwords.set(system, u.id, '246813');
      const client = srv.session();
      await client.login(mobile, 'Person@2026');
      return { userId: u.id, name, mobile, client, signingPassword: '246813' };
    },
    async close() {
      await lark.close();
      await srv.close();
    },
  };
}
