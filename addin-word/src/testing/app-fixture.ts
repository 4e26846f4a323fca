/**
 * The app specs' starting point: the sample agreement in a fake Word, with a variable and both
 * parties' markers, and a fake server with a live session (as after the login dialog: the task
 * pane holds the session token).
 */
import { FAKE_ACCOUNT, FakeSignetApi } from '../api/fake-signet-api.js';
import type { SignerDraft } from '../api/signet-api.js';
import type { AppDeps } from '../app/app-deps.js';
import { FakeOfficeGateway, type FakeOfficeGatewayOptions } from '../office/fake-gateway.js';
import { sampleAgreement } from './sample-document.js';

/** The fakes, typed as themselves so specs can inspect them. */
export interface AppFixture extends AppDeps {
  gateway: FakeOfficeGateway;
  api: FakeSignetApi;
}

/** A drafted agreement: `partyAName` variable, `sign:partyA` and `seal:partyB` markers. */
export async function draftedAgreement(opts: FakeOfficeGatewayOptions = {}): Promise<AppFixture> {
  const gateway = new FakeOfficeGateway(sampleAgreement(), opts);
  gateway.select('Acme Trading Ltd');
  await gateway.makeVariableFromSelection('partyAName');
  gateway.placeCursorAfter('Party A (signature): ');
  await gateway.insertPartyMarker('sign', 'partyA');
  gateway.placeCursorAfter('Party B (signature): ');
  await gateway.insertPartyMarker('seal', 'partyB');
  const api = new FakeSignetApi();
  api.useSession(api.credentials);
  api.loginInDialog();
  await api.session();
  return { gateway, api };
}

/** Two valid signers for the drafted agreement, Party A (a person) first, then Party B: the demo enterprise, signed with its seal by the demo user. */
export function twoSigners(): SignerDraft[] {
  return [
    { kind: 'person', name: 'Zhang San', mobile: '13900139000', role: 'partyA', order: 1 },
    { kind: 'organization', name: FAKE_ACCOUNT.enterprise.name, mobile: FAKE_ACCOUNT.mobile, role: 'partyB', order: 2, enterpriseId: FAKE_ACCOUNT.enterprise.id },
  ];
}
