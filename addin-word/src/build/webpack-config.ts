/**
 * The add-in's webpack configuration: three pages (the task pane, the login dialog, and the
 * ribbon's function file), TypeScript/TSX through esbuild-loader with Preact's JSX runtime,
 * minification by esbuild, and the static files (CSS, help page, icons) emitted beside them.
 * Everything is bundled; the only external script is Office.js, which the pages load from
 * Microsoft's CDN because every add-in must.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EsbuildPlugin } from 'esbuild-loader';
import HtmlWebpackPlugin from 'html-webpack-plugin';
import webpack from 'webpack';
import { addinAssetsDir, addinPackageDir } from '../build-path.js';

/** Options of {@link addinWebpackConfig}. */
export interface AddinWebpackOptions {
  mode: 'production' | 'development';
  outDir: string;
  /** Also build `preview.html`: the task pane over the fake gateway and fake API (dev only). */
  preview?: boolean;
}

/** The pages the build emits, with their entry module and HTML template (under `src/ui/`). */
export const PAGES = [
  { name: 'taskpane', entry: 'ui/taskpane.tsx', template: 'ui/taskpane.html' },
  { name: 'login', entry: 'ui/login-dialog.tsx', template: 'ui/login.html' },
  { name: 'commands', entry: 'ui/commands.ts', template: 'ui/commands.html' },
] as const;

/** Files copied into the build as they are: output name → source path. */
export function staticFiles(): Record<string, string> {
  const src = join(addinPackageDir(), 'src');
  const files: Record<string, string> = {
    'taskpane.css': join(src, 'ui', 'taskpane.css'),
    'help.html': join(src, 'ui', 'help.html'),
  };
  for (const f of readdirSync(addinAssetsDir())) if (f.endsWith('.png')) files[`assets/${f}`] = join(addinAssetsDir(), f);
  return files;
}

/** Emits {@link staticFiles} into the compilation, and watches them in dev. */
class StaticFilesPlugin {
  apply(compiler: webpack.Compiler): void {
    compiler.hooks.thisCompilation.tap('SignetStaticFiles', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'SignetStaticFiles', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        for (const [name, path] of Object.entries(staticFiles())) {
          compilation.fileDependencies.add(path);
          compilation.emitAsset(name, new webpack.sources.RawSource(readFileSync(path)));
        }
      });
    });
  }
}

const esbuildOptions = { loader: 'tsx', target: 'es2020', jsx: 'automatic', jsxImportSource: 'preact' } as const;

/** The shared parts of every add-in bundle. */
function base(mode: AddinWebpackOptions['mode']): webpack.Configuration {
  const src = join(addinPackageDir(), 'src');
  return {
    mode,
    context: addinPackageDir(),
    target: ['web', 'es2020'],
    devtool: mode === 'production' ? false : 'eval-cheap-module-source-map',
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
      // Sources import `./x.js` (NodeNext style); webpack finds the `.ts`/`.tsx` file.
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
    },
    module: {
      rules: [{ test: /\.tsx?$/, include: src, loader: 'esbuild-loader', options: { ...esbuildOptions, tsconfig: join(addinPackageDir(), 'tsconfig.json') } }],
    },
    optimization: { minimizer: [new EsbuildPlugin({ target: 'es2020', css: false })] },
    infrastructureLogging: { level: 'warn' },
    stats: 'errors-warnings',
  };
}

/** The configuration of the add-in build. */
export function addinWebpackConfig(opts: AddinWebpackOptions): webpack.Configuration {
  const prod = opts.mode === 'production';
  const src = join(addinPackageDir(), 'src');
  const entry: Record<string, string> = Object.fromEntries(PAGES.map((p) => [p.name, join(src, p.entry)]));
  if (opts.preview) entry.fakes = join(src, 'testing', 'browser-fakes.ts');
  const pages = PAGES.map((p) => new HtmlWebpackPlugin({
    filename: `${p.name}.html`,
    template: join(src, p.template),
    chunks: [p.name],
    inject: 'body',
    scriptLoading: 'defer',
    minify: false,
  }));
  if (opts.preview) {
    pages.push(new HtmlWebpackPlugin({
      filename: 'preview.html', template: join(src, 'ui', 'taskpane.html'), chunks: ['fakes', 'taskpane'], chunksSortMode: 'manual', inject: 'body', scriptLoading: 'defer', minify: false,
    }));
  }
  return {
    ...base(opts.mode),
    entry,
    output: {
      path: opts.outDir,
      // Content hashes let Office's aggressive cache pick up a new build.
      filename: prod ? '[name].[contenthash:8].js' : '[name].js',
      publicPath: '',
      clean: true,
    },
    plugins: [...pages, new StaticFilesPlugin()],
    performance: prod ? { hints: 'warning', maxEntrypointSize: 250_000, maxAssetSize: 250_000 } : false,
  };
}

/** The browser tests' fakes bundles: `src/testing/<name>.ts`, built to `<name>.js`. */
export type FakesBundle = 'browser-fakes' | 'real-server-fakes';

/**
 * The configuration of a browser test's fakes bundle: a script that sets `__signetTestHooks`,
 * injected before the production task pane. `browser-fakes` holds a fake gateway (with pdf-lib for
 * its PDF export) and a fake API; `real-server-fakes` the fake gateway only, so the task pane talks
 * to the real server. Neither is ever part of the production build.
 */
export function fakesWebpackConfig(outDir: string, bundle: FakesBundle = 'browser-fakes'): webpack.Configuration {
  return {
    ...base('production'),
    entry: { [bundle]: join(addinPackageDir(), 'src', 'testing', `${bundle}.ts`) },
    output: { path: outDir, filename: '[name].js', clean: true },
    performance: false,
  };
}
