/**
 * The evidence page (签约存证页): a fresh A4 PDF, built with {@link PdfDocumentBuilder} and a
 * subset-embedded CJK font, that prints every field of DESIGN §3 in bilingual tables, as many pages
 * as needed, each with the platform in the header, the verification hint and "第 1 页 / 共 2 页"
 * in the footer.
 *
 * The normalized data ({@link EvidenceRecord}) is also embedded in the page as the attachment
 * `evidence.json` (ISO 32000-1 §7.11.4, embedded file streams; §7.7.4, the EmbeddedFiles name
 * tree), so that once the platform signs the page, its signature covers machine-readable data that
 * a verifier compares with the package instead of parsing printed text.
 */
import { createHash } from 'node:crypto';
import { FontProgram } from '../font/font-program.js';
import { FontSubset } from '../font/font-subset.js';
import { PdfDocumentBuilder } from '../pdf/document-builder.js';
import { PdfDict, PdfName, PdfStream, PdfString, type PdfObject } from '../pdf/objects.js';
import { PdfReader } from '../pdf/reader.js';
import { canonicalJson } from './audit-chain.js';
import { formatChinaTime } from './china-time.js';
import { wrapText } from './wrap-text.js';
import { evidenceRecord, validateEvidenceInput, WILLINGNESS_METHODS, type EvidenceRecord, type EvidenceSigner } from './evidence-input.js';

/** The name of the attachment that carries the evidence data inside the page. */
export const EVIDENCE_ATTACHMENT_NAME = 'evidence.json';

/** Options of {@link buildEvidencePage}. */
export interface EvidencePageOptions {
  /** A CJK TrueType font (e.g. Noto Serif SC), parsed or as bytes; the page embeds the subset it uses. */
  font: FontProgram | Uint8Array;
}

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN_X = 50;
const CONTENT_W = PAGE_W - 2 * MARGIN_X;
const CONTENT_TOP = PAGE_H - 68;
const PAD = 4;
const SIZE = 9;
const LABEL_W = 140;

interface CellSpec {
  text: string;
  width: number;
  fill?: number;
  bold?: boolean;
  size?: number;
}

interface Row {
  cells: CellSpec[];
}

interface MeasuredRow {
  cells: (CellSpec & { lines: string[] })[];
  height: number;
}

// Advance widths per character, per font program: wrapping measures the same characters many times.
const advanceCache = new WeakMap<FontProgram, Map<string, number>>();

/** Width of `text` at `size` points, from cached per-character advances. */
function measurer(program: FontProgram): (text: string, size: number) => number {
  let cache = advanceCache.get(program);
  if (!cache) advanceCache.set(program, (cache = new Map()));
  const c = cache;
  const scale = 1 / program.unitsPerEm;
  return (text, size) => {
    let w = 0;
    for (const ch of text) {
      let a = c.get(ch);
      if (a === undefined) c.set(ch, (a = program.widthOf(ch, program.unitsPerEm)));
      w += a;
    }
    return w * scale * size;
  };
}

const num = (n: number) => (Math.round(n * 100) / 100).toString();

/** Accumulates content streams page by page, breaking pages as rows demand. */
class Layout {
  readonly pages: string[][] = [];
  y = CONTENT_TOP;

  constructor(
    private readonly font: FontSubset,
    private readonly width: (text: string, size: number) => number,
    private readonly bottom: number,
  ) {
    this.pages.push([]);
  }

  private get ops(): string[] {
    return this.pages[this.pages.length - 1];
  }

  newPage(): void {
    this.pages.push([]);
    this.y = CONTENT_TOP;
  }

  text(s: string, x: number, y: number, size: number, opts: { bold?: boolean; gray?: number } = {}): void {
    const g = opts.gray ?? 0.1;
    const bold = opts.bold ? `2 Tr ${num(size * 0.03)} w ${g} G ` : '';
    this.ops.push(`q ${g} g BT ${bold}/F1 ${num(size)} Tf ${num(x)} ${num(y)} Td ${this.font.encode(s)} Tj ET Q`);
  }

  centered(s: string, y: number, size: number, opts: { bold?: boolean; gray?: number } = {}): void {
    this.text(s, (PAGE_W - this.width(s, size)) / 2, y, size, opts);
  }

  measure(row: Row): MeasuredRow {
    const cells = row.cells.map((c) => {
      const size = c.size ?? SIZE;
      return { ...c, lines: wrapText(c.text, c.width - 2 * PAD, (t) => this.width(t, size)) };
    });
    const height = Math.max(...cells.map((c) => c.lines.length * (c.size ?? SIZE) * 1.45)) + 2 * PAD;
    return { cells, height };
  }

  drawRow(row: MeasuredRow): void {
    let x = MARGIN_X;
    const top = this.y;
    for (const c of row.cells) {
      if (c.fill !== undefined) this.ops.push(`q ${c.fill} g ${num(x)} ${num(top - row.height)} ${num(c.width)} ${num(row.height)} re f Q`);
      this.ops.push(`q 0.7 G 0.5 w ${num(x)} ${num(top - row.height)} ${num(c.width)} ${num(row.height)} re S Q`);
      const size = c.size ?? SIZE;
      c.lines.forEach((line, j) => {
        if (line) this.text(line, x + PAD, top - PAD - size * 1.02 - j * size * 1.45, size, { bold: c.bold });
      });
      x += c.width;
    }
    this.y -= row.height;
  }

  /** Draws a table; a heading stays with the first row, `repeat` heads every continued page, `keepTogether` avoids splitting. */
  table(rows: Row[], opts: { heading?: string; note?: string; repeat?: Row; keepTogether?: boolean } = {}): void {
    const measured = rows.map((r) => this.measure(r));
    const repeat = opts.repeat ? this.measure(opts.repeat) : undefined;
    const noteLines = opts.note ? wrapText(opts.note, CONTENT_W, (t) => this.width(t, 7.5)) : [];
    const headingH = opts.heading ? 24 + noteLines.length * 10 : 0;
    const total = headingH + measured.reduce((a, r) => a + r.height, 0);
    const capacity = CONTENT_TOP - this.bottom;
    if (opts.keepTogether && total <= capacity && this.y - total < this.bottom) this.newPage();
    measured.forEach((row, i) => {
      const need = row.height + (i === 0 ? headingH : 0);
      if (this.y - need < this.bottom) {
        this.newPage();
        if (i > 0 && repeat) this.drawRow(repeat);
      }
      if (i === 0 && opts.heading) {
        this.text(opts.heading, MARGIN_X, this.y - 16, 11.5, { bold: true });
        noteLines.forEach((l, j) => this.text(l, MARGIN_X, this.y - 29 - j * 10, 7.5, { gray: 0.35 }));
        this.y -= headingH;
      }
      this.drawRow(row);
    });
  }

  gap(h: number): void {
    this.y -= h;
  }
}

const kv = (label: string, value: string, size?: number): Row => ({
  cells: [
    { text: label, width: LABEL_W, fill: 0.94 },
    { text: value, width: CONTENT_W - LABEL_W, size },
  ],
});

function signerRows(s: EvidenceSigner, index: number, multiFile: boolean): { repeat: Row; rows: Row[] } {
  const title = `签署方 ${index} Signer ${index}`;
  const header: Row = { cells: [{ text: title, width: CONTENT_W, fill: 0.86, bold: true }] };
  const repeat: Row = { cells: [{ text: `${title}（续 continued）`, width: CONTENT_W, fill: 0.86, bold: true }] };
  const rows: Row[] = [header, kv('签署主体 Subject', s.subject)];
  rows.push(kv('主体类型 Type', s.kind === 'person' ? '个人 Person' : '企业 Organization'));
  if (s.idNumber) rows.push(kv('证件号码 ID number', s.idNumber));
  if (s.uscc) rows.push(kv('统一社会信用代码 USCC', s.uscc));
  if (s.operator) rows.push(kv('经办人 Operator', s.operator));
  rows.push(kv('签署账号 Account', s.account));
  rows.push(kv('接收时间 Received at', formatChinaTime(s.receivedAt)));
  rows.push(kv('签署时间 Signed at', formatChinaTime(s.signedAt)));
  rows.push(kv('签署 IP Signing IP', s.ip));
  const w = WILLINGNESS_METHODS[s.willingness.method];
  rows.push(kv('意愿认证 Willingness check', `${w.zh} ${w.en}\n${formatChinaTime(s.willingness.at)}`));
  rows.push(kv('证书序列号 Certificate serial', s.certificateSerial));
  const positions = s.positions.map((p) => {
    const file = multiFile ? `文件 ${p.file ?? 1} File ${p.file ?? 1} · ` : '';
    const size = p.w !== undefined && p.h !== undefined ? `（宽 w ${p.w.toFixed(3)}，高 h ${p.h.toFixed(3)}）` : '';
    return `${file}第 ${p.page} 页 Page ${p.page}：x ${p.x.toFixed(3)}, y ${p.y.toFixed(3)}${size}`;
  });
  rows.push(kv('签署位置 Signature positions', positions.join('\n')));
  return { repeat, rows };
}

/** The footer's verification hint, zh-CN first with English alongside. */
function verificationHint(rec: EvidenceRecord): string[] {
  const url = rec.platform.verifyUrl;
  return [
    `验证提示：本存证页由“${rec.platform.name}”以数字证书签名并加盖可信时间戳，任何改动都会使签名失效。可用 signet evidence verify 离线验证存证包${url ? `，或访问 ${url}` : ''}。`,
    `How to verify: ${rec.platform.name} signed this page with its certificate and a trusted timestamp; any change invalidates the signature. Verify the evidence package offline with "signet evidence verify"${url ? `, or at ${url}` : ''}.`,
  ];
}

/**
 * Builds the evidence page (签约存证页) of a completed contract: a fresh, unsigned A4 PDF.
 *
 * It prints, in zh-CN with English labels, the contract (name, number, number of signers, sent
 * and completed times, sender account and enterprise, platform, sender IP), each file (name and
 * SHA-256 of the completed file) and each signer (subject, masked account, received and signed
 * times, signing IP, willingness method and time, certificate serial, every signature position as
 * page and fractions of the page), with times in China Standard Time. Long values wrap, and pages
 * are added as needed. The same input always gives the same bytes.
 *
 * Throws INVALID_ARGUMENT naming the bad field when `input` is not valid {@link EvidenceInput}
 * data. Sign the result with `signEvidencePage`; never append it to the signed contract.
 */
export function buildEvidencePage(input: unknown, opts: EvidencePageOptions): Uint8Array {
  const rec = evidenceRecord(input);
  const program = opts.font instanceof FontProgram ? opts.font : FontProgram.load(opts.font);
  const b = new PdfDocumentBuilder();
  const font = new FontSubset(program, b);

  const hint = verificationHint(rec);
  const width = measurer(program);
  const hintLines = hint.flatMap((h) => wrapText(h, CONTENT_W, (t) => width(t, 7.5)));
  const footerRule = 26 + hintLines.length * 10 + 8;
  const layout = new Layout(font, width, footerRule + 10);

  layout.centered('签约存证页', layout.y - 22, 20, { bold: true });
  layout.centered('Certificate of Signing Evidence', layout.y - 40, 11);
  layout.centered('所有时间均为北京时间（UTC+08:00） All times are China Standard Time (UTC+08:00)', layout.y - 56, 8, { gray: 0.35 });
  layout.gap(66);

  const c = rec.contract;
  layout.table([
    kv('合同名称 Contract name', c.name),
    kv('合同编号 Contract number', c.number),
    kv('签署方数量 Number of signers', String(rec.signers.length)),
    kv('发起时间 Sent at', formatChinaTime(c.sentAt)),
    kv('完成时间 Completed at', formatChinaTime(c.completedAt)),
    ...(c.sender.name ? [kv('发起人 Sender', c.sender.name)] : []),
    kv('发起方账号 Sender account', c.sender.account),
    kv('发起方企业 Sender enterprise', c.sender.enterprise ?? '—（个人发起 sent by a person）'),
    kv('签约平台 Platform', rec.platform.name),
    kv('发起 IP Sender IP', c.sender.ip),
  ], { heading: '一、合同信息 Contract' });
  layout.gap(10);

  const cols = [34, 146, CONTENT_W - 180];
  const fileHeader: Row = {
    cells: [
      { text: '序号 No.', width: cols[0], fill: 0.86, bold: true },
      { text: '文件名称 File name', width: cols[1], fill: 0.86, bold: true },
      { text: '签署完成文件 SHA-256 of the completed file', width: cols[2], fill: 0.86, bold: true },
    ],
  };
  layout.table([
    fileHeader,
    ...rec.files.map((f, i): Row => ({
      cells: [
        { text: String(i + 1), width: cols[0] },
        { text: f.pages ? `${f.name}\n共 ${f.pages} 页 ${f.pages} pages` : f.name, width: cols[1] },
        { text: f.originalSha256 ? `${f.sha256}\n原文件 SHA-256 of the original:\n${f.originalSha256}` : f.sha256, width: cols[2], size: 7.5 },
      ],
    })),
  ], { heading: '二、文件信息 Files', repeat: fileHeader });
  layout.gap(10);

  rec.signers.forEach((s, i) => {
    const { rows, repeat } = signerRows(s, i + 1, rec.files.length > 1);
    layout.table(rows, {
      heading: i === 0 ? '三、签署方信息 Signers' : undefined,
      note: i === 0 ? '签署位置的 x、y 为签名框左上角到页面左上角的距离占页面宽、高的比例。\nPositions give the top-left corner of each signature as fractions of the page width and height, from the page\'s top-left corner.' : undefined,
      repeat,
      keepTogether: true,
    });
    layout.gap(8);
  });
  layout.gap(2);

  layout.table([
    kv('生成时间 Generated at', formatChinaTime(rec.generatedAt!)),
    ...(rec.audit ? [
      kv('审计日志 Audit log', `${rec.audit.events} 条事件，哈希链 ${rec.audit.events} events in a hash chain`),
      kv('链头哈希 Chain head SHA-256', rec.audit.headHash, 8),
    ] : []),
  ], { heading: '四、存证信息 Evidence', keepTogether: true });

  const total = layout.pages.length;
  layout.pages.forEach((ops, i) => {
    const frame: string[] = [];
    const add = (s: string, x: number, y: number, size: number, gray = 0.35) => frame.push(`q ${gray} g BT /F1 ${num(size)} Tf ${num(x)} ${num(y)} Td ${font.encode(s)} Tj ET Q`);
    add(rec.platform.name, MARGIN_X, PAGE_H - 40, 10, 0.1);
    const right = '签约存证页 Certificate of Signing Evidence';
    add(right, PAGE_W - MARGIN_X - width(right, 8), PAGE_H - 40, 8);
    frame.push(`q 0.6 G 0.6 w ${MARGIN_X} ${PAGE_H - 48} m ${PAGE_W - MARGIN_X} ${PAGE_H - 48} l S Q`);
    frame.push(`q 0.6 G 0.6 w ${MARGIN_X} ${footerRule} m ${PAGE_W - MARGIN_X} ${footerRule} l S Q`);
    hintLines.forEach((l, j) => add(l, MARGIN_X, footerRule - 12 - j * 10, 7.5));
    const pageNo = `第 ${i + 1} 页 / 共 ${total} 页  Page ${i + 1} of ${total}`;
    add(pageNo, (PAGE_W - width(pageNo, 8)) / 2, 22, 8);
    b.addPage({
      width: PAGE_W,
      height: PAGE_H,
      resources: new PdfDict({ Font: new PdfDict({ F1: font.ref }) }),
      content: [...frame, ...ops].join('\n'),
    });
  });
  font.finish();

  const json = new TextEncoder().encode(canonicalJson(rec));
  const stream = b.allocate();
  b.set(stream, PdfStream.fromData(json, new PdfDict({
    Type: PdfName.of('EmbeddedFile'),
    Subtype: PdfName.of('application/json'),
    Params: new PdfDict({
      Size: json.length,
      ModDate: PdfString.fromDate(new Date(rec.generatedAt!)),
      CheckSum: new PdfString(createHash('md5').update(json).digest(), true),
    }),
  }), { compress: true }));
  const spec = b.allocate();
  b.set(spec, new PdfDict({
    Type: PdfName.of('Filespec'),
    F: PdfString.fromText(EVIDENCE_ATTACHMENT_NAME),
    UF: PdfString.fromText(EVIDENCE_ATTACHMENT_NAME),
    Desc: PdfString.fromText('存证数据 Evidence data (Signet)'),
    AFRelationship: PdfName.of('Data'),
    EF: new PdfDict({ F: stream, UF: stream }),
  }));
  b.catalogExtra.set('Names', new PdfDict({ EmbeddedFiles: new PdfDict({ Names: [PdfString.fromText(EVIDENCE_ATTACHMENT_NAME), spec] }) }));
  b.catalogExtra.set('AF', [spec]);
  b.catalogExtra.set('Lang', PdfString.fromText('zh-CN'));
  b.setInfo({
    Title: `签约存证页 ${c.name}`,
    Subject: `Signing evidence of contract ${c.number}`,
    Creator: rec.platform.name,
    Producer: 'Signet',
    CreationDate: new Date(rec.generatedAt!),
  });
  return b.build();
}

/**
 * Reads the evidence data an evidence page embeds, as it stood in the page's first revision (the
 * one the platform's signature covers). Returns undefined when the PDF carries no valid evidence
 * data; throws the reader's SignetError when the bytes are not a readable PDF.
 */
export function readEvidenceRecord(pdf: Uint8Array): EvidenceRecord | undefined {
  const reader = PdfReader.load(pdf);
  const at = <T>(o: PdfObject | undefined) => reader.resolveAt(o, 0) as T | undefined;
  const names = at<PdfDict>(reader.catalogAt(0).get('Names'));
  const tree = names instanceof PdfDict ? at<PdfDict>(names.get('EmbeddedFiles')) : undefined;
  const list = tree instanceof PdfDict ? at<PdfObject[]>(tree.get('Names')) : undefined;
  if (!Array.isArray(list)) return undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const key = at<PdfString>(list[i]);
    if (!(key instanceof PdfString) || key.toText() !== EVIDENCE_ATTACHMENT_NAME) continue;
    const spec = at<PdfDict>(list[i + 1]);
    const ef = spec instanceof PdfDict ? at<PdfDict>(spec.get('EF')) : undefined;
    const stream = ef instanceof PdfDict ? at<PdfStream>(ef.get('F')) : undefined;
    if (!(stream instanceof PdfStream)) return undefined;
    try {
      const data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(stream.decode())) as unknown;
      validateEvidenceInput(data);
      return data as EvidenceRecord;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

