/**
 * Renders stored seal and signature images as SVG for previews: generated drawings and uploaded SVGs
 * go through Signet's own vector model (so an uploaded SVG is re-drawn, never served as uploaded:
 * no scripts or external references survive), PNG and JPEG are wrapped in an SVG `<image>`.
 */
import {
  SignetError, drawingToSvg, handwriting, imageFromBytes, isJpeg, isPng, isSvg, parseSvg, removeWhiteFills,
} from '@signet/core';

const attr = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** An SVG document showing a PNG or JPEG at its pixel size, 1 px = 0.75 pt. */
function rasterSvg(bytes: Uint8Array, type: 'png' | 'jpeg'): string {
  const img = imageFromBytes(bytes);
  const w = img.width * 0.75;
  const h = img.height * 0.75;
  const href = `data:image/${type};base64,${Buffer.from(bytes).toString('base64')}`;
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${w}pt" height="${h}pt" viewBox="0 0 ${w} ${h}">\n`
    + `<image width="${w}" height="${h}" href="${attr(href)}" style="mix-blend-mode:multiply"/>\n</svg>\n`;
}

/**
 * The SVG of a stored image: PNG, JPEG, SVG, or handwriting strokes as JSON (`{"strokes": [...]}`).
 * Throws IMAGE_INVALID for anything else.
 */
export function imageToSvg(bytes: Uint8Array): string {
  if (isPng(bytes)) return rasterSvg(bytes, 'png');
  if (isJpeg(bytes)) return rasterSvg(bytes, 'jpeg');
  if (isSvg(bytes)) return drawingToSvg(removeWhiteFills(parseSvg(bytes)));
  if (bytes[0] === 0x7b) {
    let strokes: unknown;
    try {
      strokes = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { strokes?: unknown }).strokes;
    } catch {
      strokes = undefined;
    }
    if (strokes !== undefined) return drawingToSvg(handwriting(strokes));
  }
  throw new SignetError('IMAGE_INVALID', '无法显示该图片。The stored image is not PNG, JPEG, SVG or stroke data; upload it again.');
}
