/**
 * Draws the add-in's icons (a red round seal with a star, 电子印章 style) as PNGs with a tiny
 * encoder over node:zlib, and writes them to `addin-word/assets/`. The PNGs are committed; run
 * this only to change them: `node --import tsx addin-word/src/build/make-icons.ts`.
 * PNG structure per ISO/IEC 15948 (RFC 2083): signature, IHDR, IDAT (zlib), IEND.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { addinAssetsDir } from '../build-path.js';

/** The icon sizes the manifest uses: ribbon 16/32/80, IconUrl 32, HighResolutionIconUrl 64, store 128. */
export const ICON_SIZES = [16, 32, 64, 80, 128] as const;

const RED = [0xc0, 0x00, 0x00] as const;

/** Coverage (0…1) of the seal at a point of the unit square. */
function coverage(x: number, y: number): number {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  if (r <= 0.47 && r >= 0.38) return 1;
  return insideStar(dx, dy) ? 1 : 0;
}

/** The star's ten vertices (outer radius 0.26, inner 0.1, point up), centred on the origin. */
const STAR: [number, number][] = Array.from({ length: 10 }, (_, k) => {
  const r = k % 2 === 0 ? 0.26 : 0.1;
  const a = (k * Math.PI) / 5;
  return [r * Math.sin(a), -r * Math.cos(a)];
});

/** Even-odd point-in-polygon test against {@link STAR}. */
function insideStar(x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = STAR.length - 1; i < STAR.length; j = i++) {
    const [xi, yi] = STAR[i];
    const [xj, yj] = STAR[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** RGBA pixels of the icon at `size`, 4×4 supersampled. */
export function iconPixels(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const ss = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let c = 0;
      for (let sy = 0; sy < ss; sy++) for (let sx = 0; sx < ss; sx++) c += coverage((i + (sx + 0.5) / ss) / size, (j + (sy + 0.5) / ss) / size);
      const o = (j * size + i) * 4;
      px.set([...RED, Math.round((255 * c) / (ss * ss))], o);
    }
  }
  return px;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit RGBA, filter 0 on every row). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const size of ICON_SIZES) {
    const file = join(addinAssetsDir(), `icon-${size}.png`);
    writeFileSync(file, encodePng(size, size, iconPixels(size)));
    console.log(`wrote ${file}`);
  }
}
