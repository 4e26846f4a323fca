/**
 * The HTML shell of each built page (`/verify`, `/sign/<token>`, later `/console`): the head with
 * the page's content-hashed stylesheets and scripts from the web build's manifest, and a boot
 * screen (the page's name in zh-CN and English, "loading", a no-script note) that the script
 * replaces. When the build is missing the boot screen says how to build it. The shell carries no
 * token and no data: the page reads everything from the API.
 */
import type { WebAssets } from './web-assets.js';

/** What a page's shell says before its script runs. */
export interface PageShellSpec {
  /** The build's page name (`sign`, `verify`). */
  page: string;
  /** The document title. */
  title: string;
  /** The boot screen's heading, zh-CN then English. */
  heading: { zh: string; en: string };
  /** Keep the page out of search engines (signing links). */
  noindex?: boolean;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

const FAVICON = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="1.5" y="1.5" width="29" height="29" rx="7" fill="#c8102e"/><path d="M9 20.5c2.2-5.6 4.2-8.6 5.4-8.2 1.6.5-1.9 7.6-.4 7.9 1.2.3 2.6-4.5 4-4.3 1.1.2.1 3.4 1.2 3.6.8.2 1.7-1.2 3.8-1.4" fill="none" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/></svg>');

/**
 * The Content-Security-Policy of the built pages: scripts, styles, workers and requests from this
 * origin only, no eval (pdf.js runs with `isEvalSupported: false`) except WebAssembly for pdf.js's
 * image decoders, images from this origin and data:/blob: URLs (canvases, the favicon), no frames.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Renders the shell of `spec.page` with the assets of the current build. */
export function renderPageShell(assets: WebAssets, spec: PageShellSpec): string {
  const manifest = assets.manifest();
  const entry = manifest?.pages[spec.page];
  const styles = (entry?.styles ?? []).map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n');
  const scripts = (entry?.scripts ?? []).map((src) => `<script defer src="${escapeHtml(src)}"></script>`).join('\n');
  const status = entry
    ? `<div class="boot-spinner" aria-hidden="true"></div><p>正在加载… <span lang="en">Loading…</span></p>`
    : `<p role="alert">页面资源尚未构建，请在仓库根目录运行 <code>npm run web:build</code>。<br><span lang="en">The page is not built yet: run <code>npm run web:build</code> in the repository root.</span></p>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="theme-color" content="#ffffff">
${spec.noindex ? '<meta name="robots" content="noindex, nofollow">\n' : ''}<meta name="color-scheme" content="light">
<title>${escapeHtml(spec.title)}</title>
<link rel="icon" href="${FAVICON}">
${styles}
${scripts}
</head>
<body>
<div id="app">
<main class="boot">
<h1>${escapeHtml(spec.heading.zh)} <span lang="en">${escapeHtml(spec.heading.en)}</span></h1>
${status}
<noscript><p>请启用 JavaScript 以使用此页面。<span lang="en">Turn on JavaScript to use this page.</span></p></noscript>
</main>
</div>
</body>
</html>
`;
}
