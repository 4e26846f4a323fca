import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, requireTool, run } from '@signet/test-support';
import { EMPTY_BODY_SHA256, canonicalQuery, canonicalRequest, encodeRfc3986, sha256Hex } from './canonical-request.js';
import { shellRecipe, workedExample } from './auth-guide.js';
import { signRequest } from './sign-request.js';

describe('canonical request (SIGNET-HMAC-SHA256)', () => {
  describe('canonicalQuery()', () => {
    it('sorts pairs by key, then by value', () => {
      assert.equal(canonicalQuery('b=2&a=3&a=1'), 'a=1&a=3&b=2');
    });

    it('re-encodes so that only RFC 3986 unreserved characters stay literal', () => {
      assert.equal(canonicalQuery('q=%E5%90%88%E5%90%8C&x=a+b&y=*(!)~'), 'q=%E5%90%88%E5%90%8C&x=a%20b&y=%2A%28%21%29~');
      assert.equal(canonicalQuery('q=合同'), 'q=%E5%90%88%E5%90%8C');
      assert.equal(encodeRfc3986("A-z0._~!'()* /"), "A-z0._~%21%27%28%29%2A%20%2F");
    });

    it('drops empty pairs and gives a key without = an empty value', () => {
      assert.equal(canonicalQuery('&flag&&a=1&'), 'a=1&flag=');
    });
  });

  describe('canonicalRequest()', () => {
    it('joins the six lines with LF, upper-cases the method and ignores a fragment', () => {
      const c = canonicalRequest({ method: 'get', target: '/api/v1/x?z=1&a=2#frag', timestamp: '1', nonce: 'n', bodySha256: EMPTY_BODY_SHA256 });
      assert.equal(c, `SIGNET-HMAC-SHA256\nGET\n/api/v1/x?a=2&z=1\n1\nn\n${EMPTY_BODY_SHA256}`);
    });

    it('keeps the path exactly as sent (percent-encoding included)', () => {
      const c = canonicalRequest({ method: 'GET', target: '/api/v1/files/%E5%90%88%20a', timestamp: '1', nonce: 'n', bodySha256: EMPTY_BODY_SHA256 });
      assert.equal(c.split('\n')[2], '/api/v1/files/%E5%90%88%20a');
    });

    it('hashes the empty body to the SHA-256 of the empty string', () => {
      assert.equal(sha256Hex(undefined), EMPTY_BODY_SHA256);
      assert.equal(sha256Hex(''), EMPTY_BODY_SHA256);
      assert.equal(sha256Hex(new Uint8Array(0)), EMPTY_BODY_SHA256);
    });
  });

  describe('the worked example', () => {
    const x = workedExample();

    it('is an HMAC-SHA256 of the canonical string keyed with the secret, as signRequest computes it', () => {
      assert.equal(x.signature, createHmac('sha256', x.secret).update(x.canonical).digest('hex'));
      const viaHelper = signRequest({ appId: x.appId, secret: x.secret, method: x.method, url: x.url, body: x.body, timestamp: Number(x.timestamp), nonce: x.nonce });
      assert.equal(viaHelper.headers['x-signet-signature'], x.signature);
      assert.equal(viaHelper.canonical, x.canonical);
      assert.equal(x.canonical.split('\n')[2], '/api/v1/contracts?lang=zh-CN&notify=false');
    });

    it('is the one printed in the README, value for value', () => {
      const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
      for (const v of [x.appId, x.secret, x.timestamp, x.nonce, x.body, x.bodySha256, x.signature, x.canonical]) {
        assert.ok(readme.includes(v), `README.md lacks ${JSON.stringify(v)} of the worked example`);
      }
    });

    describe('the shell recipe', () => {
      before(function () { requireTool(this, 'openssl', 'openssl'); });

      it('prints the same signature with sh and openssl', () => {
        const r = run('sh', ['-c', shellRecipe(x)]);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), x.signature);
      });
    });
  });
});
