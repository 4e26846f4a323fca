/**
 * The Word add-in under `/addin/` (DESIGN §4): the production task pane that `npm run addin:build`
 * writes to `addin-word/build/`, and `/addin/manifest.xml`, the production manifest rendered for
 * this server with `renderProdManifest` (when the server's public URL is https; otherwise the
 * manifest that `npm run addin:build -- --base-url URL` wrote into the build, if any). Without a
 * build, `/addin/` answers a bilingual page that says how to make one.
 *
 * **Why the add-in package is loaded at run time.** `@signet/addin-word` is not a declared
 * dependency of `@signet/server`, and the server's TypeScript project has no reference to the
 * add-in's (which is built after it, with DOM and Office typings). A static import would make the
 * server's type check depend on a project that is compiled later, so a fresh `tsc -b` fails. The
 * server therefore imports the package's Node-side entry (`addinBuildDir`, `renderProdManifest`)
 * dynamically, through the npm workspace link; if that fails it finds the build by its path in the
 * repository and serves no manifest.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignetError } from '@signet/core';
import { baseUrlOf, type Platform } from '../../platform.js';
import { defineRoute, reply } from '../route.js';
import type { RouteModule } from '../route-registry.js';

/** The Node-side entry of `@signet/addin-word` that the server uses. */
interface AddinPackage {
  addinBuildDir(): string;
  renderProdManifest(serverUrl: string): string;
}

const ADDIN_PACKAGE: string = '@signet/addin-word';
const FALLBACK_BUILD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'addin-word', 'build');

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', mjs: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8',
  json: 'application/json', map: 'application/json', png: 'image/png', jpg: 'image/jpeg', svg: 'image/svg+xml', ico: 'image/x-icon',
  woff: 'font/woff', woff2: 'font/woff2', ttf: 'font/ttf', txt: 'text/plain; charset=utf-8', xml: 'application/xml; charset=utf-8',
};

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The page `/addin/` shows when the add-in has not been built. */
export function addinMissingPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Word 加载项尚未构建 The Word add-in is not built</title>
<style>body{font:16px/1.6 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}</style></head>
<body>
<h1>Word 加载项尚未构建</h1>
<p>此服务器还没有 Word 任务窗格的构建产物。请在代码仓库根目录运行 <code>npm run addin:build</code>，然后刷新本页。</p>
<h2 lang="en">The Word add-in is not built</h2>
<p lang="en">This server has no build of the Word task pane yet. Run <code>npm run addin:build</code> in the repository root, then reload this page.</p>
</body></html>
`;
}

/** The add-in routes (pages, so not in the OpenAPI document). */
export function addinRoutes(s: { platform?: Platform }, opts: { buildDir?: string } = {}): RouteModule {
  let loaded: Promise<AddinPackage | undefined> | undefined;
  const pkg = () => (loaded ??= import(ADDIN_PACKAGE).then((m) => m as AddinPackage, () => undefined));
  const buildDir = async () => opts.buildDir ?? (await pkg())?.addinBuildDir() ?? FALLBACK_BUILD_DIR;

  /** A file of the build, or undefined when it is not there. */
  const buildFile = async (...segments: string[]): Promise<{ bytes: Buffer; name: string } | undefined> => {
    if (!segments.every((x) => SEGMENT.test(x) && !x.includes('..'))) return undefined;
    const root = resolve(await buildDir());
    const path = resolve(root, ...segments);
    if (!path.startsWith(root + sep)) return undefined;
    try {
      if (!(await stat(path)).isFile()) return undefined;
      return { bytes: await readFile(path), name: segments[segments.length - 1] };
    } catch {
      return undefined;
    }
  };
  const send = (f: { bytes: Buffer; name: string }) => {
    const ext = f.name.slice(f.name.lastIndexOf('.') + 1).toLowerCase();
    const hashed = /\.[0-9a-f]{8,}\.[a-z0-9]+$/.test(f.name);
    return reply.bytes(f.bytes, TYPES[ext] ?? 'application/octet-stream', { headers: { 'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache' } });
  };
  const notFound = (name: string) => new SignetError('NOT_FOUND', `加载项中没有文件 ${name}。The add-in build has no file ${name}; run \`npm run addin:build\` if it should.`);

  /** The public https URL of this server: the configured base URL, or the one the request came to (behind an https proxy). */
  const publicUrl = (req: { protocol: string; get(h: string): string | undefined }): string => {
    const configured = s.platform ? baseUrlOf(s.platform.deps) : undefined;
    if (configured?.startsWith('https://')) return configured;
    const host = req.get('host');
    if (req.protocol === 'https' && host) return `https://${host}`;
    throw new SignetError('INVALID_ARGUMENT', `Office 只加载 HTTPS 加载项，请以 https 地址部署（设置 SIGNET_BASE_URL=https://…）。Office loads add-ins over https only: run the server behind https and set SIGNET_BASE_URL=https://… (now ${configured ?? 'unset'}).`);
  };

  return {
    routes: [
      defineRoute({
        operationId: 'pageAddin',
        method: 'get',
        path: '/addin',
        summary: 'Word 加载项 The Word task pane (or how to build it)',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        responses: {
          200: { description: 'The task pane', contentType: 'text/html' },
          301: { description: 'To /addin/' },
          404: { description: 'The add-in is not built: a page that says to run npm run addin:build', contentType: 'text/html' },
        },
        handler: async ({ req }) => {
          if (!req.originalUrl.split('?')[0].endsWith('/')) return reply.empty(301, { Location: '/addin/' });
          const f = await buildFile('taskpane.html');
          return f ? send(f) : reply.bytes(addinMissingPage(), 'text/html; charset=utf-8', { status: 404 });
        },
      }),
      defineRoute<{ params: { file: string } }>({
        operationId: 'pageAddinFile',
        method: 'get',
        path: '/addin/:file',
        summary: 'Word 加载项文件 A file of the task pane build, or manifest.xml for this server',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
        errors: ['NOT_FOUND'],
        handler: async ({ params, req }) => {
          if (params.file === 'manifest.xml') {
            let url: string;
            try {
              url = publicUrl(req);
            } catch (e) {
              // Not known to be https here: a manifest built with `npm run addin:build -- --base-url` still serves.
              const built = await buildFile('manifest.xml');
              if (built) return send(built);
              throw e;
            }
            const p = await pkg();
            if (!p) throw new SignetError('NOT_FOUND', '找不到 @signet/addin-word，无法生成清单。The @signet/addin-word package is not installed, so no manifest can be rendered; run npm ci.');
            return reply.bytes(p.renderProdManifest(url), 'application/xml; charset=utf-8', { headers: { 'Cache-Control': 'no-cache' } });
          }
          const f = await buildFile(params.file);
          if (!f) throw notFound(params.file);
          return send(f);
        },
      }),
      defineRoute<{ params: { dir: string; file: string } }>({
        operationId: 'pageAddinAsset',
        method: 'get',
        path: '/addin/:dir/:file',
        summary: 'Word 加载项资源 An asset of the task pane build (icons)',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
        errors: ['NOT_FOUND'],
        handler: async ({ params }) => {
          const f = await buildFile(params.dir, params.file);
          if (!f) throw notFound(`${params.dir}/${params.file}`);
          return send(f);
        },
      }),
    ],
  };
}
