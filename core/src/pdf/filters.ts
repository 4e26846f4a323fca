/**
 * Stream filters (ISO 32000-1 §7.4): the decoders a signer and verifier need to read xref streams,
 * object streams and metadata. Image codecs (DCT, JPX, CCITT, JBIG2) are not decoded.
 */
import { constants, inflateRawSync, inflateSync } from 'node:zlib';
import { SignetError } from '../errors.js';
import { PdfDict, PdfName, type PdfObject } from './objects.js';

type Resolve = (o: PdfObject | undefined) => PdfObject | undefined;

function tooLarge(limit: number): SignetError {
  return new SignetError('PDF_LIMIT_EXCEEDED', `A stream decompresses to more than ${limit} bytes. Simplify or split the document.`);
}

/**
 * Applies a /Filter chain with its /DecodeParms to `raw` (§7.4.1). `filter` is a name or an array of
 * names; `parms` a dictionary, null, or an array parallel to the filters.
 */
export function decodeFilters(raw: Uint8Array, filter: PdfObject | undefined, parms: PdfObject | undefined, resolve: Resolve, limit: number): Uint8Array {
  if (filter === undefined || filter === null) return raw;
  const filters = Array.isArray(filter) ? filter.map((f) => resolve(f)) : [filter];
  const parmList = Array.isArray(parms) ? parms.map((p) => resolve(p)) : [parms];
  let data = raw;
  for (let i = 0; i < filters.length; i++) {
    const f = filters[i];
    if (!(f instanceof PdfName)) {
      throw new SignetError('PDF_MALFORMED', 'A stream /Filter is not a name. Repair the file (e.g. `qpdf in.pdf out.pdf`) and retry.');
    }
    const p = parmList[i];
    const dp = p instanceof PdfDict ? p : undefined;
    data = decodeOne(data, f.name, dp, resolve, limit);
    if (data.length > limit) throw tooLarge(limit);
  }
  return data;
}

function decodeOne(data: Uint8Array, name: string, parms: PdfDict | undefined, resolve: Resolve, limit: number): Uint8Array {
  switch (name) {
    case 'FlateDecode':
    case 'Fl':
      return applyPredictor(inflate(data, limit), parms, resolve, limit);
    case 'LZWDecode':
    case 'LZW': {
      const early = num(resolve(parms?.get('EarlyChange')), 1);
      return applyPredictor(lzwDecode(data, early !== 0, limit), parms, resolve, limit);
    }
    case 'ASCIIHexDecode':
    case 'AHx':
      return asciiHexDecode(data);
    case 'ASCII85Decode':
    case 'A85':
      return ascii85Decode(data);
    case 'RunLengthDecode':
    case 'RL':
      return runLengthDecode(data, limit);
    default:
      throw new SignetError('PDF_MALFORMED', `The stream filter /${name} is not supported here (only Flate, LZW, ASCIIHex, ASCII85 and RunLength). Re-save the file without it.`);
  }
}

function num(o: PdfObject | undefined, dflt: number): number {
  return typeof o === 'number' ? o : dflt;
}

function inflate(data: Uint8Array, limit: number): Uint8Array {
  // Z_SYNC_FLUSH tolerates the truncated or checksum-less Flate data many writers produce.
  const opts = { maxOutputLength: limit, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    return inflateSync(data, opts);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw tooLarge(limit);
    try {
      return inflateRawSync(data, opts);
    } catch (e2) {
      if ((e2 as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e2 instanceof RangeError) throw tooLarge(limit);
      throw new SignetError('PDF_MALFORMED', `A Flate-encoded stream is corrupt (${(e as Error).message}). Repair the file (e.g. \`qpdf in.pdf out.pdf\`) and retry.`);
    }
  }
}

/** Undoes a PNG (10–15) or TIFF (2) predictor (§7.4.4.4). */
function applyPredictor(data: Uint8Array, parms: PdfDict | undefined, resolve: Resolve, limit: number): Uint8Array {
  if (!parms) return data;
  const predictor = num(resolve(parms.get('Predictor')), 1);
  if (predictor <= 1) return data;
  const colors = num(resolve(parms.get('Colors')), 1);
  const bpc = num(resolve(parms.get('BitsPerComponent')), 8);
  const columns = num(resolve(parms.get('Columns')), 1);
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > limit) {
    throw new SignetError('PDF_MALFORMED', 'A stream has invalid predictor parameters. Repair the file (e.g. `qpdf in.pdf out.pdf`) and retry.');
  }
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  if (predictor === 2) {
    if (bpc !== 8) throw new SignetError('PDF_MALFORMED', `The TIFF predictor with ${bpc} bits per component is not supported. Re-save the file.`);
    const out = Uint8Array.from(data);
    for (let row = 0; row + rowLen <= out.length; row += rowLen) {
      for (let i = row + colors; i < row + rowLen; i++) out[i] = (out[i] + out[i - colors]) & 0xff;
    }
    return out;
  }
  if (predictor < 10) {
    throw new SignetError('PDF_MALFORMED', `Predictor ${predictor} is not defined by ISO 32000-1 §7.4.4.4. Repair the file and retry.`);
  }
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  let prev = 0; // offset of the previous output row, valid when row > 0
  for (let r = 0; r < rows; r++) {
    const src = r * (rowLen + 1);
    const tag = data[src];
    const dst = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const x = data[src + 1 + i];
      const left = i >= bpp ? out[dst + i - bpp] : 0;
      const up = r > 0 ? out[prev + i] : 0;
      const upLeft = r > 0 && i >= bpp ? out[prev + i - bpp] : 0;
      let v: number;
      switch (tag) {
        case 0: v = x; break;
        case 1: v = x + left; break;
        case 2: v = x + up; break;
        case 3: v = x + ((left + up) >> 1); break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
          v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          throw new SignetError('PDF_MALFORMED', `Unknown PNG predictor tag ${tag} in a stream. Repair the file and retry.`);
      }
      out[dst + i] = v & 0xff;
    }
    prev = dst;
  }
  return out;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}

function asciiHexDecode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((data.length >> 1) + 1);
  let n = 0;
  let hi = -1;
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === 0x3e) break;
    if (isWhite(c)) continue;
    const v = hexVal(c);
    if (v < 0) throw new SignetError('PDF_MALFORMED', 'An ASCIIHex-encoded stream holds a non-hex character. Repair the file and retry.');
    if (hi < 0) hi = v;
    else {
      out[n++] = (hi << 4) | v;
      hi = -1;
    }
  }
  if (hi >= 0) out[n++] = hi << 4;
  return out.subarray(0, n);
}

function ascii85Decode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 * data.length + 4);
  let n = 0;
  let group = 0;
  let count = 0;
  let i = 0;
  // An optional `<~` prefix is allowed in some producers.
  while (i < data.length && isWhite(data[i])) i++;
  if (data[i] === 0x3c && data[i + 1] === 0x7e) i += 2;
  for (; i < data.length; i++) {
    const c = data[i];
    if (c === 0x7e) break;
    if (isWhite(c)) continue;
    if (c === 0x7a && count === 0) {
      out[n++] = 0; out[n++] = 0; out[n++] = 0; out[n++] = 0;
      continue;
    }
    if (c < 0x21 || c > 0x75) throw new SignetError('PDF_MALFORMED', 'An ASCII85-encoded stream holds an invalid character. Repair the file and retry.');
    group = group * 85 + (c - 0x21);
    if (++count === 5) {
      out[n++] = group >>> 24; out[n++] = (group >>> 16) & 0xff; out[n++] = (group >>> 8) & 0xff; out[n++] = group & 0xff;
      group = 0;
      count = 0;
    }
  }
  if (count > 1) {
    for (let k = count; k < 5; k++) group = group * 85 + 84;
    const bytes = [group >>> 24, (group >>> 16) & 0xff, (group >>> 8) & 0xff, group & 0xff];
    for (let k = 0; k < count - 1; k++) out[n++] = bytes[k];
  }
  return out.subarray(0, n);
}

function runLengthDecode(data: Uint8Array, limit: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let i = 0;
  while (i < data.length) {
    const len = data[i++];
    if (len === 128) break;
    let chunk: Uint8Array;
    if (len < 128) {
      chunk = data.subarray(i, i + len + 1);
      i += len + 1;
    } else {
      chunk = new Uint8Array(257 - len).fill(data[i++] ?? 0);
    }
    chunks.push(chunk);
    total += chunk.length;
    if (total > limit) throw tooLarge(limit);
  }
  return Buffer.concat(chunks, total);
}

function lzwDecode(data: Uint8Array, earlyChange: boolean, limit: number): Uint8Array {
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const lengths = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    lengths[i] = 1;
  }
  let out = new Uint8Array(Math.max(1024, data.length * 3));
  let n = 0;
  let next = 258;
  let codeLen = 9;
  let prev = -1;
  let bitBuf = 0;
  let bits = 0;
  const early = earlyChange ? 1 : 0;
  const ensure = (extra: number) => {
    if (n + extra <= out.length) return;
    if (n + extra > limit) throw tooLarge(limit);
    const grown = new Uint8Array(Math.min(limit, Math.max(out.length * 2, n + extra)));
    grown.set(out.subarray(0, n));
    out = grown;
  };
  const emit = (code: number) => {
    const len = lengths[code];
    ensure(len);
    let c = code;
    for (let k = len - 1; k >= 0; k--) {
      out[n + k] = suffix[c];
      c = prefix[c];
    }
    n += len;
  };
  const firstByte = (code: number) => {
    let c = code;
    while (prefix[c] >= 0) c = prefix[c];
    return suffix[c];
  };
  for (let i = 0; i < data.length; i++) {
    bitBuf = ((bitBuf << 8) | data[i]) >>> 0;
    bits += 8;
    while (bits >= codeLen) {
      const code = (bitBuf >>> (bits - codeLen)) & ((1 << codeLen) - 1);
      bits -= codeLen;
      bitBuf &= (1 << bits) - 1;
      if (code === 256) {
        next = 258;
        codeLen = 9;
        prev = -1;
        continue;
      }
      if (code === 257) return out.subarray(0, n);
      if (prev < 0) {
        if (code > 255) throw new SignetError('PDF_MALFORMED', 'An LZW-encoded stream is corrupt. Repair the file and retry.');
        emit(code);
        prev = code;
        continue;
      }
      let first: number;
      if (code < next) first = firstByte(code);
      else if (code === next) first = firstByte(prev); // the KwKwK case: the code is defined by this very step
      else throw new SignetError('PDF_MALFORMED', 'An LZW-encoded stream is corrupt. Repair the file and retry.');
      if (next < 4096) {
        prefix[next] = prev;
        suffix[next] = first;
        lengths[next] = lengths[prev] + 1;
        next++;
      }
      emit(code);
      prev = code;
      if (next + early >= 1 << codeLen && codeLen < 12) codeLen++;
    }
  }
  return out.subarray(0, n);
}
