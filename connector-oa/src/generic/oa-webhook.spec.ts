import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { isSignetError } from '@signet/core';
import { hostAllowed, parseOaWebhook, signOaWebhook, verifyOaWebhook } from './oa-webhook.js';

describe('generic/oa-webhook', () => {
  const secret = 'a-shared-secret-of-the-oa';
  const now = 1_800_000_000;

  describe('signOaWebhook() / verifyOaWebhook()', () => {
    it('signs "<t>.<raw body>" with HMAC-SHA256, the way Signet signs its own webhooks', () => {
      const body = '{"a":1}';
      const want = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
      assert.equal(signOaWebhook(secret, body, now), `t=${now},v1=${want}`);
      assert.ok(verifyOaWebhook(secret, signOaWebhook(secret, body, now), Buffer.from(body), now + 299));
    });

    it('refuses another body, another secret, a timestamp more than 5 minutes off, and a malformed header', () => {
      const sig = signOaWebhook(secret, '{"a":1}', now);
      assert.ok(!verifyOaWebhook(secret, sig, Buffer.from('{"a":2}'), now));
      assert.ok(!verifyOaWebhook('another-secret', sig, Buffer.from('{"a":1}'), now));
      assert.ok(!verifyOaWebhook(secret, sig, Buffer.from('{"a":1}'), now + 301));
      assert.ok(!verifyOaWebhook(secret, 'v1=zz', Buffer.from('{"a":1}'), now));
      assert.ok(!verifyOaWebhook(secret, undefined, Buffer.from('{"a":1}'), now));
    });
  });

  describe('parseOaWebhook()', () => {
    const ok = { system: 'dingtalk', eventId: 'e1', instanceId: 'PROC-1', status: 'approved', seal: '合同专用章', document: { url: 'https://oa.example.com/a.pdf' }, approvers: [{ name: '张三', at: '2026-01-15T10:00:00+08:00' }] };
    const parse = (o: unknown) => parseOaWebhook(Buffer.from(JSON.stringify(o)));

    it('reads a valid body (the status in any case)', () => {
      const b = parse(ok);
      assert.equal(b.status, 'APPROVED');
      assert.equal(b.approvers![0].name, '张三');
    });

    it('names the field that is wrong', () => {
      for (const [bad, field] of [
        [{ ...ok, system: 'Lark' }, /system/], [{ ...ok, system: 'lark' }, /system/], [{ ...ok, eventId: undefined }, /eventId/],
        [{ ...ok, status: 'DONE' }, /status/], [{ ...ok, seal: undefined }, /seal/], [{ ...ok, document: {} }, /document/],
        [{ ...ok, approvers: [{ name: 'x', at: 'yesterday' }] }, /approvers\[0\]/], [{ ...ok, approvedAt: 'soon' }, /approvedAt/],
      ] as [unknown, RegExp][]) {
        assert.throws(() => parse(bad), (e) => isSignetError(e, 'INVALID_ARGUMENT') && field.test(e.message), String(field));
      }
      assert.throws(() => parseOaWebhook(Buffer.from('[1]')), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });

    it('takes a rejection without seal, document or approvers', () => {
      assert.equal(parse({ system: 'wecom', eventId: 'e2', instanceId: 'SP-1', status: 'REJECTED' }).status, 'REJECTED');
    });
  });

  describe('hostAllowed()', () => {
    it('allows https on listed hosts (and subdomains of *.suffix), http only when asked, never credentials in the URL', () => {
      assert.ok(hostAllowed('https://oa.example.com/x', ['oa.example.com'], false));
      assert.ok(hostAllowed('https://a.b.example.com/x', ['*.example.com'], false));
      assert.ok(!hostAllowed('https://example.com.evil.net/x', ['*.example.com'], false));
      assert.ok(!hostAllowed('http://oa.example.com/x', ['oa.example.com'], false));
      assert.ok(hostAllowed('http://oa.example.com/x', ['oa.example.com'], true));
      assert.ok(!hostAllowed('https://u:p@oa.example.com/x', ['oa.example.com'], false));
      assert.ok(!hostAllowed('https://oa.example.com/x', [], false));
      assert.ok(!hostAllowed('file:///etc/passwd', ['oa.example.com'], true));
    });
  });
});
