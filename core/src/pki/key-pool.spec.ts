import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { KeyPool } from './key-pool.js';
import { generateKeyPair, keyKindOf } from './keys.js';

describe('pki/KeyPool', () => {
  it('refills up to the target off the main thread', async () => {
    const pool = new KeyPool('ecdsa-p256', { target: 5, autoRefill: false });
    assert.equal(pool.size, 0);
    await pool.refill();
    assert.equal(pool.size, 5);
  });

  it('shares one run between concurrent refills', async () => {
    const pool = new KeyPool('ecdsa-p256', { target: 3, autoRefill: false });
    const a = pool.refill();
    const b = pool.refill();
    assert.equal(a, b);
    await a;
    assert.equal(pool.size, 3);
  });

  it('takes pooled keys first, then generates when empty', async () => {
    const pool = new KeyPool('rsa-2048', { target: 2, autoRefill: false });
    await pool.refill();
    const pooled = [pool.take(), pool.take()];
    assert.equal(pool.size, 0);
    const fresh = pool.take();
    for (const k of [...pooled, fresh]) {
      assert.equal(keyKindOf(k.privateKey), 'rsa-2048');
      assert.equal(k.publicKey.type, 'public');
    }
    assert.notDeepEqual(pooled[0].publicKey.export({ type: 'spki', format: 'der' }), pooled[1].publicKey.export({ type: 'spki', format: 'der' }));
  });

  it('refills in the background after a take leaves it below half', async () => {
    const pool = new KeyPool('ecdsa-p256', { target: 4 });
    pool.take();
    await pool.refill();
    assert.equal(pool.size, 4);
  });

  it('exports and imports the pool as PKCS#8 PEM', async () => {
    const pool = new KeyPool('ecdsa-p256', { target: 3, autoRefill: false });
    await pool.refill();
    const pems = pool.exportPem();
    assert.equal(pems.length, 3);
    assert.ok(pems.every((p) => p.startsWith('-----BEGIN PRIVATE KEY-----')));
    const restored = new KeyPool('ecdsa-p256', { target: 3, autoRefill: false });
    restored.importPem(pems);
    assert.equal(restored.size, 3);
    assert.equal(restored.take().privateKey.export({ type: 'pkcs8', format: 'pem' }), pems[0]);
  });

  it('refuses keys of another kind (KEY_UNSUPPORTED) and adds none of the batch', () => {
    const pool = new KeyPool('rsa-2048', { autoRefill: false });
    const ok = String(generateKeyPair('rsa-2048').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const ec = String(generateKeyPair('ecdsa-p256').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    assert.throws(() => pool.importPem([ok, ec]), (e) => isSignetError(e, 'KEY_UNSUPPORTED'));
    assert.equal(pool.size, 0);
    assert.throws(() => pool.importPem(['not a key']), (e) => isSignetError(e, 'CERT_INVALID'));
  });

  it('rejects an unknown key kind', () => {
    assert.throws(() => new KeyPool('rsa-1024' as never), (e) => isSignetError(e, 'KEY_UNSUPPORTED'));
  });
});
