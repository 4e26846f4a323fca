/**
 * The app specs' starting point: the sample agreement in a fake Word, with a variable and both
 * parties' markers, and a fake server with a live session (as after the login dialog).
 */
import { FakeSignetApi } from '../api/fake-signet-api.js';
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
  api.loginInDialog();
  await api.session();
  return { gateway, api };
}

/** Two valid signers for the drafted agreement, Party A first. */
export function twoSigners(): SignerDraft[] {
  return [
    { kind: 'person', name: 'Zhang San', mobile: '13800138000', role: 'partyA', order: 1 },
    { kind: 'organization', name: 'Beta Consulting LLC', mobile: '13900139000', role: 'partyB', order: 2 },
  ];
}
