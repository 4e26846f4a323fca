/**
 * The invalidation agreement (作废协议): a fresh A4 PDF, built with PdfDocumentBuilder and an
 * embedded font subset, stating which completed contract the parties agree to invalidate and why,
 * with one signature box per party. The agreement is signed like any contract; the original
 * contract becomes `invalidated` when every party has signed it. The original PDF is never touched.
 */
import { FontProgram } from '../font/font-program.js';
import { FontSubset } from '../font/font-subset.js';
import type { Rect } from '../pdf/acroform.js';
import { formatWidgetTime } from '../pdf/appearance.js';
import { PdfDocumentBuilder } from '../pdf/document-builder.js';
import { PdfDict } from '../pdf/objects.js';

/** What the agreement states. */
export interface InvalidationAgreementInput {
  contractId: string;
  title: string;
  bizNo?: string;
  completedAt?: string;
  files: { name: string; sha256: string }[];
  reason: string;
  parties: { name: string; kind: 'person' | 'organization' }[];
  at: Date;
}

/** The agreement PDF and each party's signature box (same order as `parties`). */
export interface InvalidationAgreement {
  pdf: Uint8Array;
  boxes: { page: number; rect: Rect }[];
}

const W = 595;
const H = 842;
const MARGIN = 60;
const BOX_W = 200;
const BOX_H = 70;

/** Builds the agreement with `fontBytes` (a CJK TrueType/OpenType font, parsed once per process). */
export function buildInvalidationAgreement(input: InvalidationAgreementInput, fontBytes: Uint8Array): InvalidationAgreement {
  const b = new PdfDocumentBuilder();
  const font = new FontSubset(FontProgram.load(fontBytes), b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: font.ref }) });
  const pages: string[] = [''];
  let y = H - MARGIN;
  const newPage = () => {
    pages.push('');
    y = H - MARGIN;
  };
  const line = (text: string, size: number, gap = 1.6) => {
    for (const part of wrap(text, size, W - 2 * MARGIN, font)) {
      if (y - size < MARGIN) newPage();
      y -= size;
      pages[pages.length - 1] += `BT /F1 ${size} Tf ${MARGIN} ${y.toFixed(2)} Td ${font.encode(part)} Tj ET\n`;
      y -= size * (gap - 1);
    }
  };
  line('作废协议 Invalidation Agreement', 20, 2);
  line(`各方一致同意作废下列已完成签署的合同。The parties agree to invalidate the completed contract below.`, 11);
  line(`合同名称 Contract: ${input.title}`, 11);
  line(`合同编号 Contract id: ${input.contractId}${input.bizNo ? ` (${input.bizNo})` : ''}`, 11);
  if (input.completedAt) line(`签署完成时间 Completed: ${formatWidgetTime(new Date(input.completedAt))}`, 11);
  for (const f of input.files) line(`文件 File: ${f.name}  SHA-256: ${f.sha256}`, 9);
  line(`作废原因 Reason: ${input.reason}`, 11);
  line(`协议生成时间 Drawn up: ${formatWidgetTime(input.at)}`, 11);
  line('本协议经各方签署后生效，原合同自生效之日起作废。This agreement takes effect when every party has signed it; the contract is void from then on.', 11, 2.2);

  const boxes: { page: number; rect: Rect }[] = [];
  let col = 0;
  for (const p of input.parties) {
    if (col === 0 && y - BOX_H - 24 < MARGIN) newPage();
    const x = MARGIN + col * (BOX_W + 35);
    const top = y;
    pages[pages.length - 1] += `BT /F1 10 Tf ${x} ${(top - 12).toFixed(2)} Td ${font.encode(`${p.kind === 'organization' ? '盖章 Seal' : '签字 Signature'}: ${p.name}`)} Tj ET\n`;
    boxes.push({ page: pages.length, rect: { x, y: top - 18 - BOX_H, w: BOX_W, h: BOX_H } });
    col++;
    if (col === 2) {
      col = 0;
      y = top - 18 - BOX_H - 16;
    }
  }
  for (const content of pages) b.addPage({ width: W, height: H, resources, content });
  font.finish();
  b.setInfo({ Title: `作废协议 ${input.title}`, Producer: 'Signet' });
  return { pdf: b.build(), boxes };
}

/** Breaks `text` into lines no wider than `width` points, at any character (CJK has no spaces). */
function wrap(text: string, size: number, width: number, font: FontSubset): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (cur && font.widthOf(cur + ch, size) > width) {
      out.push(cur);
      cur = ch.trim() ? ch : '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}
