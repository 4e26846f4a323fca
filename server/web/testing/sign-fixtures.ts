/**
 * Contracts for the signer's page specs, made through the real API as the demo admin would make
 * them (`POST /files`, then `POST /contracts` with `send: true`), with Chinese multi-page PDFs
 * built by Signet's own `PdfDocumentBuilder` and an embedded font subset. Node only.
 */
import assert from 'node:assert/strict';
import { FontProgram, FontSubset, PdfDict, PdfDocumentBuilder } from '@signet/core';
import { cjkFontBytes } from '@signet/test-support';
import type { PlatformServer } from '../../src/testing/platform-server.js';
import type { SessionClient } from '../../src/testing/session-client.js';

/** A fresh, unsigned A4 contract of `pages` pages, with a heading, clauses and signing lines. */
export function contractPdf(opts: { title: string; pages?: number; party?: string }): Uint8Array {
  const b = new PdfDocumentBuilder();
  const f = new FontSubset(FontProgram.load(cjkFontBytes()), b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: f.ref }) });
  const pages = opts.pages ?? 1;
  const clauses = [
    '第一条 服务内容：乙方按本合同约定向甲方提供技术服务。',
    '第二条 服务费用：甲方应于验收合格后三十日内支付全部服务费用。',
    '第三条 保密义务：双方对因本合同知悉的对方商业秘密负有保密义务。',
    '第四条 违约责任：任何一方违约，应赔偿对方因此遭受的直接损失。',
    '第五条 争议解决：因本合同产生的争议，双方应友好协商解决。',
    '第六条 生效：本合同自双方签署之日起生效，一式两份，具有同等效力。',
  ];
  for (let p = 1; p <= pages; p++) {
    let content = '';
    const text = (size: number, x: number, y: number, s: string) => { content += `BT /F1 ${size} Tf ${x} ${y} Td ${f.encode(s)} Tj ET\n`; };
    if (p === 1) text(20, 72, 760, opts.title);
    text(10, 72, 800, `${opts.title} · 第 ${p} 页 / 共 ${pages} 页`);
    let y = p === 1 ? 720 : 760;
    for (const c of clauses) {
      text(11, 72, y, c);
      y -= 28;
    }
    if (p === pages) {
      text(12, 72, 300, `甲方（盖章）：${opts.party ?? '上海示例科技有限公司'}`);
      text(12, 320, 300, '乙方（签字）：');
    }
    content += '0.6 G 72 60 m 523 60 l S\n';
    b.addPage({ width: 595, height: 842, resources, content });
  }
  f.finish();
  return b.build();
}

/** A sent contract with its signers' link URLs. */
export interface SentContract {
  id: string;
  links: { signerId: string; url: string }[];
}

/** Uploads PDFs and sends a contract as `admin`; returns the contract id and the links the API gave. */
export async function sendContract(admin: SessionClient, input: { title: string; files: { name: string; pdf: Uint8Array }[]; signers: unknown[]; order?: 'sequential' | 'parallel' }): Promise<SentContract> {
  const documents = [];
  for (const f of input.files) {
    const res = await admin.fetch(`/api/v1/files?name=${encodeURIComponent(f.name)}`, { method: 'POST', body: f.pdf as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/pdf' } });
    assert.equal(res.status, 201, await res.clone().text());
    documents.push({ fileId: ((await res.json()) as { fileId: string }).fileId, name: f.name });
  }
  const res = await admin.fetch('/api/v1/contracts', { json: { title: input.title, documents, signers: input.signers, order: input.order ?? 'sequential', send: true } });
  const body = (await res.json()) as { id: string; links: { signerId: string; url?: string }[]; message?: string };
  assert.equal(res.status, 201, body.message);
  return { id: body.id, links: body.links.map((l) => ({ signerId: l.signerId, url: l.url! })) };
}

/** The signing URL of the latest invitation sent to `mobile` (as the signer's phone shows it). */
export async function invitationUrl(srv: PlatformServer, mobile: string): Promise<string> {
  const msgs = (await srv.platform.devMessages!.read({ to: mobile })).filter((m) => m.template === 'sign-invite');
  assert.ok(msgs.length > 0, `an invitation was sent to ${mobile}`);
  return msgs[msgs.length - 1].params.url;
}

/** How many one-time codes have been sent to `mobile`. */
export async function codeCount(srv: PlatformServer, mobile: string): Promise<number> {
  return (await srv.platform.devMessages!.read({ to: mobile })).filter((m) => m.template === 'otp').length;
}

/** Waits until more than `after` codes were sent to `mobile`, and returns the newest. */
export async function newCode(srv: PlatformServer, mobile: string, after: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    if ((await codeCount(srv, mobile)) > after) return srv.lastCode(mobile);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new code was sent to ${mobile}`);
}

/** The token of a signing URL. */
export function tokenOfUrl(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').pop()!);
}
