import assert from 'node:assert/strict';
import { FixedClock } from '@signet/core/testing';
import { sampleIdCardNumber } from '@signet/core';
import { createLogger, type LogLevel } from './logger.js';

describe('log/createLogger', () => {
  const id = sampleIdCardNumber(5);
  const capture = () => {
    const lines: { line: string; level: LogLevel }[] = [];
    return { lines, sink: (line: string, level: LogLevel) => lines.push({ line, level }) };
  };

  it('writes one JSON object per line with time, level, message and fields, all masked', () => {
    const { lines, sink } = capture();
    const log = createLogger({ sink, clock: new FixedClock(), bindings: { component: 'identity' } });
    log.info(`verifying ${id} for 13812345678`, { idNumber: id, token: 'tk_abcdef123456', contractId: 'ct_1' });
    assert.equal(lines.length, 1);
    const rec = JSON.parse(lines[0].line);
    assert.deepEqual(rec, {
      time: '2026-01-15T08:00:00.000Z', level: 'info', msg: `verifying ${id.slice(0, 4)}**********${id.slice(-4)} for 138****5678`,
      component: 'identity', idNumber: `${id.slice(0, 4)}**********${id.slice(-4)}`, token: '[REDACTED]', contractId: 'ct_1',
    });
    assert.ok(!lines[0].line.includes(id) && !lines[0].line.includes('tk_abcdef123456'));
  });

  it('writes plain text lines too, masked the same way', () => {
    const { lines, sink } = capture();
    const log = createLogger({ sink, format: 'text', clock: new FixedClock() }).child({ component: 'sms' });
    log.warn('短信发送失败 您的验证码是 889900', { mobile: '13912345678', status: 502, reason: 'gateway timeout' });
    assert.equal(lines[0].line, '2026-01-15T08:00:00.000Z WARN  短信发送失败 您的验证码是 ****** component=sms mobile=139****5678 status=502 reason="gateway timeout"');
    assert.equal(lines[0].level, 'warn');
  });

  it('drops lines below its level and lets children add fields', () => {
    const { lines, sink } = capture();
    const log = createLogger({ sink, level: 'warn', clock: new FixedClock() });
    log.debug('noise');
    log.info('noise');
    log.child({ job: 'job_1' }).error('failed', { err: new Error(`bad card 6222021234567890128`) });
    assert.equal(lines.length, 1);
    const rec = JSON.parse(lines[0].line);
    assert.equal(rec.job, 'job_1');
    assert.equal(rec.err.message, 'bad card ***************0128');
    assert.ok(!lines[0].line.includes('6222021234567890128'));
  });
});
