/**
 * `npm run addin:build` and `npm run addin:dev`:
 *
 * ```
 * addin build [--base-url https://sign.example.com] [--out DIR]   production build (addin-word/build/)
 * addin dev [--port 3000] [--api http://127.0.0.1:8080]            https dev server, /api proxied to a Signet server
 * ```
 *
 * Bad input gets one line on stderr and exit code 2; a failed build exit code 1.
 */
import { parseArgs } from 'node:util';
import { isAddinError } from '../addin-error.js';
import { addinBuildDir } from '../build-path.js';
import { buildAddin } from './build-addin.js';
import { addinWebpackConfig } from './webpack-config.js';

class UsageError extends Error {}

const USAGE = 'usage: addin build [--base-url URL] [--out DIR] | addin dev [--port 3000] [--api http://127.0.0.1:8080]';

async function build(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'base-url': { type: 'string' }, out: { type: 'string' } }, strict: true });
  const r = await buildAddin({ outDir: values.out ?? addinBuildDir(), baseUrl: values['base-url'] });
  for (const w of r.warnings) console.warn(`warning: ${w.split('\n')[0]}`);
  console.log(`built ${r.files.length} files into ${r.outDir} in ${(r.durationMs / 1000).toFixed(1)} s`);
  if (values['base-url']) console.log(`manifest for ${values['base-url'].replace(/\/+$/, '')}/addin/: ${r.outDir}/manifest.xml`);
}

async function dev(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '3000' }, api: { type: 'string', default: 'http://127.0.0.1:8080' } }, strict: true });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be a port number, not ${values.port}`);
  try {
    new URL(values.api!);
  } catch {
    throw new UsageError(`--api must be a URL such as http://127.0.0.1:8080, not ${values.api}`);
  }
  // Loaded only here: certificates are the developer's, made by office-addin-dev-certs on first use.
  const [{ default: webpack }, { default: WebpackDevServer }, devCerts] = await Promise.all([
    import('webpack'), import('webpack-dev-server'), import('office-addin-dev-certs').catch(() => undefined),
  ]);
  if (!devCerts) throw new UsageError('office-addin-dev-certs is not installed: run npm ci');
  const https = await devCerts.getHttpsServerOptions();
  const compiler = webpack(addinWebpackConfig({ mode: 'development', outDir: addinBuildDir(), preview: true }));
  const server = new WebpackDevServer({
    port,
    host: 'localhost',
    server: { type: 'https', options: { ca: https.ca, key: https.key, cert: https.cert } },
    headers: { 'Access-Control-Allow-Origin': '*' },
    static: false,
    hot: false,
    liveReload: true,
    // Same origin for the API, as in production where the server serves the add-in at /addin/.
    proxy: [{ context: ['/api', '/pki', '/verify', '/sign'], target: values.api, changeOrigin: true }],
  }, compiler);
  await server.start();
  console.log(`task pane: https://localhost:${port}/taskpane.html   preview with fakes: https://localhost:${port}/preview.html   API → ${values.api}`);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === 'build') return build(rest);
  if (cmd === 'dev') return dev(rest);
  throw new UsageError(USAGE);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const usage = e instanceof UsageError || isAddinError(e, 'INVALID_ARGUMENT') || (e as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS');
  const msg = e instanceof Error ? e.message : String(e);
  console.error(isAddinError(e) || usage ? msg : `addin: ${msg}`);
  process.exitCode = usage ? 2 : 1;
});
