/**
 * Renders a {@link FakeDocumentSnapshot} to a real PDF with pdf-lib, the way Word's PDF export
 * lays out such a document: A4 pages, wrapped paragraphs, variable text inline, and each party
 * marker's anchor text (`signet:sign:partyA`) drawn inline at 1 pt in white, so it is invisible
 * on the page but present in the text layer, where the server finds it by text search.
 *
 * Test and preview code only (the production bundle never contains it). It draws with the
 * standard Helvetica font, so text must be WinAnsi (Latin); CJK text is refused with a clear error.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { AddinError } from '../addin-error.js';
import type { FakeDocumentSnapshot } from './fake-document.js';

/** Layout of the rendered page, in points. */
export const FAKE_PDF_LAYOUT = { width: 595.28, height: 841.89, margin: 72, fontSize: 11, leading: 15, titleSize: 16, anchorSize: 1 } as const;

type Token = { text: string; anchor: boolean };

/** Renders the document; the PDF is deterministic for a given document (fixed dates). */
export async function renderFakeDocumentPdf(doc: FakeDocumentSnapshot): Promise<Uint8Array> {
  const L = FAKE_PDF_LAYOUT;
  const pdf = await PDFDocument.create();
  const fixed = new Date('2025-01-01T00:00:00Z');
  pdf.setTitle(doc.title);
  pdf.setCreator('Microsoft Word (Signet FakeOfficeGateway)');
  pdf.setProducer('pdf-lib');
  pdf.setCreationDate(fixed);
  pdf.setModificationDate(fixed);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const right = L.width - L.margin;
  let page: PDFPage = pdf.addPage([L.width, L.height]);
  let y = L.height - L.margin - L.titleSize;

  const checked = (f: PDFFont, text: string) => {
    try {
      f.encodeText(text);
    } catch {
      throw new AddinError('INVALID_ARGUMENT', `模拟文档只能绘制拉丁字符：“${text}”。The fake document renderer draws WinAnsi (Latin) text only, and cannot draw "${text}": use Latin text in fake documents.`);
    }
    return text;
  };

  page.drawText(checked(bold, doc.title), { x: L.margin, y, size: L.titleSize, font: bold, color: rgb(0, 0, 0) });
  y -= L.leading * 2;

  for (const para of doc.paragraphs) {
    const tokens: Token[] = [];
    for (const inline of para.inlines) {
      if (inline.type === 'control' && inline.anchor) tokens.push({ text: inline.text, anchor: true });
      else for (const w of inline.text.split(/(?<=\s)/)) if (w) tokens.push({ text: w, anchor: false });
    }
    let x = L.margin;
    const newLine = () => {
      x = L.margin;
      y -= L.leading;
      if (y < L.margin) {
        page = pdf.addPage([L.width, L.height]);
        y = L.height - L.margin - L.fontSize;
      }
    };
    for (const t of tokens) {
      const size = t.anchor ? L.anchorSize : L.fontSize;
      const w = font.widthOfTextAtSize(checked(font, t.text), size);
      if (x + w > right && x > L.margin) newLine();
      if (t.anchor) {
        page.drawText(t.text, { x, y, size, font, color: rgb(1, 1, 1) });
      } else if (t.text.trim()) {
        page.drawText(t.text.trimEnd(), { x, y, size, font, color: rgb(0, 0, 0) });
      }
      x += w;
    }
    newLine();
    y -= L.leading / 3;
  }
  return pdf.save({ useObjectStreams: false });
}
