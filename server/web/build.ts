/**
 * Builds the server's web pages from `server/web/` into `server/public/` with webpack's
 * programmatic API: Preact + TypeScript through esbuild-loader, minified by esbuild, every file
 * content-hashed under `assets/`, pdf.js bundled with its worker (no CDN), and a `manifest.json`
 * that tells the server which scripts and stylesheets each page loads (the server renders the
 * HTML shell itself, see `server/src/pages/page-shell.ts`).
 *
 * A page is one entry of {@link WEB_PAGES}; adding the console is one more line there, one
 * stylesheet, and one route in `server/src/http/routes/page-routes.ts`.
 *
 * `npm run web:build` runs it through `build-cli.ts`; tests call {@link buildWebOnce}.
 */
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EsbuildPlugin } from 'esbuild-loader';
import webpack from 'webpack';
import { WEB_MANIFEST, webPublicDir, type WebManifest } from '../src/pages/web-assets.js';

import { webSourceDir } from './build-state.js';

const require = createRequire(import.meta.url);

/** One page of the build: its entry module and the stylesheets it loads, relative to `server/web/`. */
export interface WebPage {
  name: string;
  entry: string;
  /** Stylesheet bundles (names of {@link WEB_STYLES}), in order. */
  styles: readonly string[];
}

/** Stylesheet bundles: name → source files, concatenated in order. `shared` is cached across pages. */
export const WEB_STYLES: Readonly<Record<string, readonly string[]>> = {
  shared: ['shared/base.css', 'shared/components.css', 'shared/pdf-viewer.css', 'shared/signature-pad.css'],
  sign: ['sign/sign.css'],
  verify: ['verify/verify.css'],
  console: ['console/console.css'],
};

/** The pages the build emits. */
export const WEB_PAGES: readonly WebPage[] = [
  { name: 'sign', entry: 'sign/sign-main.tsx', styles: ['shared', 'sign'] },
  { name: 'verify', entry: 'verify/verify-main.tsx', styles: ['shared', 'verify'] },
  { name: 'console', entry: 'console/console-main.tsx', styles: ['shared', 'console'] },
];

/** pdf.js's data files the viewer fetches by name (CJK CMaps, the standard 14 fonts, image decoders). */
const PDFJS_DATA = ['cmaps', 'standard_fonts', 'wasm', 'iccs'] as const;

/** The pdf.js version, which names the directory its data files are served from. */
export function pdfjsVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('pdfjs-dist/package.json'), 'utf8')) as { version: string }).version;
}

/** What a build produced. */
export interface WebBuildResult {
  outDir: string;
  manifest: WebManifest;
  /** Every file written, relative to `outDir`, sorted. */
  files: string[];
  warnings: string[];
  /** Wall-clock duration (reported by the CLI; no test asserts on it). */
  durationMs: number;
}

/** Options of {@link buildWeb}. */
export interface WebBuildOptions {
  /** Default `server/public/`. */
  outDir?: string;
  mode?: 'production' | 'development';
}

const esbuildOptions = { loader: 'tsx', target: 'es2020', jsx: 'automatic', jsxImportSource: 'preact' } as const;

/** The webpack configuration of the pages (scripts only; stylesheets are written beside them by {@link buildWeb}). */
export function webWebpackConfig(opts: { mode: 'production' | 'development'; outDir: string; pages?: readonly WebPage[] }): webpack.Configuration {
  const prod = opts.mode === 'production';
  const pages = opts.pages ?? WEB_PAGES;
  const pdfjsDir = dirname(require.resolve('pdfjs-dist/package.json'));
  return {
    mode: opts.mode,
    context: webSourceDir,
    target: ['web', 'es2020'],
    devtool: prod ? false : 'cheap-module-source-map',
    entry: Object.fromEntries(pages.map((p) => [p.name, join(webSourceDir, p.entry)])),
    output: {
      path: join(opts.outDir, 'assets'),
      publicPath: '/assets/',
      filename: '[name].[contenthash:8].js',
      chunkFilename: '[name].[contenthash:8].js',
      assetModuleFilename: '[name].[contenthash:8][ext]',
      clean: true,
    },
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
      // Sources import `./x.js` (NodeNext style); webpack finds the `.ts`/`.tsx` file.
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
      // The legacy build runs on older phone browsers (WeChat and other in-app web views) too; the
      // typings are those of the unminified file, the bundle gets the minified one.
      alias: { 'pdfjs-dist/legacy/build/pdf.mjs$': join(pdfjsDir, 'legacy', 'build', 'pdf.min.mjs') },
    },
    module: {
      rules: [
        { test: /\.tsx?$/, include: webSourceDir, loader: 'esbuild-loader', options: { ...esbuildOptions, tsconfig: join(webSourceDir, 'tsconfig.json') } },
        // The worker is emitted as it is (already minified) and loaded by URL.
        { test: /pdf\.worker\.min\.mjs$/, type: 'asset/resource' },
      ],
    },
    optimization: {
      // pdf.js comes minified: minifying it again costs seconds and saves nothing.
      minimizer: [new EsbuildPlugin({ target: 'es2020', css: false, exclude: /^pdfjs\./ })],
      splitChunks: { chunks: 'all', minSize: 30_000 },
    },
    performance: prod ? { hints: 'warning', maxEntrypointSize: 300_000, maxAssetSize: 1_400_000 } : false,
    // Rebuilds (every `npm test`, a changed page) reuse the unchanged modules: pdf.js is parsed once.
    cache: { type: 'filesystem', cacheDirectory: join(webSourceDir, '..', '..', 'node_modules', '.cache', 'signet-web'), buildDependencies: { config: [fileURLToPath(import.meta.url)] }, name: opts.mode },
    infrastructureLogging: { level: 'warn' },
    stats: 'errors-warnings',
  };
}

/** Runs one webpack configuration; compilation errors reject with all of them listed. */
function runWebpack(config: webpack.Configuration): Promise<webpack.Stats> {
  return new Promise((resolvePromise, reject) => {
    const compiler = webpack(config);
    compiler.run((err, stats) => {
      compiler.close(() => {
        if (err) return reject(err);
        if (stats!.hasErrors()) {
          const info = stats!.toJson({ all: false, errors: true });
          const msgs = (info.errors ?? []).map((e) => `${e.moduleName ?? ''} ${e.message}`.trim());
          return reject(new Error(`页面构建失败。The web build failed:\n${msgs.join('\n')}`));
        }
        resolvePromise(stats!);
      });
    });
  });
}

/** Lists the files under `dir`, relative and sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Concatenates and minifies each stylesheet bundle into `assets/<name>.<hash>.css`; returns name → URL. */
async function writeStyles(assetsDir: string, minify: boolean): Promise<Record<string, string>> {
  const { transform } = await import('esbuild');
  const urls: Record<string, string> = {};
  for (const [name, files] of Object.entries(WEB_STYLES)) {
    const source = files.map((f) => readFileSync(join(webSourceDir, f), 'utf8')).join('\n');
    const css = minify ? (await transform(source, { loader: 'css', minify: true, target: ['chrome80', 'safari13'] })).code : source;
    const hash = createHash('sha256').update(css).digest('hex').slice(0, 8);
    const file = `${name}.${hash}.css`;
    writeFileSync(join(assetsDir, file), css);
    urls[name] = `/assets/${file}`;
  }
  return urls;
}

/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) copy beside every script and stylesheet, so that the
 * server sends a phone about a quarter of the bytes without compressing on each request.
 */
function precompress(assetsDir: string): void {
  for (const f of readdirSync(assetsDir)) {
    if (!/\.(m?js|css)$/.test(f)) continue;
    const bytes = readFileSync(join(assetsDir, f));
    writeFileSync(join(assetsDir, `${f}.br`), brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
    writeFileSync(join(assetsDir, `${f}.gz`), gzipSync(bytes, { level: 9 }));
  }
}

/** Replaces `outDir` by `tmp`; another process swapping its own build in at the same moment wins or loses whole. */
function swapIn(tmp: string, outDir: string): void {
  for (let attempt = 0; ; attempt++) {
    rmSync(outDir, { recursive: true, force: true });
    try {
      renameSync(tmp, outDir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt >= 5 || !(code === 'ENOTEMPTY' || code === 'EEXIST') || !existsSync(outDir)) throw e;
    }
  }
}

/** Builds every page into `outDir` (default `server/public/`), swapping the new build in whole. */
export async function buildWeb(opts: WebBuildOptions = {}): Promise<WebBuildResult> {
  const outDir = resolve(opts.outDir ?? webPublicDir());
  const mode = opts.mode ?? 'production';
  const t0 = performance.now();
  // Build beside the target and rename it into place, so a running server never sees half a build.
  const tmp = join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}-${Date.now()}`);
  try {
    const stats = await runWebpack(webWebpackConfig({ mode, outDir: tmp }));
    const info = stats.toJson({ all: false, entrypoints: true, warnings: true });
    const assetsDir = join(tmp, 'assets');
    const styles = await writeStyles(assetsDir, mode === 'production');
    if (mode === 'production') precompress(assetsDir);
    const pdfjsDir = dirname(require.resolve('pdfjs-dist/package.json'));
    for (const d of PDFJS_DATA) cpSync(join(pdfjsDir, d), join(assetsDir, `pdfjs-${pdfjsVersion()}`, d), { recursive: true });
    const pages: WebManifest['pages'] = {};
    for (const p of WEB_PAGES) {
      const scripts = (info.entrypoints?.[p.name]?.assets ?? []).map((a) => a.name).filter((n) => n.endsWith('.js')).map((n) => `/assets/${n}`);
      pages[p.name] = { scripts, styles: p.styles.map((s) => styles[s]) };
    }
    const manifest: WebManifest = { version: 1, builtAt: new Date().toISOString(), mode, pages };
    writeFileSync(join(tmp, WEB_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    swapIn(tmp, outDir);
    return { outDir, manifest, files: listFiles(outDir), warnings: (info.warnings ?? []).map((w) => w.message), durationMs: performance.now() - t0 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

let once: Promise<WebBuildResult> | undefined;

/** Builds `server/public/` in production mode, once per process (the browser specs share it). */
export function buildWebOnce(): Promise<WebBuildResult> {
  once ??= buildWeb();
  return once;
}
