/**
 * The OA connector mounted on a real Signet server, driven through the real Lark SDK against a
 * fake Lark on 127.0.0.1: provisioning, the URL challenge, encrypted and signed events (and
 * tampered, replayed and duplicated ones), the whole loop from an approval to a stamped PDF in the
 * approval's comments, the seal ledger, refusals with their reasons, and a counterparty who signs
 * after the stamp.
 */
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { derToPem, verifyPdf } from '@signet/core';
import { larkEncrypt, larkSignature } from '@signet/connector-oa';
import { makeNssDb, pdfsig, qpdfCheck, requireTool, run, tempDir } from '@signet/test-support';
import { samplePdf } from '../http/routes/tenant-fixtures.js';
import { eventually, startOaTestKit, type OaTestKit } from './oa-test-kit.js';

type Ledger = { items: { id: string; sealId: string; contractId: string; outcome: string; reason?: string; authority?: { kind: string; system?: string; instanceCode?: string; approvers?: { name: string; userId?: string; at: string }[] } }[] };

describe('OA connector: a seal-use approval (用印申请) in Lark stamps the company seal and writes the result back', function () {
  this.timeout(120_000);
  let kit: OaTestKit;
  let tmp: { dir: string; cleanup: () => void };
  let nss: { nssDir: string; cleanup: () => void };
  const app = () => kit.srv.signedFetch({ appId: kit.app.appId, secret: kit.app.secret });
  const ledgerOf = async (contractId: string): Promise<Ledger['items']> => {
    const res = await app()(`/api/v1/seal-ledger?contractId=${encodeURIComponent(contractId)}`);
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as Ledger).items;
  };
  const comments = (code: string) => kit.lark.instances.get(code)!.comments;
  const download = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const stampJob = async (instanceCode: string) => {
    const id = await kit.srv.platform.queue.enqueue('oa.stamp', { key: `lark:${instanceCode}` }, { idempotencyKey: `lark:${instanceCode}` });
    return (await kit.srv.platform.queue.get(id))!;
  };
  const approveAndPush = async (code: string) => {
    kit.lark.approve(code);
    const r = await kit.lark.push(kit.eventsUrl, code, kit.keys);
    assert.equal(r.res.status, 200, await r.res.clone().text());
    return r;
  };

  before(async function () {
    requireTool(this, 'pdfsig', 'poppler-utils');
    requireTool(this, 'certutil', 'libnss3-tools');
    requireTool(this, 'qpdf', 'qpdf');
    kit = await startOaTestKit();
    tmp = tempDir('signet-oa-');
    nss = makeNssDb([derToPem(kit.srv.installation.pki.rootCertificate)]);
  });
  after(async () => {
    nss?.cleanup();
    tmp?.cleanup();
    await kit?.close();
  });

  it('provisions the 用印申请 definition with the enterprise\'s enabled seals as options, and subscribes to its events', () => {
    const d = kit.lark.definitions.get(kit.approvalCode)!;
    assert.ok(d.subscribed, 'subscribed to the definition\'s events');
    assert.deepEqual(d.widgets.map((w) => w.id), [
      'signet_document', 'signet_seal', 'signet_use_type', 'signet_reason', 'signet_counterparty', 'signet_copies',
      'signet_counterparty_signs', 'signet_counterparty_signer', 'signet_counterparty_mobile',
    ]);
    const seal = d.widgets.find((w) => w.id === 'signet_seal')!;
    assert.deepEqual((seal.value as { key: string }[]).map((o) => o.key).sort(), [kit.seal.id, kit.unauthorizedSeal.id, kit.disabledSeal.id].sort());
    assert.deepEqual((seal.value as { text: string }[]).map((o) => d.texts.get(o.text)).sort(), ['公章', '合同专用章', '旧章'].sort());
    assert.equal(d.widgets.find((w) => w.id === 'signet_document')!.type, 'attachmentV2');
  });

  it('answers Lark\'s URL challenge, and refuses one with a wrong verification token', async () => {
    const ok = kit.lark.challengePush(kit.keys.verificationToken, kit.keys.encryptKey);
    const res = await kit.lark.send(kit.eventsUrl, ok);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { challenge: ok.challenge });
    const bad = await kit.lark.send(kit.eventsUrl, kit.lark.challengePush('not-the-token', kit.keys.encryptKey));
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { code: string }).code, 'OA_EVENT_INVALID');
  });

  let stamped: { code: string; contractId: string; pdf: Uint8Array; eventId: string; push: { headers: Record<string, string>; body: string } };

  it('on APPROVED: downloads the attachment, stamps it under the approval\'s authority, comments 已用印 with the stamped PDF and the verify link, and the ledger holds the use', async () => {
    const inst = kit.submit(samplePdf(2, 'Purchase contract'));
    const { eventId, push } = await approveAndPush(inst.instanceCode);
    const r = await kit.until(inst.instanceCode, ['completed'], () => comments(inst.instanceCode).length > 0);
    assert.ok(r.contractId);
    assert.equal(r.sealId, kit.seal.id);
    assert.equal(r.ledgerEntryIds?.length, 1);

    const [c] = comments(inst.instanceCode);
    assert.match(c.text, /^已用印 Stamped/);
    assert.ok(c.text.includes(`${kit.srv.baseUrl}/verify`), c.text);
    assert.ok(c.text.includes(r.contractId!), c.text);
    assert.equal(c.userId, kit.lark.users[0].openId, 'commented as the applicant');
    assert.equal(c.files.length, 1);
    assert.match(c.files[0].title, /（已用印）\.pdf$/);
    const pdf = await download(c.files[0].url);
    assert.equal(c.files[0].fileSize, pdf.length);

    const report = verifyPdf(pdf, { trustAnchors: [kit.srv.installation.pki.rootCertificate] });
    assert.ok(report.valid, report.summary);
    const sigs = report.signatures.filter((s) => s.type === 'signature');
    assert.equal(sigs.length, 1, 'one stamp');
    const file = join(tmp.dir, 'stamped.pdf');
    writeFileSync(file, pdf);
    const out = pdfsig(file, nss.nssDir);
    const bySigners = out.signatures.filter((s) => !/Signature Field Name: DocTimeStamp/.test(s.raw));
    assert.equal(bySigners.length, 1, out.stdout);
    assert.equal(bySigners[0].validation, 'Signature is Valid.', bySigners[0].raw);
    assert.equal(bySigners[0].certificate, 'Certificate is Trusted.', bySigners[0].raw);
    assert.ok(qpdfCheck(file).clean);

    const ledger = await ledgerOf(r.contractId!);
    assert.equal(ledger.length, 1);
    assert.equal(ledger[0].id, r.ledgerEntryIds![0]);
    assert.equal(ledger[0].outcome, 'stamped');
    assert.equal(ledger[0].sealId, kit.seal.id);
    assert.equal(ledger[0].authority?.kind, 'approval');
    assert.equal(ledger[0].authority?.system, 'lark');
    assert.equal(ledger[0].authority?.instanceCode, inst.instanceCode);
    assert.deepEqual(ledger[0].authority?.approvers?.map((a) => [a.name, a.userId]), [['李审批', 'ou_approver_0002']]);

    const history = await (await app()(`/api/v1/contracts/${r.contractId}/history`)).text();
    assert.ok(history.includes(inst.instanceCode), 'the instance code is in the audit log');
    stamped = { code: inst.instanceCode, contractId: r.contractId!, pdf, eventId, push };
  });

  it('a duplicated event (Lark\'s retry: same event id) and a second APPROVED event of the same instance stamp nothing twice', async () => {
    const dup = await kit.lark.push(kit.eventsUrl, stamped.code, kit.keys, stamped.eventId);
    assert.equal(dup.res.status, 200);
    assert.deepEqual(await dup.res.json(), { msg: 'duplicate' });
    const again = await kit.lark.push(kit.eventsUrl, stamped.code, kit.keys);
    assert.equal(again.res.status, 200);
    const job = await stampJob(stamped.code);
    assert.equal(job.state, 'done');
    assert.equal(job.attempts, 1, 'the stamping job ran once');
    assert.equal((await ledgerOf(stamped.contractId)).length, 1);
    assert.equal(comments(stamped.code).length, 1);
    const r = (await kit.request(stamped.code))!;
    assert.equal(r.outcome, 'completed');
    assert.equal(r.statuses.filter((s) => s.status === 'APPROVED').length, 2, 'both distinct events are on record');
  });

  it('refuses a replayed push (the same bytes and headers) with 401', async () => {
    const res = await kit.lark.send(kit.eventsUrl, stamped.push);
    assert.equal(res.status, 401);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, 'OA_EVENT_INVALID');
    assert.match(body.message, /replay/);
  });

  it('refuses tampered, unsigned, stale, unencrypted and wrong-token pushes, and records nothing for them', async () => {
    const inst = kit.submit(samplePdf(1, 'Tampered'));
    kit.lark.approve(inst.instanceCode);
    const ev = kit.lark.event(inst.instanceCode, kit.keys.verificationToken);
    const good = kit.lark.signedPush(ev, kit.keys.encryptKey);
    const refused = async (push: { headers: Record<string, string>; body: string }, why: RegExp) => {
      const res = await kit.lark.send(kit.eventsUrl, push);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(res.status, 401, JSON.stringify(body));
      assert.equal(body.code, 'OA_EVENT_INVALID');
      assert.match(body.message, why);
    };
    // The body re-encrypted (another event) under the original signature.
    await refused({ headers: good.headers, body: JSON.stringify({ encrypt: larkEncrypt(JSON.stringify({ ...ev, uuid: 'forged' }), kit.keys.encryptKey) }) }, /does not match/);
    // One character of the ciphertext changed.
    const flipped = good.body.replace(/"encrypt":"(.)/, (_m, ch: string) => `"encrypt":"${ch === 'A' ? 'B' : 'A'}`);
    await refused({ headers: good.headers, body: flipped }, /does not match/);
    const unsigned = Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== 'x-lark-signature'));
    await refused({ headers: unsigned, body: good.body }, /header is missing/);
    const old = Math.floor(Date.now() / 1000) - 8 * 3600;
    await refused(kit.lark.signedPush(ev, kit.keys.encryptKey, { timestamp: old }), /timestamp/);
    await refused({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ev) }, /not encrypted/);
    await refused(kit.lark.signedPush({ ...ev, token: 'wrong' }, kit.keys.encryptKey), /verification token/);
    // Signed with another key (as someone without our keys would).
    const other = kit.lark.signedPush(ev, 'not-our-encrypt-key');
    await refused(other, /does not match|decrypt/);
    const body = JSON.stringify({ encrypt: larkEncrypt(JSON.stringify(ev), kit.keys.encryptKey) });
    await refused({ headers: { ...good.headers, 'x-lark-signature': larkSignature(good.headers['x-lark-request-timestamp'], good.headers['x-lark-request-nonce'], 'wrong-key', body) }, body }, /does not match/);
    assert.equal(await kit.request(inst.instanceCode), undefined, 'no request was recorded');
    // The genuine push still goes through.
    assert.equal((await kit.lark.send(kit.eventsUrl, good)).status, 200);
    await kit.until(inst.instanceCode, ['completed']);
  });

  for (const [what, settle, outcome] of [
    ['rejected', (k: OaTestKit, c: string) => k.lark.reject(c), 'rejected'],
    ['canceled (撤回)', (k: OaTestKit, c: string) => k.lark.cancel(c), 'canceled'],
    ['deleted', (k: OaTestKit, c: string) => k.lark.remove(c), 'deleted'],
  ] as const) {
    it(`a ${what} request stamps nothing and records the outcome`, async () => {
      const inst = kit.submit(samplePdf(1, what));
      settle(kit, inst.instanceCode);
      const r = await kit.lark.push(kit.eventsUrl, inst.instanceCode, kit.keys);
      assert.equal(r.res.status, 200);
      const req = await kit.until(inst.instanceCode, [outcome]);
      assert.equal(req.contractId, undefined, 'no contract was made');
      assert.equal(req.ledgerEntryIds, undefined);
      assert.equal(comments(inst.instanceCode).length, 0);
    });
  }

  it('an event that says APPROVED while Lark says otherwise stamps nothing (the instance is read back first)', async () => {
    const inst = kit.submit(samplePdf(1, 'Forged status'));
    kit.lark.reject(inst.instanceCode);
    const ev = kit.lark.event(inst.instanceCode, kit.keys.verificationToken);
    (ev.event as { status: string }).status = 'APPROVED';
    assert.equal((await kit.lark.send(kit.eventsUrl, kit.lark.signedPush(ev, kit.keys.encryptKey))).status, 200);
    await eventually('the stamping job to finish', async () => (await stampJob(inst.instanceCode)).state === 'done');
    const r = (await kit.request(inst.instanceCode))!;
    assert.equal(r.contractId, undefined);
    assert.equal(r.status, 'REJECTED');
    assert.equal(r.outcome, 'rejected');
  });

  describe('a document that cannot be stamped gets a comment saying why, in Chinese and English', () => {
    const refusedFor = async (inst: { instanceCode: string }, code: string, text: RegExp) => {
      await approveAndPush(inst.instanceCode);
      const r = await kit.until(inst.instanceCode, ['refused'], () => comments(inst.instanceCode).length > 0);
      assert.equal(r.error?.code, code);
      const [c] = comments(inst.instanceCode);
      assert.match(c.text, /^未能用印 Not stamped/);
      assert.match(c.text, text);
      assert.match(c.text, /请处理后重新提交用印申请。Fix this and submit a new seal-use request\./);
      assert.equal(c.files.length, 0);
      return r;
    };

    it('not a PDF', async () => {
      const r = await refusedFor(kit.submit(new TextEncoder().encode('这不是 PDF，只是文字。'), { name: '说明.pdf' }), 'PDF_NOT_PDF', /PDF/);
      assert.equal(r.contractId, undefined);
    });

    it('an encrypted PDF', async () => {
      writeFileSync(join(tmp.dir, 'plain.pdf'), samplePdf(1, 'Secret'));
      const q = run('qpdf', ['--encrypt', 'user', 'owner', '256', '--', join(tmp.dir, 'plain.pdf'), join(tmp.dir, 'enc.pdf')]);
      assert.equal(q.status, 0, q.stderr);
      await refusedFor(kit.submit(readFileSync(join(tmp.dir, 'enc.pdf')), { name: '加密合同.pdf' }), 'PDF_ENCRYPTED', /qpdf --decrypt/);
    });

    it('a disabled seal', async () => {
      await refusedFor(kit.submit(samplePdf(1, 'Old seal'), { seal: kit.disabledSeal.id }), 'SEAL_DISABLED', /旧章.*已停用.*disabled/s);
    });

    it('a seal without a standing auto-stamp authorization for the connector: the contract made for it is revoked, and the ledger records the refusal', async () => {
      const r = await refusedFor(kit.submit(samplePdf(1, 'No authorization'), { seal: kit.unauthorizedSeal.id }), 'SEAL_NOT_GRANTED', /授权.*authorization/s);
      assert.ok(r.contractId);
      const contract = (await (await app()(`/api/v1/contracts/${r.contractId}`)).json()) as { state: string };
      assert.equal(contract.state, 'revoked');
      const ledger = await ledgerOf(r.contractId!);
      assert.deepEqual(ledger.map((l) => [l.outcome, l.reason]), [['refused', 'SEAL_NOT_GRANTED']]);
    });
  });

  it('when the counterparty must sign, sends them the contract after the stamp, and attaches the final PDF once they signed', async () => {
    const p = await kit.person();
    const inst = kit.submit(samplePdf(1, 'Two parties'), { counterparty: { signer: p.name, mobile: p.mobile } });
    await approveAndPush(inst.instanceCode);
    const r = await kit.until(inst.instanceCode, ['stamped'], () => comments(inst.instanceCode).length === 1);
    assert.match(comments(inst.instanceCode)[0].text, /已发送相对方签署/);

    const contract = (await (await p.client.fetch(`/api/v1/contracts/${r.contractId}`)).json()) as { signers: { id: string; kind: string; state: string }[] };
    assert.deepEqual(contract.signers.map((s) => [s.kind, s.state === 'signed']), [['organization', true], ['person', false]], 'stamped first, the counterparty next');
    const ch = await p.client.fetch('/api/v1/willingness', { json: { contractIds: [r.contractId], method: 'password' } });
    assert.equal(ch.status, 201, await ch.clone().text());
    const { challengeId } = (await ch.json()) as { challengeId: string };
    const proof = await p.client.fetch(`/api/v1/willingness/${challengeId}/confirm`, { json: { password: p.signingPassword } });
    assert.equal(proof.status, 200, await proof.clone().text());
    const { proofId } = (await proof.json()) as { proofId: string };
    const signed = await p.client.fetch(`/api/v1/contracts/${r.contractId}/sign`, { json: { proofId } });
    assert.equal(signed.status, 200, await signed.clone().text());

    await kit.until(inst.instanceCode, ['completed'], () => comments(inst.instanceCode).length === 2);
    const last = comments(inst.instanceCode)[1];
    assert.match(last.text, /^合同已完成 Completed/);
    assert.match(last.files[0].title, /（已完成）\.pdf$/);
    const final = await download(last.files[0].url);
    const report = verifyPdf(final, { trustAnchors: [kit.srv.installation.pki.rootCertificate] });
    assert.ok(report.valid, report.summary);
    assert.equal(report.signatures.filter((s) => s.type === 'signature').length, 2, 'the stamp and the counterparty\'s signature');
  });

  it('files a request in Lark on behalf of the Word add-in (upload to the approval file endpoint, then the instance), and stamps it once approved', async () => {
    const admin = await kit.srv.demoAdmin();
    const up = await admin.fetch('/api/v1/files?name=%E6%9C%8D%E5%8A%A1%E5%90%88%E5%90%8C.pdf', { method: 'POST', body: samplePdf(1, 'From Word') as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/pdf' } });
    assert.equal(up.status, 201, await up.clone().text());
    const { fileId } = (await up.json()) as { fileId: string };
    const body = { fileId, sealId: kit.seal.id, reason: '服务合同用印', applicant: { mobile: kit.lark.users[0].mobile }, requestId: 'word-req-1' };
    const res = await admin.fetch('/api/v1/oa/lark/instances', { json: body });
    assert.equal(res.status, 201, await res.clone().text());
    const { instanceCode } = (await res.json()) as { instanceCode: string };
    const again = await admin.fetch('/api/v1/oa/lark/instances', { json: body });
    assert.equal(((await again.json()) as { instanceCode: string }).instanceCode, instanceCode, 'idempotent on requestId');

    const inst = kit.lark.instances.get(instanceCode)!;
    assert.equal(inst.applicant.openId, kit.lark.users[0].openId);
    const file = kit.lark.files.get((inst.form.find((w) => w.id === 'signet_document')!.value as string[])[0])!;
    assert.equal(file.name, '服务合同.pdf');
    assert.equal((await kit.request(instanceCode))!.status, 'PENDING');
    await approveAndPush(instanceCode);
    await kit.until(instanceCode, ['completed'], () => comments(instanceCode).length === 1);
  });

  it('answers 404 for another enterprise\'s app, and the routes say what to configure', async () => {
    const other = await kit.srv.registerApp('ent_other_tenant', 'stranger');
    const res = await kit.srv.signedFetch({ appId: other.appId, secret: other.secret })(`/api/v1/oa/requests?instanceId=${stamped.code}`);
    assert.equal(res.status, 404);
  });
});
