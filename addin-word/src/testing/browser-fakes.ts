/**
 * The browser test's (and dev preview's) stand-ins for Word and the server, as a script that runs
 * before the task pane: it sets `globalThis.__signetTestHooks` to a {@link FakeOfficeGateway}
 * holding the sample agreement, and a {@link FakeSignetApi} whose login dialog succeeds at once.
 * The test reaches both through the same global to act as the user in "Word" and to inspect what
 * the "server" received.
 */
import { FakeSignetApi, SAMPLE_CLAUSES } from '../api/fake-signet-api.js';
import { LOGIN_MESSAGE_TYPE, loginMessage } from '../app/connect.js';
import { FakeOfficeGateway } from '../office/fake-gateway.js';
import { TEST_HOOKS_GLOBAL, type SignetTestHooks } from '../ui/test-hooks.js';
import { paymentClause, sampleAgreement } from './sample-document.js';

const api = new FakeSignetApi({ baseUrl: location.origin, clauses: [paymentClause(), ...SAMPLE_CLAUSES] });
const gateway = new FakeOfficeGateway(sampleAgreement(), {
  // The login dialog: log in "on the server", then hand back the CSRF token as login.html does.
  dialog: () => {
    api.loginInDialog();
    return loginMessage({ type: LOGIN_MESSAGE_TYPE, ok: true, ...api.credentials });
  },
});

const hooks: SignetTestHooks & { gateway: FakeOfficeGateway; api: FakeSignetApi } = { gateway, api, serverUrl: location.origin };
(globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] = hooks;
