/**
 * The task pane's entry point. With test hooks (see `test-hooks.ts`) it runs against them at once;
 * otherwise it waits for Office.js and uses the Office.js gateway and the HTTP API client. The
 * default server is the one the task pane is served from (`<server>/addin/`).
 */
import { render } from 'preact';
import { HttpSignetApi } from '../api/http-signet-api.js';
import { storagePreferences, memoryPreferences } from '../app/app-deps.js';
import { loginDialogUrl, type ConnectDeps } from '../app/connect.js';
import { initialLang } from '../i18n/i18n.js';
import type { OfficeGateway } from '../office/office-gateway.js';
import { officeJsGateway } from '../office/office-js-gateway.js';
import { officeDisplayLanguage, whenOfficeReady } from '../office/office-host.js';
import { AppShell, NotInOffice } from './app-shell.js';
import { readTestHooks } from './test-hooks.js';

function serverOfThisPage(): string {
  const path = location.pathname.replace(/\/addin\/[^/]*$/, '').replace(/\/[^/]*$/, '');
  return `${location.origin}${path}`;
}

async function main(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  const hooks = readTestHooks();
  let gateway: OfficeGateway;
  let officeLanguage: string | undefined;
  const prefs = hooks && !hooks.persistPreferences ? memoryPreferences() : storagePreferences();
  if (hooks) {
    gateway = hooks.gateway;
  } else {
    const ready = await whenOfficeReady();
    if (!ready) {
      render(<NotInOffice lang={initialLang(prefs.get('lang'), navigator.language)} />, root);
      return;
    }
    gateway = officeJsGateway();
    officeLanguage = officeDisplayLanguage();
  }
  const connectDeps: ConnectDeps = {
    gateway,
    prefs,
    createApi: hooks?.api ? () => hooks.api! : (baseUrl) => new HttpSignetApi({ baseUrl }),
    dialogUrl: (baseUrl) => loginDialogUrl(location.href, baseUrl),
  };
  render(<AppShell connectDeps={connectDeps} prefs={prefs} defaultServerUrl={hooks?.serverUrl ?? serverOfThisPage()} officeLanguage={officeLanguage} />, root);
}

void main();
