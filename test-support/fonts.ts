/** Test access to the CJK font the server ships (the same bytes as server/src/fonts.ts). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cache = new Map<string, Uint8Array>();

/** Noto Serif SC TTF bytes, regular or bold, read once per process. */
export function cjkFontBytes(weight: 'regular' | 'bold' = 'regular'): Uint8Array {
  let b = cache.get(weight);
  if (!b) {
    const pkg = dirname(require.resolve('@expo-google-fonts/noto-serif-sc/package.json'));
    b = new Uint8Array(readFileSync(weight === 'bold' ? join(pkg, '700Bold', 'NotoSerifSC_700Bold.ttf') : join(pkg, '400Regular', 'NotoSerifSC_400Regular.ttf')));
    cache.set(weight, b);
  }
  return b;
}
