/**
 * Loads the CJK fonts Signet draws with (Noto Serif SC, SIL OFL 1.1, from the npm registry) once per
 * process. core never reads files: the bytes are handed to it from here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cache = new Map<string, Uint8Array>();

/** The weights shipped by @expo-google-fonts/noto-serif-sc that Signet uses. */
export type CjkWeight = 'regular' | 'bold';

/** Returns the TTF bytes of Noto Serif SC in the given weight (read once, then cached). */
export function cjkFontBytes(weight: CjkWeight = 'regular'): Uint8Array {
  let bytes = cache.get(weight);
  if (!bytes) {
    const pkg = dirname(require.resolve('@expo-google-fonts/noto-serif-sc/package.json'));
    const file = weight === 'bold' ? join(pkg, '700Bold', 'NotoSerifSC_700Bold.ttf') : join(pkg, '400Regular', 'NotoSerifSC_400Regular.ttf');
    bytes = new Uint8Array(readFileSync(file));
    cache.set(weight, bytes);
  }
  return bytes;
}
