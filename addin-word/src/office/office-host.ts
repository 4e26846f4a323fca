/**
 * Waiting for Office.js and reaching its globals, for the task pane and dialog pages. The pages
 * load Office.js from Microsoft's CDN; outside Office (a plain browser, or a test that stubs the
 * CDN) the globals are missing, and these functions say so instead of throwing.
 */

/** The host Office.js reported, or undefined outside Office. */
export interface OfficeReady {
  host: string | null;
  platform: string | null;
}

/** Resolves when Office.js is ready; undefined when Office.js did not load or the page is not in Office. */
export async function whenOfficeReady(): Promise<OfficeReady | undefined> {
  const office = (globalThis as { Office?: typeof Office }).Office;
  if (!office?.onReady) return undefined;
  const info = await office.onReady();
  if (!info?.host) return undefined;
  return { host: String(info.host), platform: info.platform ? String(info.platform) : null };
}

/**
 * Sends a message from a dialog page to the task pane that opened it (`messageParent`). Returns
 * false when the page is not running as an Office dialog.
 */
export function messageParent(message: string): boolean {
  const office = (globalThis as { Office?: typeof Office }).Office;
  const ui = office?.context?.ui;
  if (!ui || typeof ui.messageParent !== 'function') return false;
  ui.messageParent(message);
  return true;
}

/** Office's UI language (e.g. `zh-CN`), or undefined outside Office. */
export function officeDisplayLanguage(): string | undefined {
  return (globalThis as { Office?: typeof Office }).Office?.context?.displayLanguage;
}
