/**
 * Builds a fresh, unsigned PDF from Signet's own object model (ISO 32000-1 §7.5): a header, the
 * objects, a classic cross-reference table and a trailer. Used for documents Signet draws itself
 * (evidence pages, seal sheets, test fixtures); anything signed afterwards is only appended to.
 */
import { createHash } from 'node:crypto';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';
import { ByteSink, serializeTo } from './serialize.js';

/** One page to add: its size in points, its content stream and the resources it uses. */
export interface PageSpec {
  width: number;
  height: number;
  /** Content stream operators (latin1 text or bytes). */
  content: string | Uint8Array;
  resources?: PdfDict;
  /** Extra page entries, e.g. /Annots. */
  extra?: Record<string, PdfObject>;
}

/** A fresh document under construction; also an ObjectSink for fonts and images. */
export class PdfDocumentBuilder {
  private readonly objects = new Map<number, PdfObject>();
  private readonly pages: PdfRef[] = [];
  private next = 1;
  private readonly pagesRef: PdfRef;
  private readonly catalogRef: PdfRef;
  private info?: PdfDict;

  constructor(private readonly opts: { compress?: boolean } = {}) {
    this.catalogRef = this.allocate();
    this.pagesRef = this.allocate();
  }

  /** Reserves an object number. */
  allocate(): PdfRef {
    return PdfRef.of(this.next++);
  }

  /** Sets the object for `ref`. */
  set(ref: PdfRef, obj: PdfObject): void {
    this.objects.set(ref.num, obj);
  }

  /** Appends a page and returns its reference. */
  addPage(page: PageSpec): PdfRef {
    const contentRef = this.allocate();
    const data = typeof page.content === 'string' ? Buffer.from(page.content, 'latin1') : page.content;
    this.set(contentRef, PdfStream.fromData(data, new PdfDict(), { compress: this.opts.compress ?? true }));
    const ref = this.allocate();
    this.set(ref, new PdfDict({
      Type: PdfName.of('Page'),
      Parent: this.pagesRef,
      MediaBox: [0, 0, page.width, page.height],
      Resources: page.resources ?? new PdfDict(),
      Contents: contentRef,
      ...page.extra,
    }));
    this.pages.push(ref);
    return ref;
  }

  /** Sets document information (§14.3.3), e.g. `{ Title: '签约存证页', Producer: 'Signet' }`. */
  setInfo(entries: Record<string, string | Date>): void {
    const d = new PdfDict();
    for (const [k, v] of Object.entries(entries)) d.set(k, v instanceof Date ? PdfString.fromDate(v) : PdfString.fromText(v));
    this.info = d;
  }

  /** Adds entries to the catalog (e.g. /AcroForm), applied when the document is built. */
  readonly catalogExtra = new PdfDict();

  /** Serializes the document. */
  build(): Uint8Array {
    this.set(this.pagesRef, new PdfDict({ Type: PdfName.of('Pages'), Kids: [...this.pages], Count: this.pages.length }));
    const catalog = new PdfDict({ Type: PdfName.of('Catalog'), Pages: this.pagesRef });
    for (const [k, v] of this.catalogExtra.entries()) catalog.set(k, v);
    this.set(this.catalogRef, catalog);
    let infoRef: PdfRef | undefined;
    if (this.info) {
      infoRef = this.allocate();
      this.set(infoRef, this.info);
    }
    const sink = new ByteSink();
    sink.str('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    const offsets: number[] = new Array(this.next).fill(-1);
    for (let num = 1; num < this.next; num++) {
      const obj = this.objects.get(num);
      if (obj === undefined) continue;
      offsets[num] = sink.pos;
      sink.str(`${num} 0 obj\n`);
      serializeTo(sink, obj);
      sink.str('\nendobj\n');
    }
    const xref = sink.pos;
    let table = `xref\n0 ${this.next}\n0000000000 65535 f\r\n`;
    for (let num = 1; num < this.next; num++) {
      table += offsets[num] < 0 ? '0000000000 00000 f\r\n' : `${String(offsets[num]).padStart(10, '0')} 00000 n\r\n`;
    }
    sink.str(table);
    const body = Buffer.concat(sink.chunks());
    const id = new PdfString(createHash('sha256').update(body).digest().subarray(0, 16), true);
    const trailer = new PdfDict({ Size: this.next, Root: this.catalogRef, ID: [id, id] });
    if (infoRef) trailer.set('Info', infoRef);
    const tail = new ByteSink();
    tail.str('trailer\n');
    serializeTo(tail, trailer);
    tail.str(`\nstartxref\n${xref}\n%%EOF\n`);
    return Buffer.concat([body, ...tail.chunks()]);
  }
}
