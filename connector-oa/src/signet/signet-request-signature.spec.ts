import assert from 'node:assert/strict';
import { canonicalQuery, canonicalSignetRequest, signSignetRequest } from './signet-request-signature.js';

describe('signet/signet-request-signature', () => {
  it('signs the README\'s worked example exactly as the server expects it', () => {
    const headers = signSignetRequest(
      { appId: 'app_3mfq7x2kd9c4wzbn6tg5ya8hre', appSecret: 'sk_8dJ2mQ7vX4pL9sR1wT6yB3nF5hK0cZ2aE7gU4iO9qW1' },
      { method: 'POST', target: '/api/v1/contracts?notify=false&lang=zh-CN', body: '{"bizNo":"HT-2024-0001","title":"劳动合同"}', timestamp: 1717171717, nonce: 'q8Xr2LmN4pT6vW0yZ3bD5f' },
    );
    assert.equal(headers['X-Signet-Signature'], 'd111826e56d8898bc71b908075309dc2d287103b60ae2c35a625859a5fb94696');
    assert.equal(headers['X-Signet-App-Id'], 'app_3mfq7x2kd9c4wzbn6tg5ya8hre');
    assert.equal(headers['X-Signet-Timestamp'], '1717171717');
  });

  it('canonicalises the query: decoded, re-encoded (RFC 3986 §2.3), sorted by key then value, empty pairs dropped', () => {
    assert.equal(canonicalQuery('b=2&a=%E5%90%88&&a=1&c'), 'a=%E5%90%88&a=1&b=2&c=', 'sorted as encoded: % before digits');
    assert.equal(canonicalQuery('name=a+b%21'), 'name=a%20b%21');
    assert.equal(canonicalSignetRequest('get', '/x?b=1&a=2#frag', '1', 'n', 'h'), 'SIGNET-HMAC-SHA256\nGET\n/x?a=2&b=1\n1\nn\nh');
  });

  it('uses a fresh nonce for every request', () => {
    const c = { appId: 'a', appSecret: 's' };
    assert.notEqual(signSignetRequest(c, { method: 'GET', target: '/' })['X-Signet-Nonce'], signSignetRequest(c, { method: 'GET', target: '/' })['X-Signet-Nonce']);
  });
});
