/**
 * The HTML pages served by the same process (DESIGN §4): the signer's page `/sign/<token>`, the
 * public verification page `/verify`, the enterprise console `/console` (and every path under it,
 * routed by the page), and the built assets under `/assets/`. The pages are built
 * from `server/web/` into `server/public/` (`npm run web:build`); the server renders each page's
 * shell from the build's manifest (`pages/page-shell.ts`) and serves the content-hashed files
 * with a year-long immutable cache, precompressed (Brotli or gzip) when the browser accepts it.
 *
 * The signing page is public: its token stays in the page and the page's API calls send it as
 * `Authorization: Link <token>`, so a bad link gets its own page from the API's answer. The request
 * log shows the route pattern `/sign/:token`, never the token.
 */
import { SignetError } from '@signet/core';
import { defineRoute, reply, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { PAGE_CSP, renderPageShell, type PageShellSpec } from '../../pages/page-shell.js';
import { WebAssets, preferredEncoding, type WebManifest } from '../../pages/web-assets.js';

/** Options of {@link pageRoutes}. */
export interface PageRoutesOptions {
  /** The web build (default `server/public/`). */
  assets?: WebAssets;
}

const NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

/** The shells, rendered once per build. */
function shellCache(assets: WebAssets, spec: PageShellSpec): () => string {
  let built: { manifest: WebManifest | undefined; html: string } | undefined;
  return () => {
    const manifest = assets.manifest();
    if (!built || built.manifest !== manifest) built = { manifest, html: renderPageShell(assets, spec) };
    return built.html;
  };
}

function notFound(path: string): SignetError {
  return new SignetError('NOT_FOUND', `没有此文件。No asset ${path}: reload the page to get the current build (npm run web:build rebuilds it).`);
}

/** The page routes (marked `page`, so they stay out of the OpenAPI document). */
export function pageRoutes(opts: PageRoutesOptions = {}): RouteModule {
  const assets = opts.assets ?? new WebAssets();
  const verify = shellCache(assets, { page: 'verify', title: '验证签名 · Verify signatures — Signet', heading: { zh: '验证 PDF 签名', en: 'Verify PDF signatures' } });
  const sign = shellCache(assets, { page: 'sign', title: '签署合同 · Sign a contract — Signet', heading: { zh: '签署合同', en: 'Sign a contract' }, noindex: true });
  const consoleShell = shellCache(assets, { page: 'console', title: '企业控制台 · Console — Signet', heading: { zh: '企业控制台', en: 'Enterprise console' }, noindex: true });
  const pageHeaders = { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-cache' };
  const immutable = (path: string, acceptEncoding: string | undefined) => {
    const a = assets.asset(path, preferredEncoding(acceptEncoding));
    if (!a) throw notFound(path);
    const headers: Record<string, string> = { 'Cache-Control': 'public, max-age=31536000, immutable', Vary: 'Accept-Encoding' };
    if (a.encoding) headers['Content-Encoding'] = a.encoding;
    return reply.bytes(a.body, a.contentType, { headers });
  };
  const fileParam: JsonSchema = { type: 'string', pattern: NAME };
  return {
    routes: [
      defineRoute({
        operationId: 'pageVerify',
        method: 'get',
        path: '/verify',
        summary: '验证签名页面 The public verification page',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        responses: { 200: { description: 'The page', contentType: 'text/html' } },
        handler: () => reply.bytes(verify(), 'text/html; charset=utf-8', { headers: pageHeaders }),
      }),
      defineRoute<{ params: { token: string } }>({
        operationId: 'pageSign',
        method: 'get',
        path: '/sign/:token',
        summary: '签署页面 The signer\'s page of a signing link',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        params: { type: 'object', required: ['token'], properties: { token: { type: 'string', minLength: 1, maxLength: 256 } } },
        responses: { 200: { description: 'The page (it checks the link through the API)', contentType: 'text/html' } },
        // The page's own URL carries the token: never cache it, never index it.
        handler: () => reply.bytes(sign(), 'text/html; charset=utf-8', { headers: { ...pageHeaders, 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' } }),
      }),
      // The console routes on the client (History API): every /console path gets the same shell, and the
      // page reads the session from the API. An invitation's token (/console/join?token=) never reaches the log.
      ...(['/console', '/console/:section', '/console/:section/:id'] as const).map((path, i) => defineRoute({
        operationId: ['pageConsole', 'pageConsoleSection', 'pageConsoleItem'][i],
        method: 'get',
        path,
        summary: '企业控制台 The enterprise console (contracts, templates, seals, members, statistics)',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        responses: { 200: { description: 'The console page (it asks the API for the session)', contentType: 'text/html' } },
        handler: () => reply.bytes(consoleShell(), 'text/html; charset=utf-8', { headers: { ...pageHeaders, 'X-Robots-Tag': 'noindex, nofollow' } }),
      })),
      defineRoute<{ params: { file: string } }>({
        operationId: 'pageAsset',
        method: 'get',
        path: '/assets/:file',
        summary: '页面资源 A built script, stylesheet or worker (content-hashed)',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        params: { type: 'object', required: ['file'], properties: { file: fileParam } },
        responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
        errors: ['NOT_FOUND'],
        handler: ({ params, req }) => immutable(params.file, req.headers['accept-encoding']),
      }),
      defineRoute<{ params: { dir: string; kind: string; file: string } }>({
        operationId: 'pageAssetData',
        method: 'get',
        path: '/assets/:dir/:kind/:file',
        summary: 'pdf.js 数据文件 A pdf.js data file (CMap, standard font, decoder), under its version',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        params: {
          type: 'object', required: ['dir', 'kind', 'file'],
          properties: { dir: { type: 'string', pattern: '^pdfjs-[0-9][0-9A-Za-z.-]*$' }, kind: { enum: ['cmaps', 'standard_fonts', 'wasm', 'iccs'] }, file: fileParam },
        },
        responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
        errors: ['NOT_FOUND'],
        handler: ({ params, req }) => immutable(`${params.dir}/${params.kind}/${params.file}`, req.headers['accept-encoding']),
      }),
    ],
  };
}
