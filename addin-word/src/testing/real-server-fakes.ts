/**
 * The end-to-end browser test's stand-in for Word, as a script that runs before the task pane: it
 * sets `globalThis.__signetTestHooks` to a {@link FakeOfficeGateway} holding the sample agreement,
 * and no API, so the task pane talks to the real Signet server that serves it; its preferences
 * (the session token among them) live in `localStorage` as in Word, so a reload restores the session. The gateway's
 * dialog is a real popup window ({@link popupDialog}).
 */
import { FakeOfficeGateway } from '../office/fake-gateway.js';
import { TEST_HOOKS_GLOBAL, type SignetTestHooks } from '../ui/test-hooks.js';
import { popupDialog } from './popup-dialog.js';
import { sampleAgreement } from './sample-document.js';

const gateway = new FakeOfficeGateway(sampleAgreement(), { dialog: popupDialog });
const hooks: SignetTestHooks & { gateway: FakeOfficeGateway } = { gateway, persistPreferences: true };
(globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] = hooks;
