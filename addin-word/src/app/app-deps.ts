/**
 * What the app functions work with: Word (through the gateway) and the Signet server (through the
 * API client). The screens call these functions and never reach Office or HTTP themselves, which
 * is what lets the whole task pane run against fakes (Office-Addin-TaskPane's pattern).
 */
import type { SignetApi } from '../api/signet-api.js';
import type { OfficeGateway } from '../office/office-gateway.js';

/** The document and the server. */
export interface AppDeps {
  gateway: OfficeGateway;
  api: SignetApi;
}

/** Small persistent settings (the server URL, the language). */
export interface Preferences {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** Preferences kept in memory (tests, or when storage is unavailable). */
export function memoryPreferences(initial: Record<string, string> = {}): Preferences {
  const m = new Map(Object.entries(initial));
  return { get: (k) => m.get(k), set: (k, v) => { m.set(k, v); }, remove: (k) => { m.delete(k); } };
}

/** Preferences in `localStorage` under a `signet.` prefix, falling back to memory when storage is blocked. */
export function storagePreferences(storage: Storage | undefined = globalThis.localStorage): Preferences {
  const mem = memoryPreferences();
  const ok = (() => {
    try {
      return storage !== undefined && (storage.setItem('signet.probe', '1'), storage.removeItem('signet.probe'), true);
    } catch {
      return false;
    }
  })();
  if (!ok || !storage) return mem;
  return {
    get: (k) => storage.getItem(`signet.${k}`) ?? undefined,
    set: (k, v) => storage.setItem(`signet.${k}`, v),
    remove: (k) => storage.removeItem(`signet.${k}`),
  };
}
