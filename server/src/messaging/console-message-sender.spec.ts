import assert from 'node:assert/strict';
import { statSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FixedClock, InMemoryFieldCipher, InMemoryRecordStore } from '@signet/core/testing';
import { OtpService } from '@signet/core';
import { tempDir } from '@signet/test-support';
import { ConsoleMessageSender, DEV_MESSAGE_LOG } from './console-message-sender.js';

describe('messaging/ConsoleMessageSender', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir('signet-devmsg-'); });
  afterEach(() => tmp.cleanup());

  it('appends each message as a JSON line with its zh-CN/English text to dev-messages.log (mode 0600) under the data dir', async () => {
    const s = new ConsoleMessageSender({ dataDir: join(tmp.dir, 'data'), clock: new FixedClock(new Date('2026-01-15T08:00:00Z')) });
    await s.send({ to: '13800138000', template: 'otp', params: { code: '493817', minutes: '5' } });
    await s.send({ to: '13800138001', template: 'invite', params: { enterprise: '示例公司', link: 'https://x.test/join?token=t' } });
    assert.equal(s.path, join(tmp.dir, 'data', DEV_MESSAGE_LOG));
    assert.equal(statSync(s.path).mode & 0o777, 0o600);
    const lines = readFileSync(s.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual(lines[0], {
      at: '2026-01-15T08:00:00.000Z', to: '13800138000', template: 'otp', params: { code: '493817', minutes: '5' },
      text: '【Signet】验证码 493817，5 分钟内有效，请勿告诉他人。Your Signet code is 493817, valid for 5 min; never share it.',
    });
    assert.match(lines[1].text, /示例公司 邀请您加入/);
    assert.equal(await s.latestCode('13800138000'), '493817');
    assert.equal(await s.latestCode('13800138001'), undefined);
    assert.deepEqual((await s.read({ to: '13800138001' })).map((m) => m.template), ['invite']);
  });

  it('prints nothing to stdout or stderr, so no code reaches the request log', async () => {
    const s = new ConsoleMessageSender({ dataDir: tmp.dir });
    const written: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const capture = (chunk: unknown) => { written.push(String(chunk)); return true; };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      await s.send({ to: '13800138000', template: 'otp', params: { code: '771245', minutes: '5' } });
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    assert.deepEqual(written, []);
  });

  it('keeps every one of many concurrent messages, and rotates the log past maxBytes', async () => {
    const s = new ConsoleMessageSender({ dataDir: tmp.dir, maxBytes: 4000 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.send({ to: '13800138000', template: 'otp', params: { code: String(100000 + i), minutes: '5' } })));
    assert.ok(existsSync(`${s.path}.1`));
    const rotated = readFileSync(`${s.path}.1`, 'utf8').trim().split('\n');
    const current = await s.read();
    assert.equal(rotated.length + current.length, 30);
    assert.equal(await s.latestCode('13800138000'), '100029');
  });

  it('reads an empty list before the first message, and skips a torn last line', async () => {
    const s = new ConsoleMessageSender({ dataDir: tmp.dir });
    assert.deepEqual(await s.read(), []);
    await s.send({ to: '13800138000', template: 'otp', params: { code: '123987', minutes: '5' } });
    const { appendFileSync } = await import('node:fs');
    appendFileSync(s.path, '{"at":"2026');
    assert.equal((await s.read()).length, 1);
  });

  it('serves the OTP service: the code in the log passes verification', async () => {
    const sender = new ConsoleMessageSender({ dataDir: tmp.dir });
    const otp = new OtpService({ store: new InMemoryRecordStore(), sender, cipher: new InMemoryFieldCipher(), clock: new FixedClock() });
    await otp.send('13800138000', 'login');
    await otp.verify('13800138000', 'login', (await sender.latestCode('13800138000'))!);
  });
});
