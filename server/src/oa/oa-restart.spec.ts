/**
 * Durability of the OA connector: a server killed (SIGKILL) in the middle of a stamping job, after
 * the stamp and before the approval was told, finishes the job once after a restart: one stamp,
 * one ledger entry, one comment.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { seedDemo, verifyPdf, type Actor } from '@signet/core';
import { TEST_SCRYPT_PARAMS } from '@signet/core/testing';
import { HttpSignetApi, SdkLarkApprovalApi, provisionSealUseApproval, type OaConnectorConfig } from '@signet/connector-oa';
import { startFakeLark, type FakeLark } from '@signet/connector-oa/testing';
import { cjkFontBytes, tempDir } from '@signet/test-support';
import { createApp } from '../app.js';
import { RecordAppCredentialStore } from '../auth/app-credential-store.js';
import { signedFetch } from '../auth/sign-request.js';
import { openInstallation } from '../installation.js';
import { openPlatform, type OpenedPlatform } from '../platform.js';
import { samplePdf } from '../http/routes/tenant-fixtures.js';
import { eventually } from './oa-test-kit.js';

/** Opens the platform over `dir` with the app listening on 127.0.0.1. */
async function serve(dir: string): Promise<{ platform: OpenedPlatform; url: string; close(): Promise<void> }> {
  let url = 'http://127.0.0.1:1';
  const installation = openInstallation({ dataDir: dir, create: true, baseUrl: url });
  const platform = await openPlatform({ installation, baseUrl: () => url, font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS });
  await platform.start();
  const server = await new Promise<Server>((resolve) => {
    const s = createApp({ installation, platform }).listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    platform, url,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await platform.close();
    },
  };
}

describe('OA connector: a restart in the middle of a stamping job', function () {
  this.timeout(120_000);
  let lark: FakeLark;
  let tmp: { dir: string; cleanup: () => void };
  before(async () => {
    lark = await startFakeLark();
    tmp = tempDir('signet-oa-restart-');
  });
  after(async () => {
    await lark?.close();
    tmp?.cleanup();
  });

  it('finishes the job once: one stamp, one ledger entry, one comment', async () => {
    const dataDir = join(tmp.dir, 'data');
    // 1. An installation with the demo enterprise, an authorized seal, the connector's app and the provisioned approval.
    const first = await serve(dataDir);
    const demo = await seedDemo({ directory: first.platform.directory, realName: first.platform.realName, passwords: first.platform.passwords });
    const admin: Actor = { kind: 'member', userId: demo.admin.id, enterpriseId: demo.enterprise.id, roles: ['super_admin'] };
    const seal = await first.platform.workflow.seals.create(admin, { name: '合同专用章', category: 'contract', spec: { type: 'round', name: demo.enterprise.name, sealType: '合同专用章' } });
    const app = await new RecordAppCredentialStore(first.platform.deps.records, first.platform.deps.installation.masterKey).register({ enterpriseId: demo.enterprise.id, name: 'OA connector' });
    await first.platform.workflow.seals.authorizeAutoStamp(admin, { seal: seal.id, scope: { appIds: [app.appId] }, expiresAt: new Date(Date.now() + 86_400_000) });
    const { approvalCode } = await provisionSealUseApproval(
      new SdkLarkApprovalApi({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.url }),
      new HttpSignetApi({ baseUrl: first.url, credentials: { appId: app.appId, appSecret: app.secret } }),
    );
    await first.close();

    const keys = { encryptKey: randomBytes(16).toString('hex'), verificationToken: randomBytes(16).toString('hex') };
    const config: OaConnectorConfig = {
      signet: { baseUrl: 'set by the server', appId: app.appId, appSecret: app.secret },
      lark: { appId: lark.appId, appSecret: lark.appSecret, domain: lark.url, ...keys, approvalCode },
      jobs: { leaseMs: 2000, backoffMs: 200, maxBackoffMs: 1000 },
    };
    const configFile = join(tmp.dir, 'oa.json');
    writeFileSync(configFile, JSON.stringify(config));

    // 2. The server runs in a child process; Lark hangs when the stamped PDF is uploaded for the comment.
    const fixture = fileURLToPath(new URL('./oa-crash.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, configFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let childUrl = '';
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('listening ')) {
        childUrl = line.slice('listening '.length);
        break;
      }
    }
    assert.ok(childUrl, 'the child server started');
    const hung = lark.hold(/^\/approval\/openapi\/v2\/file\/upload$/);
    const code = lark.attach(samplePdf(1, 'Crash'), '框架协议.pdf');
    const inst = lark.submit(approvalCode, lark.users[0].openId, [
      { id: 'signet_document', type: 'attachmentV2', value: [code] },
      { id: 'signet_seal', type: 'radioV2', value: seal.id },
      { id: 'signet_use_type', type: 'radioV2', value: 'contract' },
      { id: 'signet_reason', type: 'textarea', value: '框架协议用印' },
      { id: 'signet_copies', type: 'number', value: 1 },
      { id: 'signet_counterparty_signs', type: 'radioV2', value: 'no' },
    ]);
    lark.approve(inst.instanceCode);
    const pushed = await lark.push(`${childUrl}/lark/events`, inst.instanceCode, keys);
    assert.equal(pushed.res.status, 200, await pushed.res.text());
    await hung.reached;
    child.kill('SIGKILL');
    await exited;
    hung.release();

    // 3. Restarted, the server's queue takes the job again once the dead worker's lease runs out.
    const second = await serve(dataDir);
    try {
      second.platform.oa.configure({ ...config, signet: { ...config.signet, baseUrl: second.url } });
      const call = signedFetch({ appId: app.appId, secret: app.secret }, second.url);
      const view = await eventually('the job to finish after the restart', async () => {
        const r = (await (await call(`/api/v1/oa/requests?instanceId=${inst.instanceCode}`)).json()) as { outcome: string; contractId?: string };
        return r.outcome === 'completed' && lark.instances.get(inst.instanceCode)!.comments.length > 0 ? r : undefined;
      });
      // The comment is posted just before the job is marked done: wait for the mark.
      const job = await eventually('the job to be marked done', async () => {
        const j = (await second.platform.queue.get(await second.platform.queue.enqueue('oa.stamp', {}, { idempotencyKey: `lark:${inst.instanceCode}` })))!;
        return j.state === 'done' ? j : undefined;
      });
      assert.equal(job.state, 'done');
      assert.equal(job.attempts, 2, 'the killed attempt, then the one that finished');
      const comments = lark.instances.get(inst.instanceCode)!.comments;
      assert.equal(comments.length, 1, 'one comment');
      const pdf = new Uint8Array(await (await fetch(comments[0].files[0].url)).arrayBuffer());
      const report = verifyPdf(pdf, { trustAnchors: [second.platform.deps.installation.pki.rootCertificate] });
      assert.ok(report.valid, report.summary);
      assert.equal(report.signatures.filter((s) => s.type === 'signature').length, 1, 'stamped once');
      const ledger = (await (await call(`/api/v1/seal-ledger?contractId=${view.contractId}`)).json()) as { items: { outcome: string; authority?: { instanceCode?: string } }[] };
      assert.deepEqual(ledger.items.map((l) => [l.outcome, l.authority?.instanceCode]), [['stamped', inst.instanceCode]]);
      const contracts = (await (await call('/api/v1/contracts?box=all')).json()) as { items: { id: string }[] };
      assert.equal(contracts.items.length, 1, 'one contract for the instance');
    } finally {
      await second.close();
    }
  });
});
