/**
 * The one seam through which a test or the dev preview replaces Word (and, optionally, the
 * server): a script that runs before the task pane's bundle (Playwright's `addInitScript`, or the
 * preview page) sets `globalThis.__signetTestHooks`. Without it the task pane waits for Office.js.
 * Without `api` it talks to the real server over HTTP, as in Word. The production bundle contains
 * no fake; it only reads this global.
 */
import type { SignetApi } from '../api/signet-api.js';
import type { OfficeGateway } from '../office/office-gateway.js';

/** What a test injects. */
export interface SignetTestHooks {
  gateway: OfficeGateway;
  /** The server; default: the real one over HTTP (`HttpSignetApi`). */
  api?: SignetApi;
  /** The server URL the Connect screen starts with. */
  serverUrl?: string;
  /**
   * Keep the preferences (server URL, session token, language) in `localStorage`, as in Word,
   * so that a reload restores the session; default: in memory, forgotten on reload.
   */
  persistPreferences?: boolean;
}

/** The global the hooks live in. */
export const TEST_HOOKS_GLOBAL = '__signetTestHooks';

/** The injected hooks, if any. */
export function readTestHooks(): SignetTestHooks | undefined {
  const h = (globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] as SignetTestHooks | undefined;
  return h && typeof h === 'object' && h.gateway ? h : undefined;
}
