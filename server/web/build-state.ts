/**
 * Whether `server/public/` holds a build of the current sources, checked without loading webpack,
 * so that `npm start` (its `prestart` step) costs a few file stats when nothing changed. Node only.
 */
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_MANIFEST, webPublicDir } from '../src/pages/web-assets.js';

const require = createRequire(import.meta.url);

/** `server/web/`: the sources of the pages. */
export const webSourceDir = dirname(fileURLToPath(import.meta.url));

/** The newest modification time of what the build reads: the pages' sources and styles, the build itself, pdf.js. */
export function newestSourceMs(): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (!f.endsWith('.spec.ts')) newest = Math.max(newest, s.mtimeMs);
    }
  };
  walk(webSourceDir);
  newest = Math.max(newest, statSync(require.resolve('pdfjs-dist/package.json')).mtimeMs, statSync(join(webSourceDir, '..', 'src', 'pages', 'web-assets.ts')).mtimeMs);
  return newest;
}

/** True when `outDir` holds a build newer than every source file. */
export function webBuildIsCurrent(outDir: string = webPublicDir()): boolean {
  try {
    return statSync(join(outDir, WEB_MANIFEST)).mtimeMs >= newestSourceMs();
  } catch {
    return false;
  }
}
