/**
 * What the add-in's browser tests share: the build served on 127.0.0.1 at `/addin/` (as the
 * Signet server will serve it), optional API routes beside it, and Debian's Chromium through
 * playwright-core with a fresh profile, Office.js answered at its CDN URL by a stub, and every
 * other request off 127.0.0.1 refused and recorded. Node only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from '@signet/test-support';

/** Office.js's CDN URL, as the pages load it. */
export const OFFICE_JS_URL = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

/** The Chromium flags the tests run with. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.xml': 'application/xml' };

/** An API route handler: return true when it answered. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean;

/** Serves `dir` at `/addin/` on 127.0.0.1, and hands other paths to `api`. */
export async function serveAddin(dir: string, api?: ApiHandler): Promise<{ server: Server; origin: string; base: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      if (!path.startsWith('/addin/')) {
        if (!api?.(req, res, Buffer.concat(chunks))) res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"code":"NOT_FOUND","message":"No route"}');
        return;
      }
      const file = normalize(join(dir, decodeURIComponent(path.slice('/addin/'.length))));
      if (!file.startsWith(dir)) return void res.writeHead(403).end();
      try {
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin, base: `${origin}/addin/`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * A fontconfig file that adds Noto Serif SC (the CJK font the server already draws PDFs with, from
 * npm) to the system's fonts, so that screenshots show the zh-CN UI rather than empty boxes on a
 * machine without CJK fonts (Debian's Chromium has none by default). Test code only: the task pane
 * itself names system fonts, which Word's hosts have.
 */
function cjkFontConfig(dir: string): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-serif-sc/package.json'));
  const file = join(dir, 'fonts.conf');
  writeFileSync(file, `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${join(pkg, '400Regular')}</dir>
  <dir>${join(pkg, '700Bold')}</dir>
  <cachedir>${join(dir, 'fontconfig-cache')}</cachedir>
</fontconfig>
`);
  return file;
}

/** A Chromium session for one spec. */
export interface BrowserSession {
  ctx: BrowserContext;
  page: Page;
  /** Requests that tried to leave 127.0.0.1 (refused). */
  external: string[];
  /** Uncaught page errors and console errors. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium (320 × 800, zh-CN) with a fresh profile. `officeJs` is the script served for
 * Office.js (default: an empty stub, so the page runs as outside Office); `initScript` runs
 * before the page's own scripts.
 */
export async function launchChromium(opts: { officeJs?: string; initScript?: string } = {}): Promise<BrowserSession> {
  const profile = tempDir('signet-chromium-');
  const ctx = await chromium.launchPersistentContext(profile.dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 320, height: 800 },
    locale: 'zh-CN',
    acceptDownloads: true,
    env: { ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)), FONTCONFIG_FILE: cjkFontConfig(profile.dir) },
  });
  const external: string[] = [];
  const pageErrors: string[] = [];
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url === OFFICE_JS_URL) return route.fulfill({ status: 200, contentType: 'text/javascript', body: opts.officeJs ?? '/* Office.js is not loaded in tests. */' });
    if (new URL(url).hostname === '127.0.0.1' || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  if (opts.initScript) await ctx.addInitScript({ path: opts.initScript });
  const page = ctx.pages()[0] ?? await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  return {
    ctx, page, external, pageErrors,
    close: async () => {
      await ctx.close();
      profile.cleanup();
    },
  };
}
