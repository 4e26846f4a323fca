import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSignetError } from '../errors.js';
import { testPki } from '../cms/test-fixtures.js';
import { HttpTimestamper } from './http-timestamper.js';
import { TimestampAuthority } from './timestamp-authority.js';
import { parseTimestampRequest } from './timestamp-request.js';
import { grantedResponse } from './timestamp-response.js';
import { verifyTimestampToken } from './timestamp-token.js';

const digest = createHash('sha256').update('signature value').digest();

type Handler = (body: Buffer, req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 whose behaviour each test sets. */
function startServer(): Promise<{ url: string; server: Server; handle: (h: Handler) => void; requests: IncomingMessage[] }> {
  let handler: Handler = (_b, _q, res) => res.end();
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(req);
      handler(Buffer.concat(chunks), req, res);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/tsa`, server, handle: (h) => (handler = h), requests });
    }),
  );
}

function reply(res: ServerResponse, body: Uint8Array, type = 'application/timestamp-reply', status = 200) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

describe('tsa', () => {
  describe('HttpTimestamper', () => {
    let srv: Awaited<ReturnType<typeof startServer>>;
    let tsa: TimestampAuthority;
    before(async () => {
      srv = await startServer();
      tsa = new TimestampAuthority({ certificate: testPki().tsa.certificate, privateKey: testPki().tsa.privateKey });
    });
    after(() => new Promise<void>((r) => srv.server.close(() => r())));

    it('obtains a token from an RFC 3161 server, sending a timestamp-query with a nonce and certReq', async () => {
      srv.handle((body, req, res) => {
        assert.equal(req.method, 'POST');
        assert.equal(req.headers['content-type'], 'application/timestamp-query');
        reply(res, tsa.respond(body));
      });
      const token = await new HttpTimestamper(srv.url).timestamp(digest, 'sha256');
      const v = verifyTimestampToken(token, { digest, algorithm: 'sha256' });
      assert.deepEqual(v.problems, []);
      const last = srv.requests.at(-1)!;
      assert.equal(last.url, '/tsa');
    });

    it('sends the configured headers', async () => {
      let seen: string | undefined;
      srv.handle((body, req, res) => {
        seen = req.headers.authorization;
        const parsed = parseTimestampRequest(body);
        assert.equal(parsed.certReq, true);
        assert.ok(parsed.nonceDer);
        reply(res, tsa.respond(body));
      });
      await new HttpTimestamper(srv.url, { headers: { Authorization: 'Bearer s3cret' } }).timestamp(digest, 'sha256');
      assert.equal(seen, 'Bearer s3cret');
    });

    it('sends credentials in the URL as HTTP Basic authentication', async () => {
      let seen: string | undefined;
      srv.handle((body, req, res) => {
        seen = req.headers.authorization;
        reply(res, tsa.respond(body));
      });
      await new HttpTimestamper(srv.url.replace('http://', 'http://alice:pa%40ss@')).timestamp(digest, 'sha256');
      assert.equal(seen, `Basic ${Buffer.from('alice:pa@ss').toString('base64')}`);
    });

    it('throws TSA_FAILED naming the status for an HTTP 500, without leaking secrets', async () => {
      srv.handle((_b, _q, res) => reply(res, Buffer.from('oops'), 'text/plain', 500));
      const url = srv.url.replace('http://', 'http://user:pw@') + '?apikey=k3y';
      await assert.rejects(
        new HttpTimestamper(url, { headers: { Authorization: 'Bearer s3cret' } }).timestamp(digest, 'sha256'),
        (e) => {
          assert.ok(isSignetError(e, 'TSA_FAILED'));
          assert.match(e.message, /HTTP 500/);
          assert.doesNotMatch(e.message, /s3cret|k3y|pw@/);
          return true;
        },
      );
    });

    it('throws TSA_FAILED for garbage served as a timestamp-reply', async () => {
      srv.handle((_b, _q, res) => reply(res, Buffer.from('<html>hello</html>')));
      await assert.rejects(new HttpTimestamper(srv.url).timestamp(digest, 'sha256'), (e) => isSignetError(e, 'TSA_FAILED') && /malformed/.test(e.message));
    });

    it('throws TSA_FAILED for a wrong content type', async () => {
      srv.handle((body, _q, res) => reply(res, tsa.respond(body), 'text/html'));
      await assert.rejects(new HttpTimestamper(srv.url).timestamp(digest, 'sha256'), (e) => isSignetError(e, 'TSA_FAILED') && /content type "text\/html"/.test(e.message));
    });

    it('throws TSA_FAILED with the failInfo when the TSA rejects the request', async () => {
      const picky = new TimestampAuthority({ certificate: testPki().tsa.certificate, privateKey: testPki().tsa.privateKey });
      srv.handle((body, _q, res) => reply(res, picky.respond(body.subarray(0, 5))));
      await assert.rejects(new HttpTimestamper(srv.url).timestamp(digest, 'sha256'), (e) => isSignetError(e, 'TSA_FAILED') && /status 2 \(failInfo badDataFormat/.test(e.message));
    });

    it('throws TSA_FAILED when the token does not echo the nonce', async () => {
      srv.handle((_b, _q, res) => reply(res, grantedResponse(tsa.issueToken(digest, 'sha256', { nonce: Uint8Array.of(1, 2, 3) }))));
      await assert.rejects(new HttpTimestamper(srv.url).timestamp(digest, 'sha256'), (e) => isSignetError(e, 'TSA_FAILED') && /nonce/.test(e.message));
    });

    it('throws TSA_FAILED when the token stamps another imprint', async () => {
      srv.handle((body, _q, res) => {
        const req = parseTimestampRequest(body);
        const nonce = Buffer.from(req.nonceDer!.subarray(2));
        reply(res, grantedResponse(tsa.issueToken(createHash('sha256').update('other').digest(), 'sha256', { nonce })));
      });
      await assert.rejects(new HttpTimestamper(srv.url).timestamp(digest, 'sha256'), (e) => isSignetError(e, 'TSA_FAILED') && /another message imprint/.test(e.message));
    });

    it('throws TSA_FAILED after the timeout when the server does not answer', async () => {
      srv.handle(() => {});
      await assert.rejects(new HttpTimestamper(srv.url, { timeoutMs: 200 }).timestamp(digest, 'sha256'), (e) => isSignetError(e, 'TSA_FAILED') && /within 200 ms/.test(e.message));
    });

    it('throws TSA_FAILED when nothing listens', async () => {
      const url = srv.url.replace(/:\d+/, ':1');
      await assert.rejects(new HttpTimestamper(url).timestamp(digest, 'sha256'), (e) => isSignetError(e, 'TSA_FAILED') && /network error/.test(e.message));
    });

    it('refuses a non-http URL with INVALID_ARGUMENT', () => {
      assert.throws(() => new HttpTimestamper('ftp://example.com/tsa'), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });
  });
});
