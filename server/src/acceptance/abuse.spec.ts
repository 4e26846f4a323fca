/**
 * Acceptance: abuse against a real server on 127.0.0.1.
 * - A corpus of malformed PDFs made here (not a PDF, truncated, cyclic references, huge object
 *   counts, deep nesting, decompression bombs, wrong xref offsets, encrypted) is uploaded to
 *   `POST /api/v1/verify` and `POST /api/v1/files` (the first step of creating a contract): each
 *   gets a clear 4xx error, nothing is stored, the server's memory stays bounded and nothing hangs
 *   (a generous per-request timeout, no timing assertion).
 * - Oversized uploads: 413 with a clear error, also when the body is streamed without a length.
 * - Slow clients that trickle their headers or body are disconnected by the server's timeouts and
 *   block no other request.
 * - HMAC replay, also of one request sent twice at the same moment.
 * - Brute force of SMS codes, signing passwords and login passwords: locked out after N tries.
 * - Path traversal in file names: neutralised in storage, Content-Disposition and the evidence package.
 * Cross-tenant access is covered route by route in tenant-isolation.spec.ts and bad-input.spec.ts.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { deflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { verifyPdf } from '@signet/core';
import { contractPdf, expectBytes, expectError, expectJson, startAcceptanceKit, type AcceptanceKit } from './acceptance-kit.js';

/** Generous: a request that takes longer than this hangs. */
const REQUEST_TIMEOUT_MS = 30_000;
const UPLOAD_LIMIT = 8 * 1024 * 1024;
const PDF_CODES = /^(PDF_[A-Z_]+|INVALID_ARGUMENT|PAYLOAD_TOO_LARGE)$/;

const enc = (s: string) => Buffer.from(s, 'latin1');

/** A PDF from object bodies (object n is `objects[n - 1]`), with a correct xref table unless told otherwise. */
function pdfOf(objects: (string | Buffer)[], o: { trailer?: string; shiftXref?: number; startxref?: number; header?: string } = {}): Buffer {
  const parts: Buffer[] = [enc(o.header ?? '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  let pos = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pos);
    const b = Buffer.concat([enc(`${i + 1} 0 obj\n`), typeof body === 'string' ? enc(body) : body, enc('\nendobj\n')]);
    parts.push(b);
    pos += b.length;
  });
  const xrefAt = pos;
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) xref += `${String(off + (o.shiftXref ?? 0)).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${o.trailer ?? ''} >>\nstartxref\n${o.startxref ?? xrefAt}\n%%EOF\n`;
  parts.push(enc(xref));
  return Buffer.concat(parts);
}

const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';
const PAGES = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
const PAGE = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>';
const stream = (dict: string, data: Buffer) => Buffer.concat([enc(`<< ${dict} /Length ${data.length} >>\nstream\n`), data, enc('\nendstream')]);

/** The corpus: name → bytes. */
function corpus(font: Uint8Array): [string, Uint8Array][] {
  const good = contractPdf(font);
  // Under the reader's 256 MiB per-stream limit (what pdf.js would inflate for the text layer), and over it.
  const zeros = deflateSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
  const moreZeros = deflateSync(Buffer.alloc(300 * 1024 * 1024), { level: 9 });
  const many = 120_000;
  const nest = (open: string, close: string, n: number) => open.repeat(n) + close.repeat(n);
  return [
    ['not a PDF: a zip', enc('PK\u0003\u0004\u0014\u0000 this is a zip, not a PDF')],
    ['not a PDF: HTML', enc('<!doctype html><html><body>%PDF-1.7 somewhere</body></html>')],
    ['not a PDF: random bytes', randomBytes(4096)],
    ['not a PDF: a header and nothing else', enc('%PDF-1.7\n')],
    ['truncated at half', good.subarray(0, Math.floor(good.length / 2))],
    ['truncated before %%EOF', good.subarray(0, good.length - 30)],
    ['cyclic page tree', pdfOf([CATALOG, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>'])],
    ['cyclic reference chain', pdfOf(['<< /Type /Catalog /Pages 4 0 R >>', PAGES, PAGE, '5 0 R', '4 0 R'])],
    ['(readable) a page content stream whose /Length refers to itself', pdfOf([CATALOG, PAGES, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>', Buffer.concat([enc('<< /Length 4 0 R >>\nstream\n'), enc('BT ET'), enc('\nendstream')])])],
    ['cyclic /Prev chain of xref sections', (() => {
      const base = pdfOf([CATALOG, PAGES, PAGE]);
      const at = base.lastIndexOf('xref\n');
      return Buffer.from(base.toString('latin1').replace('/Root 1 0 R', `/Root 1 0 R /Prev ${at}`), 'latin1');
    })()],
    ['xref claims 100 million objects', Buffer.from(pdfOf([CATALOG, PAGES, PAGE]).toString('latin1').replace('xref\n0 4\n', 'xref\n0 100000000\n').replace('/Size 4', '/Size 100000000'), 'latin1')],
    [`(readable) ${many} real objects`, pdfOf([CATALOG, PAGES, PAGE, ...Array.from({ length: many }, (_, i) => `${i}`)])],
    ['arrays nested 100,000 deep', pdfOf([CATALOG, PAGES, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /X ${nest('[', ']', 100_000)} >>`])],
    ['dictionaries nested 50,000 deep in the trailer', pdfOf([CATALOG, PAGES, PAGE], { trailer: `/X ${nest('<< /A ', ' >>', 50_000)}` })],
    ['(readable) decompression bomb: a 200 MB page content stream', pdfOf([CATALOG, PAGES, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>', stream('/Filter /FlateDecode', zeros)])],
    ['decompression bomb: a 300 MB object stream', (() => {
      // Catalog and pages live in an object stream that inflates to 300 MB; a cross-reference stream points at them.
      const head = enc('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
      const objstm = Buffer.concat([enc('4 0 obj\n'), stream('/Type /ObjStm /N 3 /First 20 /Filter /FlateDecode', moreZeros), enc('\nendobj\n')]);
      const xrefAt = head.length + objstm.length;
      const rows = Buffer.alloc(6 * 6);
      const row = (i: number, t: number, a: number, b: number) => { rows.writeUInt8(t, i * 6); rows.writeUInt32BE(a, i * 6 + 1); rows.writeUInt8(b, i * 6 + 5); };
      row(0, 0, 0, 255); row(1, 2, 4, 0); row(2, 2, 4, 1); row(3, 2, 4, 2); row(4, 1, head.length, 0); row(5, 1, xrefAt, 0);
      const xs = Buffer.concat([enc('5 0 obj\n'), stream('/Type /XRef /Size 6 /W [1 4 1] /Root 1 0 R', rows), enc('\nendobj\n')]);
      return Buffer.concat([head, objstm, xs, enc(`startxref\n${xrefAt}\n%%EOF\n`)]);
    })()],
    ['startxref beyond the end of the file', pdfOf([CATALOG, PAGES, PAGE], { startxref: 9_999_999 })],
    ['startxref into the middle of an object', pdfOf([CATALOG, PAGES, PAGE], { startxref: 20 })],
    ['xref offsets all off by 7 bytes', pdfOf([CATALOG, PAGES, PAGE], { shiftXref: 7 })],
    ['encrypted (Standard security handler)', pdfOf([CATALOG, PAGES, PAGE, '<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <' + 'ab'.repeat(32) + '> /U <' + 'cd'.repeat(32) + '> >>'], { trailer: `/Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]` })],
  ];
}

/** Samples this process's resident memory (the server runs in it) while `fn` runs; returns the peak growth. */
async function peakRssGrowth(fn: () => Promise<void>): Promise<number> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    await fn();
  } finally {
    clearInterval(t);
  }
  return Math.max(peak, process.memoryUsage().rss) - base;
}

/** Opens a raw socket to the server and resolves when the server closes it; `feed` writes to it meanwhile. */
function rawClient(baseUrl: string, feed: (s: Socket) => void): { closed: Promise<string> } {
  const u = new URL(baseUrl);
  const s = connect(Number(u.port), u.hostname);
  let got = '';
  s.on('data', (b) => { got += b.toString('latin1'); });
  const closed = new Promise<string>((resolve, reject) => {
    const guard = setTimeout(() => { s.destroy(); reject(new Error('the server kept a slow client connected for 30 s')); }, REQUEST_TIMEOUT_MS);
    s.once('close', () => { clearTimeout(guard); resolve(got); });
    s.once('error', () => undefined);
  });
  s.once('connect', () => feed(s));
  return { closed };
}

describe('acceptance: abuse is refused, bounded and harmless', function () {
  this.timeout(180_000);
  let kit: AcceptanceKit;
  before(async () => {
    kit = await startAcceptanceKit({ maxUploadBytes: UPLOAD_LIMIT, timeouts: { headersMs: 1500, requestMs: 3000, checkIntervalMs: 100 } });
  });
  after(async () => kit?.close());

  const timed = (path: string, init: RequestInit) => fetch(new URL(path, kit.srv.baseUrl), { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const filesOf = async () => (await kit.srv.platform.files.records.find('tenant', kit.enterprise.id)).length;

  it('answers every malformed PDF of the corpus with a clear 4xx error, on /verify and on upload, with memory bounded and no hang', async () => {
    const items = corpus(kit.font);
    const start = await filesOf();
    const outcomes: string[] = [];
    let accepted = 0;
    const growth = await peakRssGrowth(async () => {
      for (const [name, bytes] of items) {
        // A defect in an object nothing reads at upload or verification (a page's content) leaves the file readable.
        const readable = name.startsWith('(readable)');
        for (const target of ['/api/v1/verify', '/api/v1/files?name=abuse.pdf']) {
          const caller = target.startsWith('/api/v1/files') ? kit.admin.client.fetch.bind(kit.admin.client) : (p: string, i: RequestInit) => timed(p, i);
          const res = await caller(target, { method: 'POST', body: bytes as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/pdf' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
          const text = await res.text();
          if (readable && res.status < 300) {
            outcomes.push(`${name} → ${target.split('?')[0]}: ${res.status} (read without that object)`);
            if (target.startsWith('/api/v1/files')) {
              accepted++;
              // Creating a contract reads the pages' text (for anchor tags): the broken or huge content must not hurt it.
              const { fileId } = JSON.parse(text) as { fileId: string };
              const c = await kit.admin.client.fetch('/api/v1/contracts', { json: { documents: [{ fileId }], signers: [{ kind: 'person', name: kit.member.name, userId: kit.member.userId, fields: [{ file: 0, page: 1, rect: { x: 60, y: 60, w: 150, h: 60 } }] }] }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
              const ct = await c.text();
              assert.ok(c.status === 201 || (c.status >= 400 && c.status < 500 && PDF_CODES.test((JSON.parse(ct) as { code: string }).code)), `${name} → contract: ${c.status} ${ct.slice(0, 300)}`);
              outcomes.push(`${name} → /api/v1/contracts: ${c.status}${c.status === 201 ? '' : ` ${(JSON.parse(ct) as { code: string }).code}`}`);
            }
            continue;
          }
          assert.ok(res.status >= 400 && res.status < 500, `${name} → ${target}: ${res.status} ${text.slice(0, 300)}`);
          const body = JSON.parse(text) as { code: string; message: string };
          assert.match(body.code, PDF_CODES, `${name} → ${target}: ${text.slice(0, 300)}`);
          assert.ok(body.message.length > 15 && !/\n\s+at /.test(body.message), `${name}: a clear message, no stack trace: ${body.message}`);
          outcomes.push(`${name} → ${target.split('?')[0]}: ${res.status} ${body.code}`);
        }
      }
    });
    console.log(`    ${items.length} malformed PDFs × 2 endpoints; peak RSS growth ${Math.round(growth / 1048576)} MB\n      ${outcomes.join('\n      ')}`);
    assert.equal(await filesOf(), start + accepted, 'nothing malformed was stored');
    assert.ok(growth < 600 * 1024 * 1024, `the server's memory stays bounded (grew ${Math.round(growth / 1048576)} MB)`);
    // Still serving.
    const ok = await expectJson<{ valid: boolean }>(timed('/api/v1/verify', { method: 'POST', body: contractPdf(kit.font) as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/pdf' } }), 200);
    assert.equal(typeof ok.valid, 'boolean');
  });

  it('answers an oversized upload with 413 PAYLOAD_TOO_LARGE naming the limit, also when streamed without a length', async () => {
    const start = await filesOf();
    const big = new Uint8Array(UPLOAD_LIMIT + 1024);
    big.set(enc('%PDF-1.7\n'));
    for (const path of ['/api/v1/verify', '/api/v1/files?name=big.pdf']) {
      const caller = path.startsWith('/api/v1/files') ? kit.admin.call : kit.anonymous;
      const e = await expectError(caller('POST', path, big, 'application/pdf'), 413, 'PAYLOAD_TOO_LARGE');
      assert.match(e.message, /8 MiB/);
    }
    // A chunked body (no Content-Length) that never ends is cut off at the limit, not read to the end.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 256 * 1024;
        if (sent > 64 * UPLOAD_LIMIT) c.close();
        else c.enqueue(new Uint8Array(256 * 1024));
      },
    });
    let status = 0;
    try {
      const r = await timed('/api/v1/verify', { method: 'POST', body: endless, headers: { 'content-type': 'application/pdf' }, duplex: 'half' } as RequestInit);
      status = r.status;
      const text = await r.text();
      assert.equal(status, 413, text);
      assert.equal((JSON.parse(text) as { code: string }).code, 'PAYLOAD_TOO_LARGE', text);
    } catch (e) {
      // The server may close the connection right after its answer while the client is still sending.
      assert.ok(e instanceof TypeError && !String((e as Error).message).includes('aborted'), String(e));
    }
    assert.ok(status === 413 || status === 0, `status ${status}`);
    assert.ok(sent < 16 * UPLOAD_LIMIT, `the server stopped reading near the limit (${Math.round(sent / 1048576)} MB sent)`);
    assert.equal(await filesOf(), start);
  });

  it('disconnects clients that trickle their headers or body, while other requests are served', async () => {
    const trickle = (s: Socket, text: string) => {
      let i = 0;
      const t = setInterval(() => {
        if (s.destroyed || i >= text.length) return clearInterval(t);
        s.write(text[i++]);
      }, 150);
      s.once('close', () => clearInterval(t));
    };
    const slowHeaders = rawClient(kit.srv.baseUrl, (s) => trickle(s, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(400)}\r\n\r\n`));
    const slowBody = rawClient(kit.srv.baseUrl, (s) => {
      s.write('POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/pdf\r\nContent-Length: 100000\r\n\r\n%PDF-1.7\n');
      trickle(s, 'x'.repeat(5000));
    });
    const silent = rawClient(kit.srv.baseUrl, (s) => s.write('POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    // Meanwhile the server answers everyone else.
    let served = 0;
    const others = (async () => {
      for (let i = 0; i < 10; i++) {
        const r = await timed('/healthz', {});
        assert.equal(r.status, 200);
        await r.arrayBuffer();
        served++;
      }
    })();
    const [h, b, q] = await Promise.all([slowHeaders.closed, slowBody.closed, silent.closed, others]);
    assert.equal(served, 10);
    for (const [what, got] of [['trickled headers', h], ['trickled body', b], ['silent after the request line', q]] as const) {
      assert.doesNotMatch(got, /^HTTP\/1\.1 200/, `${what}: not served`);
      if (got) assert.match(got, /^HTTP\/1\.1 408/, `${what}: 408 Request Timeout, or closed without an answer: ${got.slice(0, 100)}`);
    }
  });

  it('refuses a replayed integrator request, also two copies sent at the same moment: exactly one is accepted', async () => {
    const path = '/api/v1/files?name=replay.pdf';
    const pdf = contractPdf(kit.font, { title: '重放测试 Replay' });
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(12).toString('base64url');
    const canonical = ['SIGNET-HMAC-SHA256', 'POST', path, ts, nonce, createHash('sha256').update(pdf).digest('hex')].join('\n');
    const headers = {
      'content-type': 'application/pdf', 'x-signet-app-id': kit.app.appId, 'x-signet-timestamp': ts, 'x-signet-nonce': nonce,
      'x-signet-signature': createHmac('sha256', Buffer.from(kit.app.secret, 'utf8')).update(canonical, 'utf8').digest('hex'),
    };
    const copies = await Promise.all(Array.from({ length: 4 }, () => timed(path, { method: 'POST', headers, body: pdf as Uint8Array<ArrayBuffer> })));
    const statuses = copies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 401, 401, 401], `one accepted, the replays refused: ${statuses}`);
    for (const r of copies) {
      const body = (await r.json()) as { code?: string };
      if (r.status === 401) assert.equal(body.code, 'AUTH_REPLAY');
    }
    await expectError(timed(path, { method: 'POST', headers, body: pdf as Uint8Array<ArrayBuffer> }), 401, 'AUTH_REPLAY');
  });

  it('locks out brute force: SMS codes (and no fresh code right away), signing passwords and login passwords', async () => {
    const p = await kit.person({ signingPassword: false });
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
    const c = await expectJson<{ id: string }>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, signers: [{ kind: 'person', name: p.name, userId: p.userId, willingness: 'sms_otp' }] }), 201);
    const ch = await expectJson<{ challengeId: string }>(p.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 201);
    const code = await kit.srv.lastCode(p.mobile);
    const tries: number[] = [];
    for (let guess = 0; guess < 20; guess++) {
      const g = String((Number(code) + 1 + guess) % 1_000_000).padStart(6, '0');
      const r = await p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code: g });
      tries.push(r.status);
      await r.arrayBuffer();
      if (r.status === 423) break;
    }
    assert.equal(tries[tries.length - 1], 423, `locked after ${tries.length} tries: ${tries}`);
    assert.ok(tries.length <= 10, `locked within 10 tries (${tries.length})`);
    await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code }), 423, 'OTP_LOCKED');
    // A new challenge right away does not hand out a fresh set of tries.
    const again = await p.call('POST', '/api/v1/willingness', { contractIds: [c.id] });
    const againBody = (await again.json()) as { code?: string; challengeId?: string };
    if (again.status === 201) {
      assert.notEqual(await kit.srv.lastCode(p.mobile).catch(() => code), undefined);
      const r = await p.call('POST', `/api/v1/willingness/${againBody.challengeId}/confirm`, { code: '000000' });
      const b = (await r.json()) as { code: string };
      assert.ok(r.status === 423 || r.status === 429, `a new challenge after the lockout is still locked or rate-limited: ${r.status} ${b.code}`);
    } else {
      assert.ok(again.status === 429 || again.status === 423, `${again.status} ${againBody.code}`);
    }

    // Signing password.
    const q = await kit.person();
    const fileId2 = await kit.upload(kit.admin.call, contractPdf(kit.font));
    const c2 = await expectJson<{ id: string }>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId: fileId2 }], send: true, signers: [{ kind: 'person', name: q.name, userId: q.userId, willingness: 'password' }] }), 201);
    const pw: string[] = [];
    for (let i = 0; i < 20; i++) {
      const chp = await expectJson<{ challengeId: string }>(q.call('POST', '/api/v1/willingness', { contractIds: [c2.id], method: 'password' }), 201);
      const r = await q.call('POST', `/api/v1/willingness/${chp.challengeId}/confirm`, { password: `wrong${i}00` });
      pw.push(((await r.json()) as { code: string }).code);
      if (r.status === 423) break;
    }
    assert.equal(pw[pw.length - 1], 'PASSWORD_LOCKED', pw.join(','));
    assert.ok(pw.length <= 10, `locked within 10 tries (${pw.length})`);
    const chp = await q.call('POST', '/api/v1/willingness', { contractIds: [c2.id], method: 'password' });
    if (chp.status === 201) {
      const id = ((await chp.json()) as { challengeId: string }).challengeId;
      await expectError(q.call('POST', `/api/v1/willingness/${id}/confirm`, { password: '582946' }), 423, 'PASSWORD_LOCKED');
    } else {
      assert.equal(chp.status, 423);
    }

    // Login password.
    const l = await kit.person();
    const login: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await kit.anonymous('POST', '/api/v1/auth/login/password', { mobile: l.mobile, password: `Wrong@${i}` });
      login.push(((await r.json()) as { code: string }).code);
      if (r.status === 423 || r.status === 429) break;
    }
    assert.ok(['PASSWORD_LOCKED', 'RATE_LIMITED'].includes(login[login.length - 1]), login.join(','));
    assert.ok(login.length <= 10, `locked within 10 tries (${login.length})`);
    const right = await kit.anonymous('POST', '/api/v1/auth/login/password', { mobile: l.mobile, password: 'Signet@2026' });
    assert.ok(right.status === 423 || right.status === 429, `the right password is refused while locked: ${right.status}`);
  });

  it('neutralises path traversal in file names: storage, Content-Disposition and the evidence package', async () => {
    const evil = ['../../etc/passwd', '..\\..\\windows\\win.ini', '/etc/shadow.pdf', 'a/../../b".pdf\r\nX-Injected: 1'];
    const p = await kit.person();
    for (const name of evil) {
      const pdf = contractPdf(kit.font, { title: `路径 ${name.length}` });
      const fileId = await kit.upload(kit.appCall, pdf, name);
      const rec = (await kit.srv.platform.files.records.get(fileId))!;
      assert.ok(!/[\\/]|^\.\.?$/.test(rec.name) && !rec.name.includes('\r'), `stored name ${JSON.stringify(rec.name)}`);
      // The document's own name in the create request is a second place a name comes in.
      const c = await expectJson<{ id: string; documents: { id: string; name: string }[] }>(kit.appCall('POST', '/api/v1/contracts', {
        documents: [{ fileId, name }], send: true, signers: [{ kind: 'person', name: p.name, userId: p.userId, fields: [{ file: 0, page: 1, rect: { x: 320, y: 200, w: 150, h: 60 } }] }],
      }), 201);
      const detail = await expectJson<{ documents: { id: string; name: string }[] }>(kit.appCall('GET', `/api/v1/contracts/${c.id}`), 200);
      for (const d of detail.documents) assert.ok(!/[\\/\r\n]/.test(d.name) && !d.name.startsWith('..'), `document name ${JSON.stringify(d.name)}`);
      const proof = await kit.proofByPassword(p.call, [c.id]);
      await expectJson(p.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: proof }), 200);
      for (const path of [`/api/v1/contracts/${c.id}/documents/d1/preview`, `/api/v1/contracts/${c.id}/documents/d1/download`, `/api/v1/contracts/${c.id}/evidence`]) {
        const r = await kit.appCall('GET', path);
        assert.equal(r.status, 200, `${path}: ${r.status} ${r.status === 200 ? '' : await r.clone().text()}`);
        const cd = r.headers.get('content-disposition') ?? '';
        assert.ok(cd.startsWith('attachment;'), cd);
        assert.equal(r.headers.get('x-injected'), null, 'no header injection');
        const plain = /filename="([^"]*)"/.exec(cd)?.[1] ?? '';
        const utf8 = decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(cd)?.[1] ?? '');
        for (const n of [plain, utf8]) assert.ok(n && !/[\\/\r\n]/.test(n) && !n.startsWith('.'), `${path}: Content-Disposition ${cd}`);
        const bytes = new Uint8Array(await r.arrayBuffer());
        if (path.endsWith('/evidence')) {
          for (const entry of Object.keys(unzipSync(bytes))) {
            assert.ok(!entry.split('/').some((seg) => seg === '..' || seg === '') && !entry.startsWith('/') && !entry.includes('\\'), `zip entry ${entry}`);
          }
        } else {
          assert.ok(verifyPdf(bytes, { trustAnchors: [kit.srv.installation.pki.rootCertificate] }).signatures.length >= 1);
        }
      }
    }
    void expectBytes;
  });
});
