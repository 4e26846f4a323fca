/**
 * The PDF reader: finds `startxref` in the tail, follows the cross-reference chain through every
 * revision (ISO 32000-1 §7.5.4 tables, §7.5.8 streams, §7.5.8.4 hybrid files, §7.5.6 incremental
 * updates), and parses objects lazily, on demand, with a cache.
 *
 * Objects it returns are shared with its cache: clone a dictionary before changing it.
 */
import { SignetError } from '../errors.js';
import { Lexer, isWhiteSpace } from './lexer.js';
import { PdfDict, PdfRef, PdfStream, type PdfObject } from './objects.js';

/** One cross-reference entry (§7.5.4, §7.5.8.3 Table 18). */
export type XrefEntry =
  | { type: 'free'; gen: number }
  | { type: 'offset'; offset: number; gen: number }
  | { type: 'compressed'; stream: number; index: number };

/** One revision of the file: an xref section with its trailer, oldest first (§7.5.6). */
export interface Revision {
  /** 0 = oldest. */
  index: number;
  /** The value of `startxref` (or /Prev) that points at this section. */
  xrefOffset: number;
  /** A classic table (§7.5.4) or an xref stream (§7.5.8). */
  kind: 'table' | 'stream';
  /** The trailer dictionary, or the xref stream's dictionary. */
  trailer: PdfDict;
  /**
   * Exclusive offset where this revision ends: just after its `%%EOF` and one optional EOL (CR, LF
   * or CRLF). A signature covering the whole revision has ByteRange[2] + ByteRange[3] equal to it.
   */
  endOffset: number;
  /**
   * Exclusive offset just after this revision's `%%EOF`, without the EOL. Some signers (e.g.
   * @signpdf) end the /ByteRange here and start the next update with the EOL, so a verifier should
   * accept a signature ending at either this or {@link Revision.endOffset}.
   */
  eofOffset: number;
  /** Object numbers this section defines (free entries included); a hybrid file's /XRefStm is merged in. */
  entries: Map<number, XrefEntry>;
}

/** A page with its inherited attributes resolved (§7.7.3.4). */
export interface PageInfo {
  ref: PdfRef;
  dict: PdfDict;
  /** [llx, lly, urx, ury], normalized so that ll < ur. */
  mediaBox: [number, number, number, number];
  /** The CropBox, or the MediaBox when there is none. */
  cropBox: [number, number, number, number];
  /** 0, 90, 180 or 270. */
  rotate: number;
  /** The (possibly inherited) /Resources dictionary. */
  resources: PdfDict | undefined;
}

const MAX_REVISIONS = 100_000;
const MAX_REF_CHAIN = 32;
const MAX_TREE_DEPTH = 256;
const TAIL_WINDOW = 2048;
const XREF_REPAIR = 'Repair the file (e.g. `qpdf in.pdf out.pdf`) and retry.';

function xrefBroken(msg: string): SignetError {
  return new SignetError('PDF_XREF_BROKEN', `${msg} ${XREF_REPAIR}`);
}

interface Section {
  kind: 'table' | 'stream';
  offset: number;
  trailer: PdfDict;
  entries: Map<number, XrefEntry>;
  /** Offset just after the section (after the trailer dictionary or the stream's endobj). */
  end: number;
}

interface ObjStm {
  nums: number[];
  offsets: number[];
  first: number;
  data: Uint8Array;
}

/** Reads a PDF: every revision's xref section at load, objects lazily (§7.5). */
export class PdfReader {
  /** The file, unchanged. */
  readonly bytes: Uint8Array;
  /** Every revision, oldest first, following the /Prev chain. */
  readonly revisions: Revision[];
  /** The latest trailer, with /Root, /Info and /ID filled in from older trailers when missing. */
  readonly trailer: PdfDict;
  /** The latest /Size (one more than the highest object number). */
  readonly size: number;

  private readonly buf: Buffer;
  private readonly headerOffset: number;
  private readonly headerVersion: string;
  private readonly cache = new Map<XrefEntry, PdfObject | undefined>();
  private readonly loading = new Set<XrefEntry>();
  private readonly objStms = new WeakMap<PdfStream, ObjStm>();
  private pageRefsCache?: PdfRef[];
  private pageIndex?: Map<PdfRef, number>;
  private pagesVerified = false;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const head = this.buf.subarray(0, 1024);
    const h = head.indexOf('%PDF-', 0, 'latin1');
    if (h < 0) throw new SignetError('PDF_NOT_PDF', 'The input has no %PDF- header in its first 1024 bytes, so it is not a PDF. Upload a PDF file.');
    this.headerOffset = h;
    const m = /^%PDF-(\d+\.\d+)/.exec(head.toString('latin1', h, h + 16));
    this.headerVersion = m ? m[1] : '1.4';

    const startxref = this.findStartxref();
    const sections = this.readChain(startxref);
    const revisions: Revision[] = [];
    for (let i = sections.length - 1; i >= 0; i--) {
      const s = sections[i];
      const { eofOffset, endOffset } = this.findRevisionEnd(s.end);
      revisions.push({ index: revisions.length, xrefOffset: s.offset, kind: s.kind, trailer: s.trailer, endOffset, eofOffset, entries: s.entries });
    }
    this.revisions = revisions;

    const latest = revisions[revisions.length - 1].trailer;
    const trailer = latest.clone();
    for (const key of ['Root', 'Info', 'ID']) {
      if (trailer.has(key)) continue;
      for (let i = revisions.length - 2; i >= 0; i--) {
        const v = revisions[i].trailer.get(key);
        if (v !== undefined) {
          trailer.set(key, v);
          break;
        }
      }
    }
    this.trailer = trailer;
    const size = latest.get('Size');
    if (typeof size === 'number' && Number.isInteger(size) && size >= 0) this.size = size;
    else {
      let max = -1;
      for (const r of revisions) for (const k of r.entries.keys()) if (k > max) max = k;
      this.size = max + 1;
    }
  }

  /**
   * Loads a PDF from its bytes (not copied). Throws PDF_NOT_PDF, PDF_TRUNCATED, PDF_ENCRYPTED,
   * PDF_XREF_BROKEN or PDF_MALFORMED, each with a message that says what to do.
   */
  static load(bytes: Uint8Array): PdfReader {
    return new PdfReader(bytes);
  }

  /** The newest revision. */
  get lastRevision(): Revision {
    return this.revisions[this.revisions.length - 1];
  }

  /** The PDF version: the header's, or the catalog's /Version when that is higher (§7.7.2). */
  get version(): string {
    try {
      const v = this.catalog.getName('Version');
      if (v && /^\d+\.\d+$/.test(v) && Number(v) > Number(this.headerVersion)) return v;
    } catch {
      /* a missing catalog leaves the header version */
    }
    return this.headerVersion;
  }

  /** The reference to the document catalog (trailer /Root); throws PDF_MALFORMED when missing. */
  get catalogRef(): PdfRef {
    const r = this.trailer.get('Root');
    if (!(r instanceof PdfRef)) throw new SignetError('PDF_MALFORMED', `The trailer has no /Root reference to a catalog. ${XREF_REPAIR}`);
    return r;
  }

  /** The document catalog (§7.7.2); throws PDF_MALFORMED when missing. */
  get catalog(): PdfDict {
    const c = this.getObject(this.catalogRef);
    if (!(c instanceof PdfDict)) throw new SignetError('PDF_MALFORMED', `The document catalog ${this.catalogRef} is missing or not a dictionary. ${XREF_REPAIR}`);
    return c;
  }

  /** The catalog as it stood in revision `revisionIndex`; throws PDF_MALFORMED when missing. */
  catalogAt(revisionIndex: number): PdfDict {
    const ref = this.trailerValueAt('Root', revisionIndex);
    const c = ref instanceof PdfRef ? this.getObjectAt(ref.num, revisionIndex) : undefined;
    if (!(c instanceof PdfDict)) throw new SignetError('PDF_MALFORMED', `Revision ${revisionIndex} has no document catalog. ${XREF_REPAIR}`);
    return c;
  }

  /** A trailer entry as it stood in revision `revisionIndex` (the newest section ≤ it that has the key). */
  trailerValueAt(key: string, revisionIndex: number): PdfObject | undefined {
    for (let i = Math.min(revisionIndex, this.revisions.length - 1); i >= 0; i--) {
      const v = this.revisions[i].trailer.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** The revision whose endOffset (or eofOffset) is `offset`, e.g. the one a signature's /ByteRange covers. */
  revisionEndingAt(offset: number): Revision | undefined {
    return this.revisions.find((r) => r.endOffset === offset) ?? this.revisions.find((r) => r.eofOffset === offset);
  }

  /** The object with this number in the latest revision (cached); undefined when free, missing or of another generation. */
  getObject(ref: PdfRef | number): PdfObject | undefined {
    return this.lookup(ref, this.revisions.length - 1);
  }

  /** The object as it stood in revision `revisionIndex` (looks only at sections ≤ that index). */
  getObjectAt(num: number, revisionIndex: number): PdfObject | undefined {
    return this.lookup(num, revisionIndex);
  }

  /** Follows references (up to 32 hops) in the latest revision; undefined for missing or free objects. */
  resolve(obj: PdfObject | undefined): PdfObject | undefined {
    return this.resolveAt(obj, this.revisions.length - 1);
  }

  /** Follows references (up to 32 hops) as they stood in revision `revisionIndex`. */
  resolveAt(obj: PdfObject | undefined, revisionIndex: number): PdfObject | undefined {
    let o = obj;
    for (let i = 0; o instanceof PdfRef; i++) {
      if (i >= MAX_REF_CHAIN) throw new SignetError('PDF_LIMIT_EXCEEDED', `A chain of more than ${MAX_REF_CHAIN} references (or a cycle) starts at ${String(obj)}. ${XREF_REPAIR}`);
      o = this.lookup(o, revisionIndex);
    }
    return o;
  }

  /** The number of pages (leaves of the page tree, §7.7.3). */
  pageCount(): number {
    return this.pageRefs().length;
  }

  /** The page tree flattened in document order (cached; cycles and shared nodes are visited once). */
  pageRefs(): PdfRef[] {
    this.pageRefsCache ??= this.collectPages(this.catalog, (o) => this.resolve(o));
    return this.pageRefsCache;
  }

  /** The page tree as it stood in revision `revisionIndex`. */
  pageRefsAt(revisionIndex: number): PdfRef[] {
    if (revisionIndex >= this.revisions.length - 1) return this.pageRefs();
    return this.collectPages(this.catalogAt(revisionIndex), (o) => this.resolveAt(o, revisionIndex));
  }

  /** The 0-based index of the page `ref`, or -1 when it is not a page. */
  pageIndexOf(ref: PdfRef): number {
    if (!this.pageIndex) {
      this.pageIndex = new Map();
      this.pageRefs().forEach((r, i) => this.pageIndex!.set(r, i));
    }
    return this.pageIndex.get(PdfRef.of(ref.num, ref.gen)) ?? -1;
  }

  /** The page at 0-based `index` with inherited attributes resolved (§7.7.3.4); throws PDF_PAGE_OUT_OF_RANGE. */
  getPage(index: number): PageInfo {
    const refs = this.pageRefs();
    if (!Number.isInteger(index) || index < 0 || index >= refs.length) {
      throw new SignetError('PDF_PAGE_OUT_OF_RANGE', `Page ${index + 1} does not exist: the document has ${refs.length} page(s). Use a page between 1 and ${refs.length}.`);
    }
    const ref = refs[index];
    const dict = this.resolve(ref);
    if (dict instanceof PdfDict && (dict.getName('Type') === 'Pages' || (dict.getName('Type') !== 'Page' && dict.has('Kids'))) && !this.pagesVerified) {
      this.pagesVerified = true;
      this.pageRefsCache = this.collectPages(this.catalog, (o) => this.resolve(o), true);
      this.pageIndex = undefined;
      return this.getPage(index);
    }
    if (!(dict instanceof PdfDict)) throw new SignetError('PDF_MALFORMED', `Page ${index + 1} (${ref}) is not a dictionary. ${XREF_REPAIR}`);
    const inherited = (key: string): PdfObject | undefined => {
      let node: PdfDict = dict;
      for (let depth = 0; depth < MAX_TREE_DEPTH; depth++) {
        const v = node.get(key);
        if (v !== undefined) return this.resolve(v);
        const parent = this.resolve(node.get('Parent'));
        if (!(parent instanceof PdfDict)) return undefined;
        node = parent;
      }
      return undefined;
    };
    const mediaBox = this.rect(inherited('MediaBox')) ?? [0, 0, 612, 792];
    const cropBox = this.rect(inherited('CropBox')) ?? mediaBox;
    const rot = inherited('Rotate');
    let rotate = typeof rot === 'number' && Number.isInteger(rot) ? ((rot % 360) + 360) % 360 : 0;
    if (rotate % 90 !== 0) rotate = 0;
    const res = inherited('Resources');
    return { ref, dict, mediaBox, cropBox, rotate, resources: res instanceof PdfDict ? res : undefined };
  }

  private rect(o: PdfObject | undefined): [number, number, number, number] | undefined {
    if (!Array.isArray(o) || o.length !== 4) return undefined;
    const n = o.map((x) => this.resolve(x));
    if (!n.every((x): x is number => typeof x === 'number')) return undefined;
    const [a, b, c, d] = n as number[];
    return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
  }

  /**
   * Flattens the page tree. Unless `verify`, a /Pages node whose /Count equals its number of kids
   * is taken to hold only leaves, so large flat trees (pdf-lib's) cost no page parsing at all;
   * {@link getPage} re-walks with `verify` if such a kid turns out to be a /Pages node.
   */
  private collectPages(catalog: PdfDict, res: (o: PdfObject | undefined) => PdfObject | undefined, verify = false): PdfRef[] {
    const out: PdfRef[] = [];
    const seen = new Set<PdfRef>();
    const visit = (ref: PdfObject | undefined, depth: number, leaf: boolean): void => {
      if (!(ref instanceof PdfRef) || seen.has(ref)) return;
      if (depth > MAX_TREE_DEPTH) throw new SignetError('PDF_LIMIT_EXCEEDED', `The page tree is deeper than ${MAX_TREE_DEPTH} levels. ${XREF_REPAIR}`);
      seen.add(ref);
      if (leaf) {
        out.push(ref);
        return;
      }
      const node = res(ref);
      if (!(node instanceof PdfDict)) return;
      const type = node.getName('Type');
      const kids = res(node.get('Kids'));
      if (type === 'Pages' || (type !== 'Page' && Array.isArray(kids))) {
        if (!Array.isArray(kids)) return;
        const count = res(node.get('Count'));
        const flat = !verify && count === kids.length && kids.every((k) => k instanceof PdfRef);
        for (const k of kids) visit(k, depth + 1, flat);
      } else out.push(ref);
    };
    visit(catalog.get('Pages'), 0, false);
    return out;
  }

  // --- objects ---------------------------------------------------------------------------------

  private lookup(ref: PdfRef | number, revisionIndex: number): PdfObject | undefined {
    const num = typeof ref === 'number' ? ref : ref.num;
    for (let i = Math.min(revisionIndex, this.revisions.length - 1); i >= 0; i--) {
      const e = this.revisions[i].entries.get(num);
      if (e === undefined) continue;
      if (e.type === 'free') return undefined;
      // A reference whose generation does not match the xref entry is a reference to null (§7.3.10).
      if (typeof ref !== 'number' && (e.type === 'offset' ? e.gen : 0) !== ref.gen) return undefined;
      return this.load(num, e, i);
    }
    return undefined;
  }

  private load(num: number, e: XrefEntry, rev: number): PdfObject | undefined {
    if (this.cache.has(e)) return this.cache.get(e);
    // Re-entry means a cycle (e.g. a stream whose /Length is itself): treat it as missing.
    if (this.loading.has(e)) return undefined;
    this.loading.add(e);
    try {
      let obj: PdfObject | undefined;
      if (e.type === 'offset') obj = this.parseAt(num, e.offset, e.gen, rev);
      else if (e.type === 'compressed') obj = this.parseCompressed(num, e.stream, e.index, rev);
      this.cache.set(e, obj);
      return obj;
    } finally {
      this.loading.delete(e);
    }
  }

  private parseAt(num: number, offset: number, gen: number, rev: number): PdfObject | undefined {
    if (offset === 0 && num !== 0) return undefined; // some writers mark unused numbers "in use" at 0
    const hooks = {
      resolveLength: (r: PdfRef) => {
        const v = this.resolveAt(r, rev);
        return typeof v === 'number' ? v : undefined;
      },
    };
    const tryAt = (off: number) => {
      if (off < 0 || off >= this.bytes.length) return undefined;
      const lx = new Lexer(this.bytes, off, hooks);
      const io = lx.parseIndirectObject();
      return io && io.num === num && io.gen === gen ? io : undefined;
    };
    const io = tryAt(offset) ?? (this.headerOffset > 0 ? tryAt(offset + this.headerOffset) : undefined);
    if (!io) throw xrefBroken(`The cross-reference table says object ${num} ${gen} is at offset ${offset}, but it is not there.`);
    if (io.obj instanceof PdfStream) io.obj.resolver = (o) => this.resolveAt(o, rev);
    return io.obj;
  }

  private parseCompressed(num: number, streamNum: number, index: number, rev: number): PdfObject | undefined {
    const st = this.getObjectAt(streamNum, rev);
    if (!(st instanceof PdfStream)) throw xrefBroken(`Object ${num} is said to be in object stream ${streamNum}, which is not a stream.`);
    let os = this.objStms.get(st);
    if (!os) {
      os = this.parseObjStm(st, streamNum);
      this.objStms.set(st, os);
    }
    const i = os.nums[index] === num ? index : os.nums.indexOf(num);
    if (i < 0) return undefined;
    const lx = new Lexer(os.data, os.first + os.offsets[i]);
    return lx.parseObject();
  }

  /** Parses an object stream's header (§7.5.7): N pairs of object number and relative offset. */
  private parseObjStm(st: PdfStream, streamNum: number): ObjStm {
    const n = this.resolve(st.dict.get('N'));
    const first = this.resolve(st.dict.get('First'));
    if (typeof n !== 'number' || typeof first !== 'number' || n < 0 || first < 0) {
      throw new SignetError('PDF_MALFORMED', `Object stream ${streamNum} lacks a valid /N or /First. ${XREF_REPAIR}`);
    }
    const data = st.decode();
    if (n > data.length / 2) throw new SignetError('PDF_MALFORMED', `Object stream ${streamNum} claims ${n} objects in ${data.length} bytes. ${XREF_REPAIR}`);
    const lx = new Lexer(data, 0);
    const nums: number[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) {
      lx.skipWs();
      const a = lx.readUInt();
      lx.skipWs();
      const b = lx.readUInt();
      if (a === undefined || b === undefined) throw new SignetError('PDF_MALFORMED', `Object stream ${streamNum} has a damaged header. ${XREF_REPAIR}`);
      nums.push(a);
      offsets.push(b);
    }
    return { nums, offsets, first, data };
  }

  // --- cross-reference chain -------------------------------------------------------------------

  private findStartxref(): number {
    const len = this.bytes.length;
    const from = Math.max(0, len - TAIL_WINDOW);
    const tail = this.buf.subarray(from);
    const sx = tail.lastIndexOf('startxref', undefined, 'latin1');
    const eof = sx >= 0 ? tail.indexOf('%%EOF', sx, 'latin1') : -1;
    if (sx < 0 || eof < 0) {
      throw new SignetError('PDF_TRUNCATED', 'The PDF has no startxref/%%EOF at its end: it is truncated. Re-export or re-download the complete file.');
    }
    let p = from + sx + 9;
    while (p < len && isWhiteSpace(this.bytes[p])) p++;
    let v = 0;
    const start = p;
    while (p < len && this.bytes[p] >= 0x30 && this.bytes[p] <= 0x39) v = v * 10 + (this.bytes[p++] - 0x30);
    if (p === start) throw xrefBroken('The number after startxref is missing.');
    return v;
  }

  private readChain(startxref: number): Section[] {
    const sections: Section[] = [];
    const seen = new Set<number>();
    let off: number | undefined = startxref;
    while (off !== undefined) {
      if (seen.has(off)) throw xrefBroken(`The /Prev chain of cross-reference sections loops back to offset ${off}.`);
      if (sections.length >= MAX_REVISIONS) throw new SignetError('PDF_LIMIT_EXCEEDED', `The PDF has more than ${MAX_REVISIONS} revisions. Flatten it (e.g. \`qpdf in.pdf out.pdf\`).`);
      seen.add(off);
      const s = this.readSection(off, sections.length === 0 ? 'startxref' : '/Prev');
      if (s.trailer.has('Encrypt')) {
        throw new SignetError('PDF_ENCRYPTED', 'The PDF is encrypted. Remove the password (e.g. `qpdf --decrypt in.pdf out.pdf`, adding --password=… if it has a user password) and retry.');
      }
      sections.push(s);
      const prev = s.trailer.get('Prev');
      off = typeof prev === 'number' && Number.isInteger(prev) ? prev : undefined;
    }
    return sections;
  }

  private readSection(offset: number, via: string): Section {
    const attempt = (off: number): Section | undefined => {
      if (off < 0 || off >= this.bytes.length) return undefined;
      const lx = new Lexer(this.bytes, off);
      lx.skipWs(); // some writers point just before the keyword
      if (lx.atKeyword('xref')) return this.readTable(offset, lx.pos + 4);
      let io;
      try {
        io = lx.parseIndirectObject();
      } catch {
        return undefined;
      }
      if (io && io.obj instanceof PdfStream && (io.obj.dict.getName('Type') === 'XRef' || io.obj.dict.has('W'))) {
        return { kind: 'stream', offset, trailer: io.obj.dict, entries: this.readXrefStream(io.obj), end: io.end };
      }
      return undefined;
    };
    const s = attempt(offset) ?? (this.headerOffset > 0 ? attempt(offset + this.headerOffset) : undefined);
    if (!s) throw xrefBroken(`The ${via} offset ${offset} does not point at a cross-reference table or stream.`);
    return s;
  }

  /** Parses a classic table (§7.5.4) with a tight byte loop, then its trailer (§7.5.5). */
  private readTable(offset: number, pos: number): Section {
    const b = this.bytes;
    const n = b.length;
    const entries = new Map<number, XrefEntry>();
    let p = pos;
    const skipWs = () => {
      while (p < n && isWhiteSpace(b[p])) p++;
    };
    const uint = (): number => {
      const s = p;
      let v = 0;
      while (p < n && b[p] >= 0x30 && b[p] <= 0x39) v = v * 10 + (b[p++] - 0x30);
      if (p === s) throw xrefBroken(`The cross-reference table at offset ${offset} is damaged near offset ${p}.`);
      return v;
    };
    const skipSpaces = () => {
      while (p < n && (b[p] === 0x20 || b[p] === 0x09)) p++;
    };
    for (;;) {
      skipWs();
      if (p >= n) throw xrefBroken(`The cross-reference table at offset ${offset} has no trailer.`);
      if (b[p] === 0x74) break; // 't' of trailer
      let first = uint();
      skipSpaces();
      const count = uint();
      if (count > (n - p) / 16) throw xrefBroken(`The cross-reference subsection at offset ${p} claims more entries than the file holds.`);
      for (let i = 0; i < count; i++) {
        skipWs();
        const off = uint();
        skipSpaces();
        const gen = uint();
        skipSpaces();
        const t = b[p++];
        // A common writer bug numbers the first subsection from 1 while listing object 0's free entry.
        if (i === 0 && first === 1 && t === 0x66 && off === 0 && gen === 65535) first = 0;
        if (t === 0x6e) entries.set(first + i, { type: 'offset', offset: off, gen });
        else if (t === 0x66) entries.set(first + i, { type: 'free', gen });
        else throw xrefBroken(`The cross-reference entry for object ${first + i} is neither "n" nor "f".`);
      }
    }
    const lx = new Lexer(this.bytes, p);
    if (!lx.atKeyword('trailer')) throw xrefBroken(`The cross-reference table at offset ${offset} is not followed by a trailer.`);
    lx.pos += 7;
    let trailer: PdfObject;
    try {
      trailer = lx.parseObject();
    } catch (e) {
      throw xrefBroken(`The trailer after the cross-reference table at offset ${offset} is damaged (${(e as Error).message}).`);
    }
    if (!(trailer instanceof PdfDict)) throw xrefBroken(`The trailer at offset ${p} is not a dictionary.`);
    const end = lx.pos;
    const xs = trailer.get('XRefStm');
    if (typeof xs === 'number') {
      // Hybrid file (§7.5.8.4): objects missing or free in the table are found in the stream.
      const stm = this.readSection(xs, '/XRefStm');
      for (const [num, e] of stm.entries) {
        const cur = entries.get(num);
        if (cur === undefined || cur.type === 'free') entries.set(num, e);
      }
    }
    return { kind: 'table', offset, trailer, entries, end };
  }

  /** Decodes an xref stream's entries (§7.5.8.3): /W field widths over the /Index subsections. */
  private readXrefStream(st: PdfStream): Map<number, XrefEntry> {
    const d = st.dict;
    const w = d.get('W');
    if (!Array.isArray(w) || w.length < 3 || !w.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8)) {
      throw xrefBroken('An xref stream has an invalid /W array.');
    }
    const [w1, w2, w3] = w as number[];
    const size = d.get('Size');
    const idx = d.get('Index');
    const index: number[] = Array.isArray(idx) ? (idx.filter((x) => typeof x === 'number') as number[]) : [0, typeof size === 'number' ? size : 0];
    let data: Uint8Array;
    try {
      data = st.decode();
    } catch (e) {
      throw xrefBroken(`An xref stream cannot be decoded (${(e as Error).message}).`);
    }
    const rowLen = w1 + w2 + w3;
    const entries = new Map<number, XrefEntry>();
    if (rowLen === 0) return entries;
    let p = 0;
    const field = (width: number): number => {
      let v = 0;
      for (let k = 0; k < width; k++) v = v * 256 + data[p++];
      return v;
    };
    for (let s = 0; s + 1 < index.length; s += 2) {
      const first = index[s];
      const count = index[s + 1];
      for (let i = 0; i < count; i++) {
        if (p + rowLen > data.length) return entries;
        const type = w1 === 0 ? 1 : field(w1);
        const f2 = field(w2);
        const f3 = field(w3);
        if (type === 0) entries.set(first + i, { type: 'free', gen: f3 });
        else if (type === 1) entries.set(first + i, { type: 'offset', offset: f2, gen: f3 });
        else if (type === 2) entries.set(first + i, { type: 'compressed', stream: f2, index: f3 });
        // Other types are reserved and read as references to null.
      }
    }
    return entries;
  }

  /** The end of a revision: just after the `%%EOF` following its xref section, plus one EOL. */
  private findRevisionEnd(sectionEnd: number): { eofOffset: number; endOffset: number } {
    const at = this.buf.indexOf('%%EOF', sectionEnd, 'latin1');
    if (at < 0) return { eofOffset: this.bytes.length, endOffset: this.bytes.length };
    let e = at + 5;
    const eofOffset = e;
    if (this.bytes[e] === 0x0d) e++;
    if (this.bytes[e] === 0x0a) e++;
    return { eofOffset, endOffset: e };
  }
}
