import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { seedDemo } from '@signet/core';
import { TEST_SCRYPT_PARAMS } from '@signet/core/testing';
import { cjkFontBytes, repoRoot, run, tempDir, type RunResult } from '@signet/test-support';
import { createApp } from '../app.js';
import { openInstallation } from '../installation.js';
import { openPlatform, type OpenedPlatform } from '../platform.js';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');
const signet = (args: string[]): RunResult => run(process.execPath, [bin, ...args], { env: { ...process.env } });

/** One line on stderr, no stack trace. */
function oneLineError(r: RunResult, pattern: RegExp): void {
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], pattern);
  assert.ok(!/\s+at\s/.test(r.stderr), 'no stack trace');
}

/**
 * A request signed by hand, with node:crypto only, as the README describes SIGNET-HMAC-SHA256 (not
 * with the helper in auth/sign-request.ts).
 */
function signByHand(app: { appId: string; secret: string }, method: string, target: string, body: string, opts: { timestamp?: number; nonce?: string } = {}): Record<string, string> {
  const [path, query = ''] = target.split('?');
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  const pairs = query.split('&').filter(Boolean).map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [dec(p), ''] : [dec(p.slice(0, i)), dec(p.slice(i + 1))];
  }).map(([k, v]) => [enc(k), enc(v)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const canonicalTarget = pairs.length ? `${path}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : path;
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomBytes(16).toString('base64url');
  const canonical = ['SIGNET-HMAC-SHA256', method.toUpperCase(), canonicalTarget, timestamp, nonce, createHash('sha256').update(body, 'utf8').digest('hex')].join('\n');
  return {
    'X-Signet-App-Id': app.appId,
    'X-Signet-Timestamp': timestamp,
    'X-Signet-Nonce': nonce,
    'X-Signet-Signature': createHmac('sha256', Buffer.from(app.secret, 'utf8')).update(canonical, 'utf8').digest('hex'),
  };
}

describe('signet app (CLI) and an integrator\'s signed requests', function () {
  this.timeout(180_000);
  let tmp: { dir: string; cleanup: () => void };
  let dataDir: string;
  let demoId: string;
  let app: { appId: string; secret: string };

  const openDemo = async (): Promise<OpenedPlatform> => {
    const installation = openInstallation({ dataDir, create: true, baseUrl: 'http://127.0.0.1:1' });
    return openPlatform({ installation, baseUrl: 'http://127.0.0.1:1', font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS });
  };

  before(async () => {
    tmp = tempDir('signet-app-cli-');
    dataDir = join(tmp.dir, 'data');
    const p = await openDemo();
    demoId = (await seedDemo({ directory: p.directory })).enterprise.id;
    await p.close();
  });
  after(() => tmp?.cleanup());

  it('creates an app for the demo enterprise, printing its appId and secret once, and lists it without the secret', () => {
    const r = signet(['app', 'create', '--demo', '--name', 'ERP 集成', '--data', dataDir]);
    assert.equal(r.status, 0, r.stderr);
    const appId = /appId:\s+(app_[a-z0-9]+)/.exec(r.stdout)![1];
    const secret = /secret:\s+(sk_[A-Za-z0-9_-]+)/.exec(r.stdout)![1];
    assert.match(r.stdout, /shown only this once/);
    app = { appId, secret };
    const json = signet(['app', 'create', '--enterprise', demoId, '--name', 'HR', '--json', '--data', dataDir]);
    assert.equal(json.status, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { enterpriseId: string }).enterpriseId, demoId);
    const list = signet(['app', 'list', '--data', dataDir]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${appId}\\s+active`));
    assert.match(list.stdout, /ERP 集成/);
    assert.ok(!list.stdout.includes(secret));
  });

  it('answers bad input with one line on stderr and a non-zero exit', () => {
    oneLineError(signet(['app', 'create', '--demo', '--data', dataDir]), /--name NAME/);
    oneLineError(signet(['app', 'create', '--enterprise', 'ent_nope', '--name', 'x', '--data', dataDir]), /No enterprise ent_nope.*\[NOT_FOUND\]/);
    oneLineError(signet(['app', 'create', '--demo', '--name', 'x', '--data', join(tmp.dir, 'empty')]), /signet init/);
  });

  describe('against the running server', () => {
    let platform: OpenedPlatform;
    let server: Server;
    let base: string;

    before(async () => {
      platform = await openDemo();
      await platform.start();
      const application = createApp({ installation: platform.deps.installation, platform, checkContract: true });
      server = await new Promise<Server>((resolve) => {
        const s = application.listen(0, '127.0.0.1', () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((r) => {
        server?.close(() => r());
        server?.closeAllConnections();
      });
      await platform?.close();
    });

    it('accepts a request signed by hand with node:crypto: a GET with a query and a POST with a JSON body', async () => {
      const target = '/api/v1/seals?limit=10&enabled=true';
      const get = await fetch(base + target, { headers: signByHand(app, 'GET', target, '') });
      assert.equal(get.status, 200, await get.clone().text());
      const body = JSON.stringify({ name: '钱外部', mobile: '13912340001' });
      const post = await fetch(`${base}/api/v1/contacts/persons`, { method: 'POST', headers: { 'content-type': 'application/json', ...signByHand(app, 'POST', '/api/v1/contacts/persons', body) }, body });
      assert.equal(post.status, 201, await post.clone().text());
      const who = await fetch(`${base}/api/v1/auth/whoami`, { headers: signByHand(app, 'GET', '/api/v1/auth/whoami', '') });
      assert.deepEqual(((await who.json()) as { actor: unknown }).actor, { kind: 'app', appId: app.appId, enterpriseId: demoId });
    });

    it('refuses an unsigned, an expired and a replayed request, and one whose body changed after signing', async () => {
      const target = `/api/v1/enterprises/${demoId}`;
      const unsigned = await fetch(base + target);
      assert.equal(unsigned.status, 401);
      assert.equal(((await unsigned.json()) as { code: string }).code, 'AUTH_REQUIRED');
      const old = await fetch(base + target, { headers: signByHand(app, 'GET', target, '', { timestamp: Math.floor(Date.now() / 1000) - 600 }) });
      assert.equal(((await old.json()) as { code: string }).code, 'AUTH_TIMESTAMP_SKEW');
      const headers = signByHand(app, 'GET', target, '');
      assert.equal((await fetch(base + target, { headers })).status, 200);
      const replay = await fetch(base + target, { headers });
      assert.equal(replay.status, 401);
      assert.equal(((await replay.json()) as { code: string }).code, 'AUTH_REPLAY');
      const body = JSON.stringify({ name: '孙外部', mobile: '13912340002' });
      const tampered = await fetch(`${base}/api/v1/contacts/persons`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...signByHand(app, 'POST', '/api/v1/contacts/persons', body) }, body: body.replace('孙', '王'),
      });
      assert.equal(((await tampered.json()) as { code: string }).code, 'AUTH_SIGNATURE_INVALID');
      const contacts = await platform.directory.contactsOf({ kind: 'system', reason: 'test' }, demoId);
      assert.deepEqual(contacts.map((c) => c.name), ['钱外部']);
    });

    it('tells the CLI user to stop the server first', async () => {
      oneLineError(signet(['app', 'list', '--data', dataDir]), /server is running.*\[STORE_LOCKED\]/);
    });
  });
});
