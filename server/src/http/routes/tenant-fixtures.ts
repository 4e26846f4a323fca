/**
 * Test fixtures for the part-A route specs: the demo enterprise's people logged in by role, a
 * second enterprise (another tenant) with its own admin and app, a person who belongs to no
 * enterprise, small real PDFs, and a JSON reader for responses. Test code only.
 */
import assert from 'node:assert/strict';
import { PdfDict, PdfDocumentBuilder, PdfName, sampleUscc, type Actor } from '@signet/core';
import type { IssuedAppSecret } from '../../auth/app-credential-store.js';
import type { PlatformServer } from '../../testing/platform-server.js';
import type { SessionClient } from '../../testing/session-client.js';

/** The demo people's mobiles (all log in with the demo password). */
export const DEMO_MOBILES = { admin: '13800138000', sealAdmin: '13800138001', member: '13800138002' } as const;

/** The demo password of every demo person. */
export const DEMO_PASSWORD = 'Signet@2026';

/** A client logged in as one of the demo people. */
export async function demoClient(srv: PlatformServer, who: keyof typeof DEMO_MOBILES): Promise<SessionClient> {
  const c = srv.session();
  await c.login(DEMO_MOBILES[who], DEMO_PASSWORD);
  return c;
}

/** Another tenant: an enterprise with a super admin (logged in), a member, and an integrator app. */
export interface OtherTenant {
  enterpriseId: string;
  adminUserId: string;
  memberUserId: string;
  admin: SessionClient;
  app: IssuedAppSecret;
}

let seq = 0;

/** Creates another enterprise (with the directory, as Signet) and logs its admin in. */
export async function otherTenant(srv: PlatformServer): Promise<OtherTenant> {
  const dir = srv.platform.directory;
  const system: Actor = { kind: 'system', reason: 'test fixture' };
  const n = ++seq;
  const admin = await dir.createUser({ mobile: `1390013${String(9000 + n).padStart(4, '0')}`, name: '周其他', loginPassword: 'Other@2026' }, system);
  const member = await dir.createUser({ mobile: `1390014${String(9000 + n).padStart(4, '0')}`, name: '吴成员', loginPassword: 'Other@2026' }, system);
  const ent = await dir.createEnterprise(system, { name: `北京其他示例第${n}有限公司`, uscc: sampleUscc(100 + n), legalRepresentative: '周其他', ownerUserId: admin.id });
  await dir.addMember(system, ent.id, member.id, ['member']);
  const c = srv.session();
  await c.login(`1390013${String(9000 + n).padStart(4, '0')}`, 'Other@2026');
  return { enterpriseId: ent.id, adminUserId: admin.id, memberUserId: member.id, admin: c, app: await srv.registerApp(ent.id, 'other app') };
}

/** A logged-in person who belongs to no enterprise. */
export async function lonePerson(srv: PlatformServer): Promise<{ userId: string; client: SessionClient; mobile: string }> {
  const n = ++seq;
  const mobile = `1370013${String(9000 + n).padStart(4, '0')}`;
  const u = await srv.platform.directory.createUser({ mobile, name: '孙个人', loginPassword: 'Alone@2026' });
  const client = srv.session();
  await client.login(mobile, 'Alone@2026');
  return { userId: u.id, client, mobile };
}

/** A fresh, unsigned PDF with `pages` pages, built with Signet's own PdfDocumentBuilder. */
export function samplePdf(pages = 1, title = 'Signet test'): Uint8Array {
  const b = new PdfDocumentBuilder();
  const font = b.allocate();
  b.set(font, new PdfDict({ Type: PdfName.of('Font'), Subtype: PdfName.of('Type1'), BaseFont: PdfName.of('Helvetica') }));
  const resources = new PdfDict({ Font: new PdfDict({ F1: font }) });
  for (let i = 0; i < pages; i++) b.addPage({ width: 595, height: 842, resources, content: `BT /F1 14 Tf 72 760 Td (${title} page ${i + 1}) Tj ET\n` });
  b.setInfo({ Title: title, Producer: 'Signet test' });
  return b.build();
}

/** Reads a JSON body, asserting the status (the body is in the message when it differs). */
export async function json<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, `${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Reads an error body and asserts its status and code. */
export async function apiError(res: Response, status: number, code: string): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  const body = await json<{ code: string; message: string; details?: Record<string, unknown> }>(res, status);
  assert.equal(body.code, code, body.message);
  return body;
}
