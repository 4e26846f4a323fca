/**
 * The connector as a process of its own (`startOaConnector`, what `signet oa serve` runs), beside a
 * Signet server it reaches only over HTTP: its records and jobs in its own lowdb store, Lark events
 * on its own port, and the contract's completion through Signet's signed webhook.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startOaConnector, type RunningOaConnector } from '@signet/connector-oa';
import { tempDir } from '@signet/test-support';
import { RecordStoreJobQueue } from '../jobs/record-store-job-queue.js';
import { LowdbRecordStore } from '../storage/lowdb-record-store.js';
import { samplePdf } from '../http/routes/tenant-fixtures.js';
import { eventually, startOaTestKit, type OaTestKit } from './oa-test-kit.js';

describe('OA connector: standalone, beside a Signet server', function () {
  this.timeout(120_000);
  let kit: OaTestKit;
  let tmp: { dir: string; cleanup: () => void };
  let records: LowdbRecordStore;
  let running: RunningOaConnector;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;

  before(async () => {
    kit = await startOaTestKit({ mount: false });
    tmp = tempDir('signet-oa-standalone-');
    records = await LowdbRecordStore.open({ dir: join(tmp.dir, 'oa') });
    running = await startOaConnector({
      config: { ...kit.config, signet: { ...kit.config.signet, webhookSecret } },
      records, queue: new RecordStoreJobQueue({ store: records, pollMs: 50 }), port: 0,
    });
    await kit.srv.platform.webhooks.subscribe({ enterpriseId: kit.srv.demo!.enterprise.id, url: `${running.url}/oa/signet/events`, events: ['contract.completed'], secret: webhookSecret });
  });
  after(async () => {
    await running?.stop();
    await records?.close();
    tmp?.cleanup();
    await kit?.close();
  });

  it('answers health checks and refuses an unsigned Signet webhook', async () => {
    assert.equal((await fetch(`${running.url}/healthz`)).status, 200);
    const res = await fetch(`${running.url}/oa/signet/events`, { method: 'POST', body: JSON.stringify({ type: 'contract.completed', subject: 'ct_x' }), headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 401);
  });

  it('stamps an approved request, then attaches the final PDF when Signet\'s webhook says the counterparty signed', async () => {
    const p = await kit.person();
    const inst = kit.submit(samplePdf(1, 'Standalone'), { counterparty: { signer: p.name, mobile: p.mobile } });
    kit.lark.approve(inst.instanceCode);
    const pushed = await kit.lark.push(`${running.url}/lark/events`, inst.instanceCode, kit.keys);
    assert.equal(pushed.res.status, 200, await pushed.res.text());
    const comments = () => kit.lark.instances.get(inst.instanceCode)!.comments;
    const rec = await eventually('the stamp', async () => {
      const r = await running.connector.request('lark', inst.instanceCode).catch(() => undefined);
      return r?.outcome === 'stamped' && comments().length === 1 ? r : undefined;
    });
    assert.equal(await kit.request(inst.instanceCode), undefined, 'the server itself keeps no OA records: they are in the connector\'s store');

    const ch = (await (await p.client.fetch('/api/v1/willingness', { json: { contractIds: [rec.contractId], method: 'password' } })).json()) as { challengeId: string };
    const { proofId } = (await (await p.client.fetch(`/api/v1/willingness/${ch.challengeId}/confirm`, { json: { password: p.signingPassword } })).json()) as { proofId: string };
    assert.equal((await p.client.fetch(`/api/v1/contracts/${rec.contractId}/sign`, { json: { proofId } })).status, 200);

    await eventually('the final PDF in the approval', async () => (await running.connector.request('lark', inst.instanceCode)).outcome === 'completed' && comments().length === 2);
    assert.match(comments()[1].text, /^合同已完成/);
  });
});
