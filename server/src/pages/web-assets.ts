/**
 * The built web pages (`server/public/`, made by `npm run web:build` from `server/web/`): the
 * manifest that names each page's content-hashed scripts and styles, and the files under
 * `/assets/`, read from disk once each and then served from memory. A hashed name never changes
 * its content, so a file is cached by name for the life of the process.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The server package's `public/` directory: where the web build writes and the server serves from. */
export function webPublicDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');
}

/** What the web build wrote, per page: the URLs of its scripts and stylesheets, in load order. */
export interface WebManifest {
  /** Format version of this file. */
  version: 1;
  /** ISO 8601 time of the build. */
  builtAt: string;
  mode: 'production' | 'development';
  pages: Record<string, { scripts: string[]; styles: string[] }>;
}

/** The manifest's file name inside the public directory. */
export const WEB_MANIFEST = 'manifest.json';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

/** A file to serve: its bytes and content type, and the Content-Encoding of the bytes when precompressed. */
export interface WebAsset {
  body: Buffer;
  contentType: string;
  encoding?: 'br' | 'gzip';
}

/** The precompressed copy to send for an Accept-Encoding header (RFC 9110 §12.5.3), best first. */
export function preferredEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((x) => /^\s*q=([0-9.]+)\s*$/.exec(x)?.[1]).find((x) => x !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (e: string) => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : undefined;
}

/** Reads the web build's manifest and assets, caching them. */
export class WebAssets {
  private manifestCache?: { mtimeMs: number; manifest: WebManifest };
  private readonly files = new Map<string, WebAsset | null>();

  constructor(readonly dir: string = webPublicDir()) {}

  /**
   * The manifest, or undefined when the build is missing or unreadable. It is re-read when the file
   * changes (a rebuild while the server runs), which costs one `stat` per page view.
   */
  manifest(): WebManifest | undefined {
    const path = join(this.dir, WEB_MANIFEST);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      this.manifestCache = undefined;
      return undefined;
    }
    if (this.manifestCache?.mtimeMs !== mtimeMs) {
      try {
        const manifest = JSON.parse(readFileSync(path, 'utf8')) as WebManifest;
        if (manifest.version !== 1 || typeof manifest.pages !== 'object') return undefined;
        this.manifestCache = { mtimeMs, manifest };
        this.files.clear();
      } catch {
        return undefined;
      }
    }
    return this.manifestCache.manifest;
  }

  /**
   * The file at `/assets/<path>`, or undefined when there is none: its Brotli or gzip copy when the
   * build made one and `encoding` asks for it. `path` is relative to `assets/`; anything that would
   * leave that directory is refused.
   */
  asset(path: string, encoding?: 'br' | 'gzip'): WebAsset | undefined {
    if (encoding && /\.(m?js|css)$/.test(path)) {
      const packed = this.read(`${path}.${encoding === 'br' ? 'br' : 'gz'}`);
      if (packed) return { ...packed, contentType: TYPES[extname(path).toLowerCase()], encoding };
    }
    return this.read(path);
  }

  private read(path: string): WebAsset | undefined {
    const cached = this.files.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const root = join(this.dir, 'assets');
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep) || path.includes('\0')) return undefined;
    let found: WebAsset | null = null;
    try {
      found = { body: readFileSync(file), contentType: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
    } catch {
      found = null;
    }
    // Misses are remembered too, but only a bounded number, so that probing cannot grow the map.
    if (found || this.files.size < 4096) this.files.set(path, found);
    return found ?? undefined;
  }
}
