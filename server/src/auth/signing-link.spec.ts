import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { InMemorySigningLinks, startTestServer, type TestServer } from '../testing/index.js';
import { defineRoute } from '../http/route.js';
import { extractLinkToken, hashLinkToken, redactLinkToken } from './signing-link.js';

interface ApiError {
  code: string;
  message: string;
}

describe('signing links', function () {
  this.timeout(60_000);

  describe('extractLinkToken()', () => {
    it('reads an Authorization: Link header first', () => {
      assert.deepEqual(extractLinkToken({ authorization: 'Link abc_DEF-123' }, '/sign/other'), { token: 'abc_DEF-123', from: 'header' });
      assert.deepEqual(extractLinkToken({ authorization: 'link  tok ' }, '/'), { token: 'tok', from: 'header' });
    });

    it('reads the segment after /sign/ in the path', () => {
      assert.deepEqual(extractLinkToken({}, '/sign/tok123'), { token: 'tok123', from: 'path' });
      assert.deepEqual(extractLinkToken({}, '/api/v1/sign/tok123/contract'), { token: 'tok123', from: 'path' });
    });

    it('finds nothing in other requests, and ignores other Authorization schemes', () => {
      assert.equal(extractLinkToken({ authorization: 'Bearer x' }, '/api/v1/contracts'), undefined);
      assert.equal(extractLinkToken({}, '/designs/x'), undefined);
    });

    it('hashes tokens to the lower-case hex SHA-256 of their UTF-8 bytes', () => {
      assert.equal(hashLinkToken('tok'), createHash('sha256').update('tok').digest('hex'));
    });

    it('redacts the token from paths for logging', () => {
      assert.equal(redactLinkToken('/sign/abcdef/pdf'), '/sign/:token/pdf');
      assert.equal(redactLinkToken('/api/v1/sign/abcdef'), '/api/v1/sign/:token');
    });
  });

  describe('over HTTP', () => {
    let srv: TestServer;
    let links: InMemorySigningLinks;
    const reached: unknown[] = [];

    before(async () => {
      links = new InMemorySigningLinks();
      srv = await startTestServer({
        links,
        routes: () => [{
          routes: [
            defineRoute<{ params: { linkToken: string } }>({
              operationId: 'testLinkPage',
              method: 'get',
              path: '/api/v1/sign/:linkToken/contract',
              summary: 'test',
              tags: ['test'],
              auth: ['link'],
              responses: { 200: { description: 'ok', schema: { type: 'object' } } },
              handler: ({ actor }) => {
                reached.push(actor);
                return { actor };
              },
            }),
          ],
        }],
      });
    });
    after(() => srv?.close());
    beforeEach(() => { reached.length = 0; });

    it('makes an Authorization: Link request an actor of kind link', async () => {
      const token = links.issue('ct_1', 'sg_1');
      const res = await fetch(`${srv.baseUrl}/api/v1/auth/whoami`, { headers: { authorization: `Link ${token}` } });
      assert.equal(res.status, 200);
      const { actor } = (await res.json()) as { actor: { kind: string; contractId: string; signerId: string } };
      assert.equal(actor.kind, 'link');
      assert.equal(actor.contractId, 'ct_1');
      assert.equal(actor.signerId, 'sg_1');
    });

    it('reads the token from a /sign/<token> path, and keeps it out of the log', async () => {
      const token = links.issue('ct_2', 'sg_2');
      const res = await fetch(`${srv.baseUrl}/api/v1/sign/${token}/contract`);
      assert.equal(res.status, 200);
      assert.equal(reached.length, 1);
      const log = srv.logs.join('\n');
      assert.match(log, /GET \/api\/v1\/sign\/:linkToken\/contract 200 .*actor=link:lnk_/);
      assert.ok(!log.includes(token));
    });

    it('refuses an unknown token with AUTH_LINK_INVALID, and never logs it', async () => {
      const fake = 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';
      const res = await fetch(`${srv.baseUrl}/api/v1/sign/${fake}/contract`);
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as ApiError).code, 'AUTH_LINK_INVALID');
      assert.equal(reached.length, 0);
      assert.ok(!srv.logs.join('\n').includes(fake));
    });

    it('refuses a malformed token without looking it up', async () => {
      const res = await fetch(`${srv.baseUrl}/api/v1/auth/whoami`, { headers: { authorization: 'Link short' } });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as ApiError).code, 'AUTH_LINK_INVALID');
    });

    it('passes the resolver\'s own refusal through: a revoked link gets LINK_REVOKED', async () => {
      const token = links.issue('ct_3', 'sg_3');
      links.revoke(token);
      const res = await fetch(`${srv.baseUrl}/api/v1/sign/${token}/contract`);
      assert.equal(res.status, 410);
      assert.equal(((await res.json()) as ApiError).code, 'LINK_REVOKED');
      assert.equal(reached.length, 0);
    });

    it('masks unmatched /sign/<token> paths in the log too', async () => {
      const token = links.issue('ct_4', 'sg_4');
      await fetch(`${srv.baseUrl}/sign/${token}/nothing-here`);
      const log = srv.logs.join('\n');
      assert.match(log, /GET \/sign\/:token\/nothing-here 404/);
      assert.ok(!log.includes(token));
    });
  });
});
