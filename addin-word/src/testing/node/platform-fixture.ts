/**
 * The real Signet server for the add-in's integration tests (Node only, test code): the whole app
 * and platform on 127.0.0.1 (`startPlatformServer`), with the demo enterprise, its 合同专用章 and
 * 公章 granted to the demo admin, and its sample templates (`seedDemoExtras`, as `npm start` adds
 * them); plus the other party's side: reading the dev SMS log as their phone would, and signing
 * through their one-time signing link the way the signer's page does.
 */
import assert from 'node:assert/strict';
import { sampleIdCardNumber } from '@signet/core';
import { seedDemoExtras, type DemoExtras } from '../../../../server/src/demo/seed-demo-extras.js';
import { startPlatformServer, type PlatformServer } from '../../../../server/src/testing/platform-server.js';

/** The server with the demo enterprise's extras. */
export interface AddinPlatform {
  srv: PlatformServer;
  extras: DemoExtras;
  /** The demo admin's login (13800138000 / Signet@2026). */
  admin: { mobile: string; password: string; name: string };
  close(): Promise<void>;
}

/** Starts the server and seeds the demo seals and templates. */
export async function startAddinPlatform(): Promise<AddinPlatform> {
  const srv = await startPlatformServer();
  try {
    const extras = await seedDemoExtras(srv.platform, srv.demo!);
    return { srv, extras, admin: { ...srv.demo!.login, name: srv.demo!.admin.name ?? '王演示' }, close: () => srv.close() };
  } catch (e) {
    await srv.close();
    throw e;
  }
}

let seq = 0;

/** A mobile number unique to this process that the sandbox bureau accepts (it refuses numbers ending in 4). */
export function outsiderMobile(): string {
  seq++;
  return `1591${String((process.pid * 31 + seq * 7919) % 1_000_000).padStart(6, '0')}${[1, 2, 3, 5, 6, 7, 8, 9][seq % 8]}`;
}

/** The signing URL in the newest invitation SMS to `mobile` (a reminder sends a fresh one; older links stop working). */
export async function newestSigningUrl(srv: PlatformServer, mobile: string): Promise<string> {
  const m = (await srv.platform.devMessages!.read({ to: mobile })).reverse().find((x) => x.template === 'sign-invite');
  assert.ok(m?.params.url, `no invitation went to ${mobile}`);
  return m.params.url;
}

/** How many invitations (first and reminders) went to `mobile`. */
export async function invitationCount(srv: PlatformServer, mobile: string): Promise<number> {
  return (await srv.platform.devMessages!.read({ to: mobile })).filter((x) => x.template === 'sign-invite').length;
}

/**
 * Signs as the holder of the newest signing link sent to `mobile`, as the signer's page does: the
 * page view, real-name verification inside the flow (name + ID number, the code from the SMS)
 * when needed, a willingness check by face (the sandbox accepts any token), and `POST /link/sign`.
 * Returns the contract's state afterwards.
 */
export async function signThroughLink(srv: PlatformServer, mobile: string, name: string): Promise<string> {
  const url = await newestSigningUrl(srv, mobile);
  const token = /\/sign\/([A-Za-z0-9_-]+)$/.exec(url)?.[1];
  assert.ok(token, `not a signing URL: ${url}`);
  const call = async <T>(method: string, path: string, status: number, body?: unknown): Promise<T> => {
    const res = await fetch(new URL(path, srv.baseUrl), {
      method, headers: { authorization: `Link ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, status, `${method} ${path}: ${text}`);
    return JSON.parse(text) as T;
  };
  const page = await call<{ contract: { id: string }; realName: { status: string } }>('GET', '/api/v1/link', 200);
  if (page.realName.status === 'unverified') {
    const v = await call<{ verificationId: string }>('POST', '/api/v1/link/identity', 201, { name, idNumber: sampleIdCardNumber(Number(mobile.slice(-6)), { sequenceLastDigit: 7 }) });
    await call('POST', `/api/v1/link/identity/${v.verificationId}/code`, 200, { code: await srv.lastCode(mobile) });
  }
  const ch = await call<{ challengeId: string }>('POST', '/api/v1/willingness', 201, { contractIds: [page.contract.id], method: 'face' });
  const proof = await call<{ proofId: string }>('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, 200, { faceToken: 'sandbox-face-ok' });
  const done = await call<{ contract: { state: string } }>('POST', '/api/v1/link/sign', 200, { proofId: proof.proofId });
  return done.contract.state;
}
