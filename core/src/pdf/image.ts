/**
 * Image XObjects from PNG and JPEG bytes (ISO 32000-1 §8.9.5). PNG alpha becomes an /SMask so that
 * transparency survives; JPEG is passed through with /DCTDecode.
 */
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { SignetError } from '../errors.js';
import { PdfDict, PdfName, PdfStream } from './objects.js';
import type { IncrementalWriter } from './writer.js';
import type { PdfRef } from './objects.js';

/** A decoded image ready to be written: the image stream and, when it has alpha, its soft mask. */
export interface PdfImage {
  width: number;
  height: number;
  image: PdfStream;
  smask?: PdfStream;
}

/** Options for {@link imageFromBytes}. */
export interface ImageOptions {
  /** Makes near-white pixels transparent (for scanned seals on white paper). */
  removeWhiteBackground?: boolean;
  /** Channel value (0-255) above which R, G and B count as white. Default 235. */
  whiteThreshold?: number;
}

/** Decodes PNG or JPEG bytes into image XObject streams; throws INVALID_ARGUMENT for other formats. */
export function imageFromBytes(bytes: Uint8Array, opts: ImageOptions = {}): PdfImage {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return fromPng(bytes, opts);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    if (opts.removeWhiteBackground) {
      throw new SignetError('INVALID_ARGUMENT', 'White background removal needs a PNG image; convert the JPEG to PNG');
    }
    return fromJpeg(bytes);
  }
  throw new SignetError('INVALID_ARGUMENT', 'The image is neither PNG nor JPEG; give a PNG (preferably with transparency) or a JPEG');
}

function fromPng(bytes: Uint8Array, opts: ImageOptions): PdfImage {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new SignetError('INVALID_ARGUMENT', `The PNG image cannot be decoded (${(e as Error).message}); re-export it`);
  }
  const { width, height, data } = png;
  const n = width * height;
  const rgb = Buffer.allocUnsafe(n * 3);
  const alpha = Buffer.allocUnsafe(n);
  const threshold = opts.whiteThreshold ?? 235;
  let hasAlpha = false;
  for (let i = 0; i < n; i++) {
    const r = data[i * 4], g = data[i * 4 + 1], b = data[i * 4 + 2];
    let a = data[i * 4 + 3];
    if (opts.removeWhiteBackground && r >= threshold && g >= threshold && b >= threshold) a = 0;
    rgb[i * 3] = r;
    rgb[i * 3 + 1] = g;
    rgb[i * 3 + 2] = b;
    alpha[i] = a;
    if (a !== 255) hasAlpha = true;
  }
  const image = imageStream(width, height, 'DeviceRGB', rgb);
  const smask = hasAlpha ? imageStream(width, height, 'DeviceGray', alpha) : undefined;
  return { width, height, image, smask };
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
    const len = (bytes[i + 2] << 8) | bytes[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const height = (bytes[i + 5] << 8) | bytes[i + 6];
      const width = (bytes[i + 7] << 8) | bytes[i + 8];
      const comps = bytes[i + 9];
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
      return { width, height, image: new PdfStream(dict, bytes) };
    }
    i += 2 + len;
  }
  throw new SignetError('INVALID_ARGUMENT', 'The JPEG image has no frame header; re-export it');
}

/** Writes an image (and its soft mask) as new objects and returns the image's reference. */
export function writeImage(writer: IncrementalWriter, img: PdfImage): PdfRef {
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
