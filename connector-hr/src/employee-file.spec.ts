import assert from 'node:assert/strict';
import { isSignetError } from '@signet/core';
import { readEmployeeFile } from './employee-file.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
/** GBK bytes of a few fixed strings (Node has no GBK encoder; these are the code points Excel would write). */
const GBK: Record<string, number[]> = { 姓名: [0xd0, 0xd5, 0xc3, 0xfb], 张三: [0xd5, 0xc5, 0xc8, 0xfd], 工号: [0xb9, 0xa4, 0xba, 0xc5] };
function gbk(parts: (string | number[])[]): Uint8Array {
  return new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? (GBK[p] ?? [...Buffer.from(p, 'latin1')]) : p)));
}

describe('readEmployeeFile', () => {
  it('reads an Excel "CSV UTF-8" file (BOM, CRLF, quoted cells with commas and line breaks) with the line each row starts on', () => {
    const f = readEmployeeFile(utf8('\ufeff工号,姓名,地址\r\nE1,张三,"上海市,浦东新区"\r\n\r\nE2,李四,"第一行\r\n第二行"\r\nE3,王五,北京\r\n'));
    assert.equal(f.encoding, 'utf-8-bom');
    assert.deepEqual(f.header, ['工号', '姓名', '地址']);
    assert.deepEqual(f.records.map((r) => [r.row, r.line, r.fields.地址]), [[1, 2, '上海市,浦东新区'], [2, 4, '第一行\r\n第二行'], [3, 6, '北京']]);
    assert.deepEqual(f.problems, []);
  });

  it('detects GBK, the default of Excel on Chinese Windows, and says so', () => {
    const f = readEmployeeFile(gbk(['工号', ',', '姓名', '\r\n', 'E1,', '张三', '\r\n']));
    assert.equal(f.encoding, 'gb18030');
    assert.deepEqual(f.records[0].fields, { 工号: 'E1', 姓名: '张三' });
    assert.match(f.notices[0], /GBK/);
  });

  it('reports a broken row with its line and carries on with the rows after it', () => {
    const f = readEmployeeFile(utf8('id,name\n1,"ok"\n2,"bad"x\n3,fine\n4,a,b\n5,"never closed\n6,last\n'));
    assert.deepEqual(f.records.map((r) => [r.line, r.fields.id]), [[2, '1'], [4, '3'], [7, '6']]);
    assert.deepEqual(f.problems.map((p) => [p.line, p.code]), [[3, 'syntax'], [5, 'columns'], [6, 'syntax']]);
    assert.match(f.problems[0].message, /closing quote/);
    assert.match(f.problems[2].message, /never closed/);
  });

  it('reads tab-separated text and UTF-16 (Excel\'s "Unicode text")', () => {
    const tsv = readEmployeeFile(utf8('工号\t姓名\nE1\t张三\n'));
    assert.equal(tsv.delimiter, '\t');
    assert.deepEqual(tsv.records[0].fields, { 工号: 'E1', 姓名: '张三' });
    const u16 = readEmployeeFile(new Uint8Array([0xff, 0xfe, ...Buffer.from('工号\t姓名\r\nE1\t张三\r\n', 'utf16le')]));
    assert.equal(u16.encoding, 'utf-16le');
    assert.deepEqual(u16.records[0].fields, { 工号: 'E1', 姓名: '张三' });
  });

  it('reads JSON arrays and one-object-a-line JSON with line numbers, a bad line spoiling only itself', () => {
    const a = readEmployeeFile(utf8('[\n  {"工号": "E1", "试用期": 3},\n  {"工号": "E2"},\n  "x"\n]'), { name: 'people.json' });
    assert.equal(a.format, 'json');
    assert.deepEqual(a.records.map((r) => [r.line, r.fields.工号]), [[2, 'E1'], [3, 'E2']]);
    assert.deepEqual(a.problems.map((p) => [p.line, p.code]), [[4, 'syntax']]);
    const nd = readEmployeeFile(utf8('{"工号":"E1"}\n{"工号":\n{"工号":"E3"}\n'), { name: 'people.ndjson' });
    assert.deepEqual(nd.records.map((r) => [r.line, r.fields.工号]), [[1, 'E1'], [3, 'E3']]);
    assert.deepEqual(nd.problems.map((p) => p.line), [2]);
  });

  it('refuses with HR_FILE_UNREADABLE what cannot be read at all: empty, an xlsx workbook, neither UTF-8 nor GBK', () => {
    const refuses = (bytes: Uint8Array, re: RegExp) => assert.throws(() => readEmployeeFile(bytes), (e: unknown) => isSignetError(e, 'HR_FILE_UNREADABLE') && re.test(e.message));
    refuses(new Uint8Array(), /empty/);
    refuses(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), /xlsx/);
    refuses(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xff, 0xff]), /neither UTF-8 nor GBK/);
  });
});
