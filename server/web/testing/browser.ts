/**
 * What the pages' browser specs share: Debian's Chromium through playwright-core with a fresh
 * profile, a phone-sized viewport by default, every request that would leave 127.0.0.1 refused
 * and recorded, page errors and CSP violations collected, and screenshots under
 * `test-artifacts/pages/`. Node only.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot, tempDir } from '@signet/test-support';

/** The Chromium flags the tests run with (as the add-in's browser tests). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where screenshots go. */
export const PAGES_ARTIFACTS = join(repoRoot, 'test-artifacts', 'pages');

/** A Chromium session for one spec. */
export interface BrowserSession {
  ctx: BrowserContext;
  page: Page;
  /** Requests that tried to leave 127.0.0.1 (refused). */
  external: string[];
  /** Uncaught page errors, console errors and CSP violations. */
  pageErrors: string[];
  /** Every URL the page requested (to check that no token travels in one). */
  requested: string[];
  /**
   * Saves a screenshot as `test-artifacts/pages/<prefix>-NN-<name>.png`: the whole page from the top,
   * or with `viewport` what the screen shows now (fixed bars and dialogs where the reader sees them).
   */
  screenshot(name: string, page?: Page, opts?: { viewport?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** Launches Chromium (zh-CN, 390 × 844 with touch unless told otherwise) with a fresh profile. */
export async function launchChromium(opts: { prefix: string; width?: number; height?: number; mobile?: boolean }): Promise<BrowserSession> {
  const profile = tempDir('signet-pages-chromium-');
  const mobile = opts.mobile ?? true;
  const ctx = await chromium.launchPersistentContext(profile.dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.width ?? 390, height: opts.height ?? 844 },
    deviceScaleFactor: mobile ? 2 : 1,
    isMobile: mobile,
    hasTouch: mobile,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // Still screenshots: no smooth scrolling or pulsing while a shot is taken.
    reducedMotion: 'reduce',
    acceptDownloads: true,
  });
  const external: string[] = [];
  const pageErrors: string[] = [];
  const requested: string[] = [];
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    requested.push(url);
    if (url.startsWith('blob:') || url.startsWith('data:') || new URL(url).hostname === '127.0.0.1') return route.continue();
    external.push(url);
    return route.abort();
  });
  const page = ctx.pages()[0] ?? await ctx.newPage();
  page.setDefaultTimeout(20_000);
  const watch = (p: Page) => {
    p.on('pageerror', (e) => pageErrors.push(e.message));
    p.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) pageErrors.push(m.text()); });
  };
  watch(page);
  ctx.on('page', watch);
  mkdirSync(PAGES_ARTIFACTS, { recursive: true });
  // This session's shots replace the last run's (other prefixes belong to other specs).
  for (const f of readdirSync(PAGES_ARTIFACTS)) if (f.startsWith(`${opts.prefix}-`) && /^\d\d-/.test(f.slice(opts.prefix.length + 1))) rmSync(join(PAGES_ARTIFACTS, f));
  let shot = 0;
  return {
    ctx, page, external, pageErrors, requested,
    async screenshot(name, p = page, o = {}) {
      const path = join(PAGES_ARTIFACTS, `${opts.prefix}-${String(++shot).padStart(2, '0')}-${name}.png`);
      if (o.viewport) {
        await p.screenshot({ path });
        return path;
      }
      // A full-page shot taken while scrolled shows the sticky bar mid-page: take it from the top.
      await p.evaluate(() => window.scrollTo(0, 0));
      await p.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await ctx.close();
      profile.cleanup();
    },
  };
}

/** True when the page scrolls sideways (its content is wider than the viewport). */
export function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

/**
 * The interactive controls (buttons, inputs, links, selects, text areas, and elements with an
 * interactive role) that are visible and have no accessible name from a label, aria-label,
 * aria-labelledby, title or their own text: each as a short description.
 */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const sel = 'button, input:not([type="hidden"]), select, textarea, a[href], [role="button"], [role="tab"], [role="checkbox"], [role="radio"], canvas[role]';
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      const r = el.getBoundingClientRect();
      const shown = r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
      const hiddenInput = el instanceof HTMLInputElement && el.classList.contains('visually-hidden');
      if (!shown && !hiddenInput) continue;
      const labelled = el.getAttribute('aria-label')?.trim()
        || el.getAttribute('aria-labelledby')?.split(/\s+/).map((id) => document.getElementById(id)?.textContent?.trim()).join('')
        || (el as HTMLInputElement).labels?.[0]?.textContent?.trim()
        || el.getAttribute('title')?.trim()
        || (!(el instanceof HTMLInputElement) && el.textContent?.trim());
      if (!labelled) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`);
    }
    return out;
  });
}

/** Presses Tab up to `max` times and returns the accessible names of the elements that got focus, in order. */
export async function tabOrder(page: Page, max = 40): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      return (el.getAttribute('aria-label') || (el as HTMLInputElement).labels?.[0]?.textContent || el.textContent || el.tagName).trim().replace(/\s+/g, ' ');
    });
    seen.push(name);
  }
  return seen;
}
