/**
 * Runs webpack on the add-in from code, for `npm run addin:build`, the tests, and the server's
 * startup check. {@link buildAddinOnce} builds at most once per process, so `npm test` (one mocha
 * process) builds the task pane once however many specs need it.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import webpack from 'webpack';
import { AddinError } from '../addin-error.js';
import { addinBuildDir } from '../build-path.js';
import { renderProdManifest } from '../manifest/prod-manifest.js';
import { addinWebpackConfig, fakesWebpackConfig, type FakesBundle } from './webpack-config.js';

/** What a build produced. */
export interface BuildResult {
  outDir: string;
  /** Every file written, relative to `outDir`, sorted. */
  files: string[];
  warnings: string[];
  /** Wall-clock duration (for the CLI's report; no test asserts on it). */
  durationMs: number;
}

/** Options of {@link buildAddin}. */
export interface BuildOptions {
  /** Default `addin-word/build/`. */
  outDir?: string;
  mode?: 'production' | 'development';
  /** When given, also writes `manifest.xml` for `<baseUrl>/addin/` into the output. */
  baseUrl?: string;
}

/** Runs one webpack configuration; compilation errors become one AddinError listing them. */
export function runWebpack(config: webpack.Configuration): Promise<{ warnings: string[] }> {
  return new Promise((resolve, reject) => {
    const compiler = webpack(config);
    compiler.run((err, stats) => {
      compiler.close(() => {
        if (err) return reject(err);
        const info = stats!.toJson({ all: false, errors: true, warnings: true });
        if (stats!.hasErrors()) {
          const msgs = (info.errors ?? []).map((e) => `${e.moduleName ?? ''} ${e.message}`.trim());
          return reject(new AddinError('INTERNAL', `加载项构建失败。The add-in build failed:\n${msgs.join('\n')}`));
        }
        resolve({ warnings: (info.warnings ?? []).map((w) => w.message) });
      });
    });
  });
}

/** Lists the files under `dir`, relative and sorted. */
export function listFiles(dir: string): string[] {
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

/** Builds the task pane, login dialog and ribbon function file. */
export async function buildAddin(opts: BuildOptions = {}): Promise<BuildResult> {
  const outDir = opts.outDir ?? addinBuildDir();
  // A bad base URL fails before anything is built.
  const manifest = opts.baseUrl === undefined ? undefined : renderProdManifest(opts.baseUrl);
  const t0 = performance.now();
  // Build beside the target and swap it in, so a server serving the old build never sees half a new one.
  const tmp = join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}`);
  try {
    const { warnings } = await runWebpack(addinWebpackConfig({ mode: opts.mode ?? 'production', outDir: tmp }));
    if (manifest) writeFileSync(join(tmp, 'manifest.xml'), manifest);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
    return { outDir, files: listFiles(outDir), warnings, durationMs: performance.now() - t0 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

let once: Promise<BuildResult> | undefined;

/** Builds `addin-word/build/` in production mode, once per process. */
export function buildAddinOnce(): Promise<BuildResult> {
  once ??= buildAddin();
  return once;
}

const fakesOnce = new Map<string, Promise<string>>();

/** Builds a browser test's fakes bundle into `outDir` (once per directory and bundle) and returns its path. */
export function buildBrowserFakes(outDir: string, bundle: FakesBundle = 'browser-fakes'): Promise<string> {
  const key = `${outDir}\0${bundle}`;
  let p = fakesOnce.get(key);
  if (!p) {
    mkdirSync(outDir, { recursive: true });
    p = runWebpack(fakesWebpackConfig(outDir, bundle)).then(() => join(outDir, `${bundle}.js`));
    fakesOnce.set(key, p);
  }
  return p;
}
