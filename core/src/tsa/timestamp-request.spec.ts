import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { buildTimestampRequest, parseTimestampRequest } from './timestamp-request.js';

const digest = createHash('sha256').update('x').digest();

describe('tsa', () => {
  describe('buildTimestampRequest()', () => {
    it('round-trips through parseTimestampRequest()', () => {
      const req = parseTimestampRequest(buildTimestampRequest(digest, 'sha256', { nonce: Uint8Array.of(0x80, 1), policy: '1.2.3.4' }));
      assert.equal(req.version, 1);
      assert.equal(req.hash, 'sha256');
      assert.deepEqual(Buffer.from(req.hashedMessage), digest);
      assert.equal(req.policy, '1.2.3.4');
      assert.equal(Buffer.from(req.nonceDer!).toString('hex'), '0203008001');
      assert.equal(req.certReq, true);
    });

    it('omits certReq when false, as DER requires for a DEFAULT FALSE field', () => {
      assert.equal(parseTimestampRequest(buildTimestampRequest(digest, 'sha256', { certReq: false })).certReq, false);
    });

    it('rejects a digest of the wrong length with INVALID_ARGUMENT', () => {
      assert.throws(() => buildTimestampRequest(digest, 'sha1'), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });

    describe('with openssl', () => {
      let tmp: ReturnType<typeof tempDir>;
      before(function () {
        requireTool(this, 'openssl', 'openssl');
        tmp = tempDir();
      });
      after(() => tmp?.cleanup());

      it('writes a request that openssl ts -query -text reads', () => {
        const file = join(tmp.dir, 'req.tsq');
        writeFileSync(file, buildTimestampRequest(digest, 'sha256', { nonce: Uint8Array.of(0x12, 0x34) }));
        const r = run('openssl', ['ts', '-query', '-in', file, '-text']);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /Hash Algorithm: sha256/);
        assert.match(r.stdout, /Nonce: 0x1234/);
        assert.match(r.stdout, /Certificate required: yes/);
      });
    });
  });

  describe('parseTimestampRequest()', () => {
    it('throws REQUEST_MALFORMED for bytes that are not a TimeStampReq', () => {
      assert.throws(() => parseTimestampRequest(Buffer.from('hello')), (e) => isSignetError(e, 'REQUEST_MALFORMED'));
    });
  });
});
