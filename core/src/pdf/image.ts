/**
 * Image XObjects from PNG and JPEG bytes (ISO 32000-1 §8.9.5). PNG alpha becomes an /SMask so that
 * transparency survives (§11.6.5.3); JPEG is passed through with /DCTDecode. A white paper
 * background can be taken out of a scanned seal, and {@link imageGraphic} wraps an image as an
 * {@link AppearanceGraphic} for signature appearances.
 */
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { SignetError } from '../errors.js';
import { PdfDict, PdfName, PdfStream } from './objects.js';
import type { PdfRef } from './objects.js';
import type { ObjectSink } from '../font/font-subset.js';
import type { AppearanceGraphic } from './appearance.js';

/** A decoded image ready to be written: the image stream and, when it has alpha, its soft mask. */
export interface PdfImage {
  width: number;
  height: number;
  image: PdfStream;
  smask?: PdfStream;
  /** `jpeg` images cannot have their white removed by alpha; {@link imageGraphic} multiplies them instead. */
  format: 'png' | 'jpeg';
}

/** Options for {@link imageFromBytes}. */
export interface ImageOptions {
  /**
   * Makes a white or near-white background transparent (for seals scanned on white paper). For PNG,
   * alpha comes from whiteness: pixels at or above the threshold in every channel vanish, and
   * anti-aliased edges keep their ink colour with partial alpha ("colour to alpha" against the
   * threshold white). JPEG has no alpha; see {@link imageGraphic}.
   */
  removeWhiteBackground?: boolean;
  /** Channel value (0-255) at and above which R, G and B count as white. Default 235. */
  whiteThreshold?: number;
}

/** True when the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

/** True when the bytes start with a JPEG SOI marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Decodes PNG or JPEG bytes into image XObject streams. Throws IMAGE_INVALID for other formats
 * and for files that cannot be decoded, and when white removal is asked of a JPEG (use
 * {@link imageGraphic}, which handles it, or convert the image to PNG).
 */
export function imageFromBytes(bytes: Uint8Array, opts: ImageOptions = {}): PdfImage {
  if (isPng(bytes)) return fromPng(bytes, opts);
  if (isJpeg(bytes)) {
    if (opts.removeWhiteBackground) {
      throw new SignetError('IMAGE_INVALID', 'White background removal by alpha needs a PNG image; convert the JPEG to PNG');
    }
    return fromJpeg(bytes);
  }
  throw new SignetError('IMAGE_INVALID', 'The image is neither PNG nor JPEG; give a PNG (preferably with transparency), a JPEG or an SVG');
}

/** The most pixels an uploaded image may have (decoded, 100 MB of RGBA). */
export const MAX_IMAGE_PIXELS = 25_000_000;

function fromPng(bytes: Uint8Array, opts: ImageOptions): PdfImage {
  // IHDR comes first (PNG §11.2.2): check the size before pngjs allocates the decoded pixels.
  if (bytes.length >= 24) {
    const w = ((bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19]) >>> 0;
    const h = ((bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23]) >>> 0;
    if (w * h > MAX_IMAGE_PIXELS) {
      throw new SignetError('IMAGE_INVALID', `The PNG image is ${w} × ${h} pixels, more than ${MAX_IMAGE_PIXELS / 1e6} million; scale it down (a seal needs about 1000 × 1000)`);
    }
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new SignetError('IMAGE_INVALID', `The PNG image cannot be decoded (${(e as Error).message}); re-export it`);
  }
  const { width, height, data } = png;
  if (width === 0 || height === 0) throw new SignetError('IMAGE_INVALID', 'The PNG image is empty (0 pixels); give a real image');
  const n = width * height;
  const rgb = Buffer.allocUnsafe(n * 3);
  const alpha = Buffer.allocUnsafe(n);
  const t = Math.min(255, Math.max(1, opts.whiteThreshold ?? 235));
  const remove = !!opts.removeWhiteBackground;
  let hasAlpha = false;
  for (let i = 0; i < n; i++) {
    let r = data[i * 4], g = data[i * 4 + 1], b = data[i * 4 + 2];
    let a = data[i * 4 + 3];
    if (remove && a > 0) {
      // Colour to alpha against white at the threshold: the pixel is ink colour F over paper,
      // C = α·F + (1−α)·T, with α the smallest value that keeps F within 0..255.
      const wa = Math.max(t - r, t - g, t - b, 0) / t;
      if (wa <= 0) a = 0;
      else {
        if (wa < 1) {
          r = unmix(r, wa, t);
          g = unmix(g, wa, t);
          b = unmix(b, wa, t);
        }
        a = Math.round(a * wa);
      }
    }
    rgb[i * 3] = r;
    rgb[i * 3 + 1] = g;
    rgb[i * 3 + 2] = b;
    alpha[i] = a;
    if (a !== 255) hasAlpha = true;
  }
  const image = imageStream(width, height, 'DeviceRGB', rgb);
  const smask = hasAlpha ? imageStream(width, height, 'DeviceGray', alpha) : undefined;
  return { width, height, image, smask, format: 'png' };
}

function unmix(c: number, a: number, white: number): number {
  return Math.max(0, Math.min(255, Math.round((c - (1 - a) * white) / a)));
}

function imageStream(width: number, height: number, cs: string, raw: Uint8Array): PdfStream {
  const dict = new PdfDict({
    Type: PdfName.of('XObject'),
    Subtype: PdfName.of('Image'),
    Width: width,
    Height: height,
    ColorSpace: PdfName.of(cs),
    BitsPerComponent: 8,
    Filter: PdfName.of('FlateDecode'),
  });
  const data = deflateSync(raw);
  dict.set('Length', data.length);
  return new PdfStream(dict, data);
}

function fromJpeg(bytes: Uint8Array): PdfImage {
  // Walk JPEG markers to the first SOFn to read dimensions and components.
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) break;
    const marker = bytes[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    const len = (bytes[i + 2] << 8) | bytes[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const height = (bytes[i + 5] << 8) | bytes[i + 6];
      const width = (bytes[i + 7] << 8) | bytes[i + 8];
      const comps = bytes[i + 9];
      if (!width || !height) throw new SignetError('IMAGE_INVALID', 'The JPEG image has no size in its frame header; re-export it');
      const cs = comps === 1 ? 'DeviceGray' : comps === 4 ? 'DeviceCMYK' : 'DeviceRGB';
      const dict = new PdfDict({
        Type: PdfName.of('XObject'),
        Subtype: PdfName.of('Image'),
        Width: width,
        Height: height,
        ColorSpace: PdfName.of(cs),
        BitsPerComponent: 8,
        Filter: PdfName.of('DCTDecode'),
        Length: bytes.length,
      });
      if (comps === 4) dict.set('Decode', [1, 0, 1, 0, 1, 0, 1, 0]);
      return { width, height, image: new PdfStream(dict, bytes), format: 'jpeg' };
    }
    i += 2 + len;
  }
  throw new SignetError('IMAGE_INVALID', 'The JPEG image has no frame header; re-export it');
}

/** Writes an image (and its soft mask) as new objects and returns the image's reference. */
export function writeImage(writer: ObjectSink, img: PdfImage): PdfRef {
  const ref = writer.allocate();
  const dict = img.image.dict.clone();
  if (img.smask) {
    const maskRef = writer.allocate();
    writer.set(maskRef, img.smask);
    dict.set('SMask', maskRef);
  }
  writer.set(ref, new PdfStream(dict, img.image.raw));
  return ref;
}

/**
 * Wraps PNG or JPEG bytes as an appearance graphic, decoded once. Its natural size assumes 96 dpi.
 * For a JPEG with `removeWhiteBackground`, the image is painted with the Multiply blend mode
 * (ISO 32000-1 §11.3.5), under which white leaves the page unchanged, so the paper vanishes
 * without an alpha channel.
 */
export function imageGraphic(bytes: Uint8Array, opts: ImageOptions = {}): AppearanceGraphic {
  const multiply = !!opts.removeWhiteBackground && isJpeg(bytes);
  const img = imageFromBytes(bytes, multiply ? { ...opts, removeWhiteBackground: false } : opts);
  const width = img.width * 0.75, height = img.height * 0.75;
  return {
    width,
    height,
    toXObject(sink: ObjectSink): PdfRef {
      const imRef = writeImage(sink, img);
      const resources = new PdfDict({ XObject: new PdfDict({ Im0: imRef }) });
      let content = '';
      if (multiply) {
        resources.set('ExtGState', new PdfDict({ GS0: new PdfDict({ Type: PdfName.of('ExtGState'), BM: PdfName.of('Multiply') }) }));
        content += '/GS0 gs ';
      }
      content += `${width} 0 0 ${height} 0 0 cm /Im0 Do`;
      const ref = sink.allocate();
      sink.set(ref, PdfStream.fromData(Buffer.from(content, 'latin1'), new PdfDict({
        Type: PdfName.of('XObject'),
        Subtype: PdfName.of('Form'),
        BBox: [0, 0, width, height],
        Resources: resources,
      })));
      return ref;
    },
  };
}
