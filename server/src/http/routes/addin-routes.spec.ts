import assert from 'node:assert/strict';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { systemClock } from '@signet/core';
import { InMemoryRecordStore } from '@signet/core/testing';
import { tempDir } from '@signet/test-support';
import { RecordAppCredentialStore } from '../../auth/app-credential-store.js';
import { HmacAuthenticator } from '../../auth/hmac-authenticator.js';
import { InMemoryNonceStore } from '../../auth/nonce-store.js';
import { noPersonDirectory } from '../../auth/person-directory.js';
import { RequestAuthenticator } from '../../auth/request-authenticator.js';
import { SessionManager } from '../../auth/session-manager.js';
import { noSigningLinks } from '../../auth/signing-link.js';
import type { Platform } from '../../platform.js';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import { errorHandler, notFoundHandler } from '../error-handler.js';
import { requestId } from '../request-id.js';
import { RouteRegistry } from '../route-registry.js';
import { SchemaCompiler } from '../schema-compiler.js';
import { securityHeaders } from '../security-headers.js';
import { addinRoutes } from './addin-routes.js';

/** The add-in routes alone, over the real route pipeline, with a build directory of the test's own. */
async function addinServer(buildDir: string, baseUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const records = new InMemoryRecordStore();
  const registry = new RouteRegistry().add(addinRoutes({ platform: { deps: { baseUrl } } as unknown as Platform }, { buildDir }));
  const app = express();
  app.use(requestId());
  app.use(securityHeaders({ https: false }));
  const apps = new RecordAppCredentialStore(records, { seal: (b) => b, open: (b) => b });
  registry.mount(app, {
    authenticator: new RequestAuthenticator({
      hmac: new HmacAuthenticator({ apps, nonces: new InMemoryNonceStore(() => Date.now()), clock: systemClock }),
      sessions: new SessionManager({ records, clock: systemClock, secureCookie: false }),
      directory: noPersonDirectory,
      links: noSigningLinks,
    }),
    compiler: new SchemaCompiler(registry.schemas),
    binaryLimitBytes: 1024,
    checkContract: true,
  });
  app.use(notFoundHandler(registry));
  app.use(errorHandler({ checkContract: true }));
  const server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

/** A GET with the path sent exactly as given (fetch would normalise dot segments first). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('add-in routes: /addin/', function () {
  this.timeout(60_000);
  let tmp: { dir: string; cleanup: () => void };
  before(() => { tmp = tempDir('signet-addin-'); });
  after(() => tmp?.cleanup());

  describe('with a build', () => {
    let srv: { url: string; close(): Promise<void> };
    before(async () => {
      const build = join(tmp.dir, 'build');
      mkdirSync(join(build, 'assets'), { recursive: true });
      writeFileSync(join(build, 'taskpane.html'), '<!doctype html><title>Signet task pane</title><script defer src="taskpane.0123abcd.js"></script>');
      writeFileSync(join(build, 'taskpane.0123abcd.js'), 'console.log("pane")');
      writeFileSync(join(build, 'assets', 'icon-32.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      writeFileSync(join(tmp.dir, 'secret.txt'), 'outside the build');
      srv = await addinServer(build, 'https://sign.example.com');
    });
    after(() => srv?.close());

    it('serves the task pane at /addin/, its scripts (cached for good) and its icons, framable by Office', async () => {
      const page = await fetch(`${srv.url}/addin/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      assert.match(await page.text(), /Signet task pane/);
      assert.equal(page.headers.get('x-frame-options'), null);
      const js = await fetch(`${srv.url}/addin/taskpane.0123abcd.js`);
      assert.match(js.headers.get('content-type')!, /^text\/javascript/);
      assert.match(js.headers.get('cache-control')!, /immutable/);
      const icon = await fetch(`${srv.url}/addin/assets/icon-32.png`);
      assert.equal(icon.headers.get('content-type'), 'image/png');
      assert.equal((await icon.arrayBuffer()).byteLength, 4);
    });

    it('redirects /addin to /addin/, so relative URLs resolve', async () => {
      const r = await fetch(`${srv.url}/addin`, { redirect: 'manual' });
      assert.equal(r.status, 301);
      assert.equal(r.headers.get('location'), '/addin/');
    });

    it('renders the production manifest for this server', async () => {
      const r = await fetch(`${srv.url}/addin/manifest.xml`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /^application\/xml/);
      const xml = await r.text();
      assert.match(xml, /<SourceLocation DefaultValue="https:\/\/sign\.example\.com\/addin\/taskpane\.html"\/>/);
      assert.ok(!xml.includes('signet.example.com'));
    });

    it('serves nothing outside the build, and answers 404 for a missing file', async () => {
      for (const path of ['/addin/..%2Fsecret.txt', '/addin/%2e%2e/secret.txt', '/addin/.hidden', '/addin/nope.js', '/addin/assets/..', '/addin/assets/%2e%2e', '/addin/assets/%2e%2e%2fsecret.txt', '/addin/../secret.txt']) {
        const r = await rawGet(srv.url, path);
        assert.equal(r.status, 404, path);
        assert.ok(!r.body.includes('outside the build'), path);
      }
    });
  });

  describe('without a build', () => {
    it('answers a bilingual page saying to run npm run addin:build', async () => {
      const srv = await addinServer(join(tmp.dir, 'no-build'), 'https://sign.example.com');
      try {
        const r = await fetch(`${srv.url}/addin/`);
        assert.equal(r.status, 404);
        assert.match(r.headers.get('content-type')!, /^text\/html/);
        const html = await r.text();
        assert.match(html, /Word 加载项尚未构建/);
        assert.match(html, /The Word add-in is not built/);
        assert.match(html, /npm run addin:build/);
      } finally {
        await srv.close();
      }
    });
  });

  describe('manifests, and the whole app', () => {
    let srv: PlatformServer;
    before(async () => { srv = await startPlatformServer({ demo: false }); });
    after(() => srv?.close());

    it('serves the manifest the build holds when the server is not known to be https', async () => {
      const build = join(tmp.dir, 'built-manifest');
      mkdirSync(build, { recursive: true });
      writeFileSync(join(build, 'manifest.xml'), '<OfficeApp>built for https://sign.example.org</OfficeApp>');
      const s = await addinServer(build, 'http://127.0.0.1:8080');
      try {
        const r = await fetch(`${s.url}/addin/manifest.xml`);
        assert.equal(r.status, 200);
        assert.match(await r.text(), /built for https:\/\/sign\.example\.org/);
      } finally {
        await s.close();
      }
    });

    it('refuses to render a manifest for an http server, saying that Office needs https', async () => {
      const s = await addinServer(join(tmp.dir, 'no-manifest'), 'http://127.0.0.1:8080');
      try {
        const r = await fetch(`${s.url}/addin/manifest.xml`);
        assert.equal(r.status, 400);
        const e = (await r.json()) as { code: string; message: string };
        assert.equal(e.code, 'INVALID_ARGUMENT');
        assert.match(e.message, /https only.*SIGNET_BASE_URL/);
      } finally {
        await s.close();
      }
    });

    it('redirects /addin in the whole app too', async () => {
      const r = await fetch(`${srv.baseUrl}/addin`, { redirect: 'manual' });
      assert.equal(r.status, 301);
    });

    it('keeps /addin/ out of the OpenAPI document', async () => {
      const doc = (await (await fetch(`${srv.baseUrl}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
      assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/addin')));
    });
  });
});
