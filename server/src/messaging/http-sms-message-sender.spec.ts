import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSignetError, OtpService } from '@signet/core';
import { FixedClock, InMemoryFieldCipher, InMemoryRecordStore } from '@signet/core/testing';
import { HttpSmsMessageSender } from './http-sms-message-sender.js';

type Handler = (body: string, req: IncomingMessage, res: ServerResponse) => void;

/** A fake SMS gateway on 127.0.0.1 whose answer each test sets. */
async function fakeGateway() {
  let handler: Handler = (_b, _q, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"ok":true}'); };
  const received: { body: string; headers: IncomingMessage['headers']; url?: string; method?: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => { received.push({ body, headers: req.headers, url: req.url, method: req.method }); handler(body, req, res); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms/send`;
  return { url, received, handle: (h: Handler) => { handler = h; }, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const MSG = { to: '13800138000', template: 'otp', params: { code: '640213', minutes: '5' } };
const secretFree = (e: unknown) => isSignetError(e, 'MESSAGE_SEND_FAILED') && !/640213|13800138000|tok-123|sec-456/.test(e.message);

describe('messaging/HttpSmsMessageSender', () => {
  let gw: Awaited<ReturnType<typeof fakeGateway>>;
  beforeEach(async () => { gw = await fakeGateway(); });
  afterEach(() => gw.close());

  it('POSTs the message as JSON with its text, a bearer token and an HMAC-SHA256 signature over timestamp and body', async () => {
    await new HttpSmsMessageSender(gw.url, { token: 'tok-123', secret: 'sec-456', sign: '签盟' }).send(MSG);
    assert.equal(gw.received.length, 1);
    const r = gw.received[0];
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/sms/send');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers.authorization, 'Bearer tok-123');
    const ts = String(r.headers['x-signet-timestamp']);
    assert.match(ts, /^\d{10}$/);
    assert.equal(r.headers['x-signet-signature'], `sha256=${createHmac('sha256', 'sec-456').update(`${ts}.${r.body}`).digest('hex')}`);
    const j = JSON.parse(r.body);
    assert.match(j.messageId, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ to: j.to, template: j.template, params: j.params, sign: j.sign }, { ...MSG, sign: '签盟' });
    assert.equal(j.text, '【签盟】验证码 640213，5 分钟内有效，请勿告诉他人。Your 签盟 code is 640213, valid for 5 min; never share it.');
  });

  it('sends no Authorization or signature headers when none are configured, and accepts a 2xx without JSON', async () => {
    gw.handle((_b, _q, res) => { res.writeHead(204); res.end(); });
    await new HttpSmsMessageSender(gw.url).send(MSG);
    assert.equal(gw.received[0].headers.authorization, undefined);
    assert.equal(gw.received[0].headers['x-signet-signature'], undefined);
  });

  it('fails with MESSAGE_SEND_FAILED on an error status, naming the gateway but no number, code or credential', async () => {
    gw.handle((_b, _q, res) => { res.writeHead(503); res.end('busy'); });
    await assert.rejects(new HttpSmsMessageSender(gw.url, { token: 'tok-123', secret: 'sec-456' }).send(MSG), (e) => secretFree(e) && /HTTP 503/.test((e as Error).message) && (e as Error).message.includes(gw.url));
  });

  it('fails when the gateway answers {"ok": false}', async () => {
    gw.handle((_b, _q, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"ok":false,"error":"BLACKLISTED"}'); });
    await assert.rejects(new HttpSmsMessageSender(gw.url).send(MSG), (e) => secretFree(e) && /refused the message \(BLACKLISTED\)/.test((e as Error).message));
  });

  it('fails on a closed port and on no answer within the timeout', async () => {
    const url = gw.url;
    gw.handle(() => { /* never answers */ });
    await assert.rejects(new HttpSmsMessageSender(url, { timeoutMs: 200 }).send(MSG), (e) => secretFree(e) && /no answer within 200 ms/.test((e as Error).message));
    await gw.close();
    await assert.rejects(new HttpSmsMessageSender(url).send(MSG), (e) => secretFree(e) && /network error/.test((e as Error).message));
    gw = await fakeGateway();
  });

  it('refuses a URL that is not http(s) or carries credentials', () => {
    for (const u of ['not a url', 'ftp://sms.example.com/', 'https://user:pw@sms.example.com/']) {
      assert.throws(() => new HttpSmsMessageSender(u), (e) => isSignetError(e, 'INVALID_ARGUMENT') && !(e as Error).message.includes('pw@'));
    }
  });

  it('delivers OTP service codes, and a failing gateway surfaces as MESSAGE_SEND_FAILED from the OTP service', async () => {
    const codes: string[] = [];
    gw.handle((body, _q, res) => { codes.push(JSON.parse(body).params.code); res.writeHead(200); res.end('{"ok":true}'); });
    const clock = new FixedClock();
    const otp = new OtpService({ store: new InMemoryRecordStore(), sender: new HttpSmsMessageSender(gw.url), cipher: new InMemoryFieldCipher(), clock });
    await otp.send('13800138000', 'login');
    await otp.verify('13800138000', 'login', codes[0]);
    gw.handle((_b, _q, res) => { res.writeHead(500); res.end(); });
    clock.advance(60_000);
    await assert.rejects(otp.send('13800138000', 'login'), secretFree);
  });
});
