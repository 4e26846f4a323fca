/**
 * An {@link OfficeGateway} over an in-memory document, for the app tests, the browser smoke test
 * and the dev preview: Word itself is the one thing these tests cannot run. Its PDF export is a
 * real PDF rendered with pdf-lib, anchors drawn tiny and white, as Word would export it. Tests act
 * as the user through {@link FakeOfficeGateway.select} and {@link FakeOfficeGateway.placeCursorAfter}.
 */
import { AddinError } from '../addin-error.js';
import {
  htmlParagraphs, ooxmlParagraphs, paragraphText, type FakeDocumentSnapshot, type FakeInline, type FakeParagraph,
} from './fake-document.js';
import { renderFakeDocumentPdf } from './fake-document-pdf.js';
import type {
  ClauseContent, DialogOptions, ExportedDocument, ExportOptions, FillOutcome, HostInfo, OfficeGateway, SignetControl,
} from './office-gateway.js';
import { formatTag, isMarker, parseTag, type MarkerKind } from './signet-tag.js';

/** The document a fake starts with. */
export interface FakeDocumentInit {
  title: string;
  /** Plain-text paragraphs. */
  paragraphs: string[];
  properties?: Record<string, string>;
}

/** Options of {@link FakeOfficeGateway}. */
export interface FakeOfficeGatewayOptions {
  /** False to act like a Word without PDF export (DOCX fallback). Default true. */
  pdfExport?: boolean;
  /** Answers `openDialog` as the dialog page would (default: refuses with OFFICE_DIALOG_CLOSED). */
  dialog?: (url: string) => string | Promise<string>;
  /** Renders the PDF export (default {@link renderFakeDocumentPdf}). */
  renderPdf?: (doc: FakeDocumentSnapshot) => Promise<Uint8Array>;
}

/** Where the selection is: a range of one paragraph's text (start = end for a bare cursor). */
interface Selection {
  para: number;
  start: number;
  end: number;
}

/** An empty ZIP (end of central directory only): the DOCX stand-in when PDF export is off. */
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)];

/** The in-memory Word. */
export class FakeOfficeGateway implements OfficeGateway {
  /** Custom document properties. */
  readonly properties = new Map<string, string>();
  /** URLs opened with {@link openDialog}, in order. */
  readonly dialogsOpened: string[] = [];
  /** URLs opened with {@link openInBrowser}, in order. */
  readonly browserOpened: string[] = [];
  /** How many times the document was exported. */
  exportCount = 0;
  private title: string;
  private paragraphs: FakeParagraph[];
  private selection: Selection;
  private seq = 100;
  private opts: FakeOfficeGatewayOptions;

  constructor(init: FakeDocumentInit, opts: FakeOfficeGatewayOptions = {}) {
    this.title = init.title;
    this.paragraphs = init.paragraphs.map((text) => ({ inlines: [{ type: 'text', text }] }));
    if (this.paragraphs.length === 0) this.paragraphs.push({ inlines: [] });
    for (const [k, v] of Object.entries(init.properties ?? {})) this.properties.set(k, v);
    const last = this.paragraphs.length - 1;
    const end = paragraphText(this.paragraphs[last]).length;
    this.selection = { para: last, start: end, end };
    this.opts = opts;
  }

  /** Acts as a Word with (true) or without (false) PDF export from now on. */
  setPdfExport(on: boolean): void {
    this.opts = { ...this.opts, pdfExport: on };
  }

  /** Acts as the user selecting the `occurrence`-th appearance of `text`. Throws when it is absent. */
  select(text: string, occurrence = 1): void {
    let n = 0;
    for (let p = 0; p < this.paragraphs.length; p++) {
      const t = paragraphText(this.paragraphs[p]);
      for (let at = t.indexOf(text); at >= 0; at = t.indexOf(text, at + 1)) {
        if (++n === occurrence) {
          this.selection = { para: p, start: at, end: at + text.length };
          return;
        }
      }
    }
    throw new Error(`FakeOfficeGateway.select: "${text}" (occurrence ${occurrence}) is not in the document`);
  }

  /** Acts as the user clicking right after the `occurrence`-th appearance of `text`. */
  placeCursorAfter(text: string, occurrence = 1): void {
    this.select(text, occurrence);
    this.selection = { ...this.selection, start: this.selection.end };
  }

  /** The selected text ('' for a bare cursor). */
  selectedText(): string {
    const s = this.selection;
    return paragraphText(this.paragraphs[s.para]).slice(s.start, s.end);
  }

  /** A deep copy of the document. */
  snapshot(): FakeDocumentSnapshot {
    return structuredClone({ title: this.title, paragraphs: this.paragraphs });
  }

  /** The document as plain text, one line per paragraph (anchors included). */
  text(): string {
    return this.paragraphs.map(paragraphText).join('\n');
  }

  hostInfo(): HostInfo {
    return { inOffice: true, host: 'Word', platform: 'Fake', pdfExport: this.opts.pdfExport ?? true, wordApi13: true };
  }

  async documentTitle(): Promise<string> {
    return this.title;
  }

  async exportDocument(opts: ExportOptions = {}): Promise<ExportedDocument> {
    this.exportCount++;
    const sliceSize = opts.sliceSize ?? 4 * 1024 * 1024;
    if (this.opts.pdfExport ?? true) {
      const bytes = await (this.opts.renderPdf ?? renderFakeDocumentPdf)(this.snapshot());
      return { format: 'pdf', bytes, sliceCount: Math.max(1, Math.ceil(bytes.length / sliceSize)) };
    }
    return {
      format: 'docx', bytes: Uint8Array.from(EMPTY_ZIP), sliceCount: 1,
      fallbackReason: '此版本的 Word 不支持导出 PDF，已改为导出 DOCX。This Word cannot export PDF (requirement set PdfFile 1.1), so the document was exported as DOCX.',
    };
  }

  async listControls(): Promise<SignetControl[]> {
    const out: SignetControl[] = [];
    for (const p of this.paragraphs) {
      for (const i of p.inlines) {
        if (i.type !== 'control') continue;
        const tag = parseTag(i.tagText);
        if (tag) out.push({ id: i.id, tag, tagText: i.tagText, title: i.title, text: i.text });
      }
    }
    return out;
  }

  async makeVariableFromSelection(name: string): Promise<SignetControl> {
    const tagText = formatTag({ kind: 'var', name });
    const s = this.selection;
    if (s.start === s.end || !this.selectedText().trim()) {
      throw new AddinError('OFFICE_SELECTION_EMPTY', '请先在文档中选中要设为变量的文字。Select the text that should become the variable first.');
    }
    const para = this.paragraphs[s.para];
    const { index, offset } = this.locate(para, s.start);
    const inline = para.inlines[index];
    if (inline.type !== 'text' || offset + (s.end - s.start) > inline.text.length) {
      throw new AddinError('OFFICE_CALL_FAILED', 'FakeOfficeGateway: select plain text inside one run (not across a content control).');
    }
    const control: FakeInline = { type: 'control', id: ++this.seq, tagText, title: `变量 ${name}`, text: inline.text.slice(offset, offset + s.end - s.start), anchor: false };
    const parts: FakeInline[] = [
      { type: 'text', text: inline.text.slice(0, offset) }, control, { type: 'text', text: inline.text.slice(offset + s.end - s.start) },
    ];
    para.inlines.splice(index, 1, ...parts.filter((p) => p.type === 'control' || p.text));
    return { id: control.id, tag: { kind: 'var', name }, tagText, title: control.title, text: control.text };
  }

  async insertVariable(name: string, text: string): Promise<SignetControl> {
    const tagText = formatTag({ kind: 'var', name });
    const control = this.insertAtCursor({ type: 'control', id: ++this.seq, tagText, title: `变量 ${name}`, text: text || name, anchor: false });
    return { id: control.id, tag: { kind: 'var', name }, tagText, title: control.title, text: control.text };
  }

  async insertPartyMarker(kind: MarkerKind, role: string): Promise<SignetControl> {
    const tagText = formatTag({ kind, role });
    const title = `${kind} · ${role}`;
    const control = this.insertAtCursor({ type: 'control', id: ++this.seq, tagText, title, text: tagText, anchor: true });
    return { id: control.id, tag: { kind, role }, tagText, title, text: tagText };
  }

  async updateControl(id: number, text: string): Promise<void> {
    const c = this.control(id);
    const tag = parseTag(c.tagText);
    if (tag && isMarker(tag)) {
      throw new AddinError('INVALID_ARGUMENT', '签署位置标记的文字不能修改，请删除后重新插入。A party marker\'s anchor text cannot be changed: delete it and insert a new one.');
    }
    c.text = text;
  }

  async fillVariables(values: Readonly<Record<string, string>>): Promise<FillOutcome> {
    let filledControls = 0;
    const unfilled = new Set<string>();
    for (const p of this.paragraphs) {
      for (const i of p.inlines) {
        if (i.type !== 'control') continue;
        const tag = parseTag(i.tagText);
        if (tag?.kind !== 'var') continue;
        const v = Object.hasOwn(values, tag.name) ? values[tag.name] : undefined;
        if (v === undefined || v === '') unfilled.add(tag.name);
        else {
          i.text = v;
          filledControls++;
        }
      }
    }
    return { filledControls, unfilled: [...unfilled] };
  }

  async insertClause(clause: ClauseContent): Promise<void> {
    if (clause.format === 'ooxml' && !/<pkg:package[\s>]/.test(clause.content)) {
      throw new AddinError('INVALID_ARGUMENT', '条款的 OOXML 须为 Flat OPC 包（<pkg:package>）。An OOXML clause must be a Flat OPC package (<pkg:package>), as Word\'s insertOoxml expects.');
    }
    const incoming = clause.format === 'html' ? htmlParagraphs(clause.content) : ooxmlParagraphs(clause.content, () => ++this.seq);
    if (incoming.length === 0) return;
    this.deleteSelection();
    const s = this.selection;
    const [head, tail] = this.split(this.paragraphs[s.para], s.start);
    const replaced = [head, ...incoming, tail].filter((p) => p.inlines.length > 0);
    this.paragraphs.splice(s.para, 1, ...replaced);
    const lastIncoming = s.para + (head.inlines.length > 0 ? 1 : 0) + incoming.length - 1;
    const end = paragraphText(this.paragraphs[lastIncoming]).length;
    this.selection = { para: lastIncoming, start: end, end };
  }

  async getCustomProperty(key: string): Promise<string | undefined> {
    for (const [k, v] of this.properties) if (k.toLowerCase() === key.toLowerCase()) return v;
    return undefined;
  }

  async setCustomProperty(key: string, value: string): Promise<void> {
    if (value.length > 255) throw new AddinError('INVALID_ARGUMENT', `文档属性值最长 255 个字符。A custom property value holds at most 255 characters; "${key}" has ${value.length}.`);
    for (const k of this.properties.keys()) if (k.toLowerCase() === key.toLowerCase()) this.properties.delete(k);
    this.properties.set(key, value);
  }

  async openDialog(url: string, _opts?: DialogOptions): Promise<string> {
    this.dialogsOpened.push(url);
    if (!this.opts.dialog) throw new AddinError('OFFICE_DIALOG_CLOSED', '对话框已关闭，请重新打开以继续。The dialog was closed: open it again to continue.');
    return this.opts.dialog(url);
  }

  openInBrowser(url: string): void {
    this.browserOpened.push(url);
  }

  /** Inserts an inline after the selection and moves the cursor past it. */
  private insertAtCursor<T extends FakeInline>(inline: T): T {
    const s = this.selection;
    const para = this.paragraphs[s.para];
    const [head, tail] = this.split(para, s.end);
    para.inlines = [...head.inlines, inline, ...tail.inlines];
    const at = paragraphText(head).length + inline.text.length;
    this.selection = { para: s.para, start: at, end: at };
    return inline;
  }

  private deleteSelection(): void {
    const s = this.selection;
    if (s.start === s.end) return;
    const para = this.paragraphs[s.para];
    const [head] = this.split(para, s.start);
    const [, tail] = this.split(para, s.end);
    para.inlines = [...head.inlines, ...tail.inlines];
    this.selection = { para: s.para, start: s.start, end: s.start };
  }

  /** Splits a paragraph at a text offset; an offset inside a control puts the split after it. */
  private split(p: FakeParagraph, offset: number): [FakeParagraph, FakeParagraph] {
    const head: FakeInline[] = [];
    const tail: FakeInline[] = [];
    let pos = 0;
    for (const i of p.inlines) {
      const len = i.text.length;
      if (pos + len <= offset) head.push(i);
      else if (pos >= offset) tail.push(i);
      else if (i.type === 'text') {
        head.push({ type: 'text', text: i.text.slice(0, offset - pos) });
        tail.push({ type: 'text', text: i.text.slice(offset - pos) });
      } else head.push(i);
      pos += len;
    }
    return [{ inlines: head }, { inlines: tail }];
  }

  private locate(p: FakeParagraph, offset: number): { index: number; offset: number } {
    let pos = 0;
    for (let index = 0; index < p.inlines.length; index++) {
      const len = p.inlines[index].text.length;
      if (offset < pos + len) return { index, offset: offset - pos };
      pos += len;
    }
    return { index: p.inlines.length - 1, offset: p.inlines.at(-1)?.text.length ?? 0 };
  }

  private control(id: number): Extract<FakeInline, { type: 'control' }> {
    for (const p of this.paragraphs) for (const i of p.inlines) if (i.type === 'control' && i.id === id) return i;
    throw new AddinError('NOT_FOUND', `文档中已没有编号为 ${id} 的内容控件，请刷新列表。The content control ${id} is no longer in the document: refresh the list.`);
  }
}
