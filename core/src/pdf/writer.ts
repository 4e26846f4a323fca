/**
 * The incremental writer (ISO 32000-1 §7.5.6): appends changed and new objects, a cross-reference
 * section of the same kind as the last one, and a trailer, never touching the original bytes. This
 * is what keeps earlier signatures valid.
 */
import { SignetError } from '../errors.js';
import { PdfByteRangePlaceholder, PdfDict, PdfHexPlaceholder, PdfName, PdfRef, PdfStream, type PdfObject } from './objects.js';
import { isWhiteSpace } from './lexer.js';
import type { PdfReader } from './reader.js';
import { ByteSink, serializeTo, type PlaceholderSpan } from './serialize.js';

/** What {@link IncrementalWriter.write} returns. */
export interface WriteResult {
  /** The original bytes followed by the update. */
  bytes: Uint8Array;
  /** Absolute spans of each placeholder written: `start` at `<` or `[`, `end` just after `>` or `]`. */
  placeholders: Map<PdfHexPlaceholder | PdfByteRangePlaceholder, PlaceholderSpan>;
}

/** Appends one incremental update to a PDF read by {@link PdfReader} (§7.5.6). */
export class IncrementalWriter {
  private readonly objects = new Map<number, { ref: PdfRef; obj: PdfObject }>();
  private readonly trailerEntries = new Map<string, PdfObject>();
  private nextNum?: number;

  constructor(
    /** The document being updated. */
    readonly reader: PdfReader,
  ) {}

  /** Reserves a new object number, starting at the reader's /Size (or past the highest number in use). */
  allocate(): PdfRef {
    if (this.nextNum === undefined) {
      let next = this.reader.size;
      for (const r of this.reader.revisions) for (const k of r.entries.keys()) if (k >= next) next = k + 1;
      this.nextNum = Math.max(next, 1);
    }
    return PdfRef.of(this.nextNum++);
  }

  /** Adds a new object or replaces an existing one; the replacement is appended, earlier bytes stay. */
  set(ref: PdfRef, obj: PdfObject): void {
    if (obj === undefined) throw new SignetError('INVALID_ARGUMENT', `No object given for ${ref}. Pass a PdfObject (null deletes nothing; it writes null).`);
    if (ref.num === 0) throw new SignetError('INVALID_ARGUMENT', 'Object number 0 is reserved for the head of the free list. Use allocate() for a new object.');
    this.objects.set(ref.num, { ref, obj });
  }

  /** The object set for `ref` in this update, or undefined when it has not been set. */
  get(ref: PdfRef): PdfObject | undefined {
    const e = this.objects.get(ref.num);
    return e && e.ref.gen === ref.gen ? e.obj : undefined;
  }

  /** Sets an entry of the new trailer (or xref stream dictionary), e.g. /Info. */
  setTrailerEntry(key: string, value: PdfObject): void {
    this.trailerEntries.set(key, value);
  }

  /**
   * Returns the original bytes (unchanged) + an EOL when they do not end in one + the objects set +
   * an xref section (a table when the last section was one, else an xref stream, §7.5.8) + trailer
   * + `startxref` + `%%EOF`, built with one Buffer.concat.
   */
  write(): WriteResult {
    const reader = this.reader;
    const orig = reader.bytes;
    const sink = new ByteSink(orig.length);
    const last = orig[orig.length - 1];
    if (last !== 0x0a && last !== 0x0d) sink.str('\n');

    const nums = [...this.objects.keys()].sort((a, b) => a - b);
    const rows: { num: number; offset: number; gen: number }[] = [];
    for (const num of nums) {
      const { ref, obj } = this.objects.get(num)!;
      rows.push({ num, offset: sink.pos, gen: ref.gen });
      sink.str(`${num} ${ref.gen} obj\n`);
      serializeTo(sink, obj);
      sink.str('\nendobj\n');
    }

    let size = Math.max(reader.size, this.nextNum ?? 0, nums.length ? nums[nums.length - 1] + 1 : 0);
    // Point /Prev at the section itself even when the old startxref pointed at white-space before it.
    let prev = reader.lastRevision.xrefOffset;
    while (prev < orig.length && isWhiteSpace(orig[prev])) prev++;
    const base = new PdfDict();
    for (const key of ['Root', 'Info', 'ID']) {
      const v = reader.trailer.get(key);
      if (v !== undefined) base.set(key, v);
    }

    let xrefOffset: number;
    if (reader.lastRevision.kind === 'table') {
      xrefOffset = sink.pos;
      let text = 'xref\n';
      for (const [first, group] of subsections(rows)) {
        text += `${first} ${group.length}\n`;
        for (const r of group) text += `${String(r.offset).padStart(10, '0')} ${String(r.gen).padStart(5, '0')} n\r\n`;
      }
      sink.str(text);
      const trailer = new PdfDict([['Size', size], ...base.entries(), ['Prev', prev]]);
      for (const [k, v] of this.trailerEntries) trailer.set(k, v);
      sink.str('trailer\n');
      serializeTo(sink, trailer);
      sink.str('\n');
    } else {
      const xrefNum = size;
      size += 1;
      xrefOffset = sink.pos;
      rows.push({ num: xrefNum, offset: xrefOffset, gen: 0 });
      const w2 = byteWidth(xrefOffset);
      const w3 = Math.max(1, byteWidth(Math.max(0, ...rows.map((r) => r.gen))));
      const rowLen = 1 + w2 + w3;
      const data = new Uint8Array(rows.length * rowLen);
      const index: number[] = [];
      let p = 0;
      for (const [first, group] of subsections(rows)) {
        index.push(first, group.length);
        for (const r of group) {
          data[p++] = 1;
          putUint(data, p, w2, r.offset);
          p += w2;
          putUint(data, p, w3, r.gen);
          p += w3;
        }
      }
      const dict = new PdfDict([
        ['Type', PdfName.of('XRef')],
        ['Size', size],
        ['Index', index],
        ['W', [1, w2, w3]],
        ...base.entries(),
        ['Prev', prev],
      ]);
      for (const [k, v] of this.trailerEntries) dict.set(k, v);
      sink.str(`${xrefNum} 0 obj\n`);
      serializeTo(sink, new PdfStream(dict, data));
      sink.str('\nendobj\n');
    }
    sink.str(`startxref\n${xrefOffset}\n%%EOF\n`);
    const bytes = Buffer.concat([orig, ...sink.chunks()], orig.length + sink.length);
    return { bytes, placeholders: sink.placeholders };
  }
}

/** Groups rows (sorted by number) into runs of consecutive object numbers (§7.5.4). */
function subsections<T extends { num: number }>(rows: T[]): [number, T[]][] {
  const out: [number, T[]][] = [];
  for (const r of rows) {
    const cur = out[out.length - 1];
    if (cur && cur[0] + cur[1].length === r.num) cur[1].push(r);
    else out.push([r.num, [r]]);
  }
  return out;
}

function byteWidth(n: number): number {
  let w = 1;
  while (n >= 256 ** w) w++;
  return w;
}

function putUint(out: Uint8Array, at: number, width: number, v: number): void {
  for (let k = width - 1; k >= 0; k--) {
    out[at + k] = v % 256;
    v = Math.floor(v / 256);
  }
}
