/**
 * `npm run bench`: signing and verification throughput in one process, against the peers measured
 * in the same run (the raw node:crypto RSA-2048 rate, and @signpdf with placeholder-plain +
 * P12Signer). Prints rates and ratios; asserts nothing (machines are noisy).
 */
import { createHash, sign as cryptoSign, verify as cryptoVerify, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { PDFDocument } from 'pdf-lib';
import {
  createEmbeddedPki, generateKeyPair, issuePersonCertificate, NodeCryptoKeySigner, TimestampAuthority,
  EmbeddedTimestamper, signPdf, verifyPdf, sampleIdCardNumber,
} from '@signet/core';
import { corpusDir } from '@signet/test-support';
import fontkit from '@pdf-lib/fontkit';
import { fillTemplate, displayValue, isValueField, variableOf } from '@signet/core';
import { sampleLaborContract } from '@signet/core/testing';
import { cjkFontBytes } from '@signet/test-support';
import { benchStorage } from './storage.js';
import { benchHttp } from './http.js';
import { benchHr } from './hr.js';
import { roundSeal, drawingToSvg, drawingToPdf, drawingGraphic, SignatureAppearance } from '@signet/core';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function rate(name: string, fn: () => unknown | Promise<unknown>, seconds = SECONDS): Promise<number> {
  for (let i = 0; i < 20; i++) await fn(); // warm up JIT and caches
  let n = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  while (performance.now() < until) {
    await fn();
    n++;
  }
  const r = (n * 1000) / (performance.now() - t0);
  console.log(`  ${name.padEnd(52)} ${r.toFixed(1).padStart(10)} /s`);
  return r;
}

function ratio(label: string, a: number, b: number, target?: string): void {
  console.log(`  ${label.padEnd(52)} ${(a / b).toFixed(3).padStart(10)}${target ? `   (target ${target})` : ''}`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (s: string) => only.length === 0 || only.includes(s);
  const pdf = readFileSync(join(corpusDir, 'unsigned.pdf'));
  console.log(`signet bench — node ${process.version}, ${SECONDS}s per measurement, input unsigned.pdf (${(pdf.length / 1024).toFixed(0)} KB)\n`);

  const pki = createEmbeddedPki({ baseUrl: 'http://localhost:8080' });
  const { privateKey, publicKey } = generateKeyPair('rsa-2048');
  const cert = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(1) }, { publicKey, baseUrl: 'http://localhost:8080' });
  const signer = new NodeCryptoKeySigner(privateKey, cert, [pki.issuing.certificate]);
  const tsa = new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.tsa.privateKey });
  const timestamper = new EmbeddedTimestamper(tsa);
  const anchors = [pki.root.certificate];

  if (want('sign')) {
    console.log('PAdES signing (one process, one core, sequential)');
    const data = randomBytes(64);
    const raw = await rate('raw node:crypto RSA-2048 sign (physical limit)', () => cryptoSign('sha256', data, privateKey));
    const bb = await rate('Signet B-B sign', () => signPdf(pdf, { signer, level: 'B-B' }));
    const bt = await rate('Signet B-T sign (embedded TSA)', () => signPdf(pdf, { signer, level: 'B-T', timestamper }));

    // The common Node choice: @signpdf with placeholder-plain + P12Signer (node-forge RSA).
    const { SignPdf } = await import('@signpdf/signpdf');
    const { plainAddPlaceholder } = await import('@signpdf/placeholder-plain');
    const { P12Signer } = await import('@signpdf/signer-p12');
    const p12 = forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(
      forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      [forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(cert).toString('binary'))))],
      '', { algorithm: '3des' },
    )).getBytes();
    const p12Buffer = Buffer.from(p12, 'binary');
    const signpdf = new SignPdf();
    const peer = await rate('@signpdf/signpdf (placeholder-plain + P12Signer)', async () => {
      const withPlaceholder = plainAddPlaceholder({ pdfBuffer: pdf, reason: 'bench', contactInfo: '', name: 'bench', location: '' });
      // A P12Signer consumes its buffer on sign(), so each signature needs a new one (as in real use).
      return signpdf.sign(withPlaceholder, new P12Signer(p12Buffer, { passphrase: '' }));
    }, Math.min(SECONDS, 3));
    console.log('\n  ratios');
    ratio('B-B / raw RSA', bb, raw, '>= 0.50');
    ratio('B-T / (raw RSA / 2)', bt, raw / 2, '>= 0.50');
    ratio('B-B / @signpdf', bb, peer);
    console.log('');
  }

  if (want('verify')) {
    console.log('Verification (single-signature files)');
    const signed = await signPdf(pdf, { signer, level: 'B-T', timestamper });
    const check = verifyPdf(signed, { trustAnchors: anchors });
    if (!check.valid) throw new Error(`bench precondition: the signed file does not verify: ${JSON.stringify(check.signatures[0]?.problems)}`);
    const v = await rate('Signet verifyPdf (B-T, full report)', () => verifyPdf(signed, { trustAnchors: anchors }));
    // The physical floor of one verification on this machine: hash the file once and check two RSA
    // signatures (the CMS signature and its time-stamp token's); nothing else is unavoidable.
    const sigValue = cryptoSign('sha256', signed.subarray(0, 64), privateKey);
    const floor = await rate('floor: 1 SHA-256 pass + 2 RSA-2048 verifications', () => {
      createHash('sha256').update(signed).digest();
      cryptoVerify('sha256', signed.subarray(0, 64), publicKey, sigValue);
      cryptoVerify('sha256', signed.subarray(0, 64), publicKey, sigValue);
    });
    ratio('verify / 5,000 per second', v, 5000, '>= 1.0');
    ratio('verify / floor', v, floor);
    console.log('');
  }

  if (want('large')) {
    console.log('Large file: sign a 50 MB PDF vs one SHA-256 pass');
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    page.drawText('50 MB', { x: 50, y: 780, size: 24 });
    await doc.attach(randomBytes(50 * 1024 * 1024), 'payload.bin', { mimeType: 'application/octet-stream' });
    const big = await doc.save({ useObjectStreams: false });
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) createHash('sha256').update(big).digest();
    const hashMs = (performance.now() - t0) / 3;
    await signPdf(big, { signer, level: 'B-B' });
    const t1 = performance.now();
    for (let i = 0; i < 3; i++) await signPdf(big, { signer, level: 'B-B' });
    const signMs = (performance.now() - t1) / 3;
    console.log(`  file ${(big.length / 1048576).toFixed(1)} MB: SHA-256 ${hashMs.toFixed(1)} ms, B-B sign ${signMs.toFixed(1)} ms`);
    ratio('sign time / SHA-256 time', signMs, hashMs, '<= 3.0');
    console.log('');
  }

  if (want('template')) {
    console.log('Template fill: the 3-page, 20-field labor contract sample, CJK subset font (warm)');
    const font = cjkFontBytes();
    const sample = sampleLaborContract(font);
    // The first fill loads pdf.js and reads the base's text layer for the anchors (cached by content hash).
    const first = await fillTemplate(sample.template, sample.basePdf, sample.vars, { font });
    const fill = await rate('Signet fillTemplate (incremental update)', () => fillTemplate(sample.template, sample.basePdf, sample.vars, { font }));
    console.log(`  ${'  ms per fill'.padEnd(52)} ${(1000 / fill).toFixed(2).padStart(10)} ms`);
    // The common Node choice: pdf-lib + fontkit, drawing the same strings at the same places and saving.
    const texts = first.fields.flatMap((f) => {
      const field = sample.template.fields.find((t) => t.name === f.field);
      const value = field && isValueField(field) ? displayValue(field, sample.vars[variableOf(field)]) : undefined;
      return typeof value === 'string' ? [{ page: f.page - 1, x: f.rect.x + 2, y: f.rect.y + 6, size: f.fontSize ?? 12, text: value.replace(/\n/g, ' ') }] : [];
    });
    const peer = await rate('pdf-lib + fontkit (load, drawText, subset font, save)', async () => {
      const doc = await PDFDocument.load(sample.basePdf);
      doc.registerFontkit(fontkit);
      const cjk = await doc.embedFont(font, { subset: true });
      for (const t of texts) doc.getPage(t.page).drawText(t.text, { x: t.x, y: t.y, size: t.size, font: cjk });
      return doc.save();
    }, Math.min(SECONDS, 3));
    console.log('\n  ratios');
    ratio('fill / pdf-lib', fill, peer);
    ratio('fills per second / 333 (3 ms each)', fill, 333, '>= 1.0');
    console.log('');
  }

  if (want('seal')) {
    console.log('Seals: a 42 mm round company seal with a 13-digit code, glyph outlines of Noto Serif SC Bold (warm)');
    const sealFont = cjkFontBytes('bold');
    const opts = { font: sealFont, name: '上海示例科技有限公司', sealType: '合同专用章', code: '3101150012345' };
    const seal = roundSeal(opts);
    const gen = await rate('generate the seal geometry', () => roundSeal(opts));
    await rate('render it as SVG', () => drawingToSvg(seal));
    await rate('render it as PDF operators', () => drawingToPdf(seal));
    const graphic = drawingGraphic(seal);
    const sealed = await rate('Signet B-B sign with the seal as appearance', () => signPdf(pdf, {
      signer, level: 'B-B', rect: { x: 400, y: 80, w: 120, h: 120 }, appearance: new SignatureAppearance({ graphic }),
    }));
    const plain = await rate('Signet B-B sign, invisible', () => signPdf(pdf, { signer, level: 'B-B' }));
    console.log('\n  ratios');
    ratio('seals generated per second / 1,000 (1 ms each)', gen, 1000, '>= 1.0');
    ratio('sealed sign / invisible sign', sealed, plain, '>= 0.8');
    console.log('');
  }

  if (want('storage')) await benchStorage();
  if (want('http')) await benchHttp();
  if (want('hr')) await benchHr();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
