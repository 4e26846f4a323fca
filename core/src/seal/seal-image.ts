/**
 * Uploaded seal images as appearance graphics: PNG (alpha kept), JPEG and SVG (imported as vectors
 * by {@link parseSvg}). The format is told from the bytes, not the file name.
 */
import { SignetError } from '../errors.js';
import { imageGraphic, isJpeg, isPng, type ImageOptions } from '../pdf/image.js';
import type { AppearanceGraphic } from '../pdf/appearance.js';
import type { Drawing } from './drawing.js';
import { drawingGraphic } from './drawing-to-pdf.js';
import { parseSvg } from './parse-svg.js';

/** The largest seal image file accepted (10 MiB). */
export const MAX_SEAL_IMAGE_BYTES = 10 * 1024 * 1024;

/** Options of {@link sealImage}. */
export type SealImageOptions = ImageOptions;

/** True when the bytes look like an SVG document (XML whose text mentions `<svg`). */
export function isSvg(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] !== 0x3c) return false;
  const head = new TextDecoder().decode(bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  return /<svg[\s>:]/i.test(head);
}

/**
 * Removes near-white fills from an imported drawing (a white background rectangle, paper-white
 * shapes): every path filled with a colour whose channels are all at or above the threshold
 * (0-255, default 235) loses its fill, and disappears when it has no stroke either.
 */
export function removeWhiteFills(d: Drawing, threshold = 235): Drawing {
  const t = threshold / 255;
  const white = (c?: readonly number[]) => !!c && c.every((v) => v >= t);
  return {
    ...d,
    paths: d.paths.flatMap((p) => {
      if (!white(p.paint.fill)) return [p];
      const paint = { ...p.paint };
      delete paint.fill;
      delete paint.fillRule;
      delete paint.fillOpacity;
      return paint.stroke && !white(paint.stroke) ? [{ ...p, paint }] : [];
    }),
  };
}

/**
 * Reads an uploaded seal image (PNG, JPEG or SVG) as an appearance graphic. Throws IMAGE_INVALID
 * for other or broken files and SVG_UNSUPPORTED for SVG features that cannot be drawn as vectors.
 */
export function sealImage(bytes: Uint8Array, opts: SealImageOptions = {}): AppearanceGraphic {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new SignetError('IMAGE_INVALID', 'The seal image is empty; give a PNG, JPEG or SVG file');
  if (bytes.length > MAX_SEAL_IMAGE_BYTES) {
    throw new SignetError('IMAGE_INVALID', `The seal image is ${(bytes.length / 1048576).toFixed(1)} MB, more than ${MAX_SEAL_IMAGE_BYTES / 1048576} MB; export it smaller`);
  }
  if (isPng(bytes) || isJpeg(bytes)) return imageGraphic(bytes, opts);
  if (isSvg(bytes)) {
    let d = parseSvg(bytes);
    if (opts.removeWhiteBackground) d = removeWhiteFills(d, opts.whiteThreshold);
    if (d.paths.length === 0) throw new SignetError('IMAGE_INVALID', 'The SVG draws nothing visible; give a seal image with coloured shapes');
    return drawingGraphic(d);
  }
  throw new SignetError('IMAGE_INVALID', 'The seal image is not PNG, JPEG or SVG; export it as PNG with transparency, JPEG or SVG');
}
