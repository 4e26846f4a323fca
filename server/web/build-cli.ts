/**
 * `npm run web:build` (and `npm start`'s `prestart` step, with `--if-stale`):
 *
 * ```
 * web:build [--if-stale] [--dev] [--out DIR]
 * ```
 *
 * `--if-stale` builds only when `server/public/` is missing or older than a source file, and then
 * costs a few file stats: webpack is loaded only to build. Bad input gets one line on stderr and
 * exit code 2; a failed build exit code 1.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { webPublicDir } from '../src/pages/web-assets.js';
import { webBuildIsCurrent } from './build-state.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { 'if-stale': { type: 'boolean' }, dev: { type: 'boolean' }, out: { type: 'string' } }, strict: true });
  const outDir = resolve(values.out ?? webPublicDir());
  if (values['if-stale'] && webBuildIsCurrent(outDir)) return;
  const { buildWeb } = await import('./build.js');
  const r = await buildWeb({ outDir, mode: values.dev ? 'development' : 'production' });
  for (const w of r.warnings) console.warn(`warning: ${w.split('\n')[0]}`);
  console.log(`网页已构建 Built the web pages (${Object.keys(r.manifest.pages).join(', ')}): ${r.files.length} files in ${relative(process.cwd(), r.outDir) || '.'} in ${(r.durationMs / 1000).toFixed(1)} s`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const usage = (e as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS');
  console.error(usage ? `${(e as Error).message}. Usage: npm run web:build -- [--if-stale] [--dev] [--out DIR]` : (e as Error).message);
  process.exitCode = usage ? 2 : 1;
});
