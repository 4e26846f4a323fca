import assert from 'node:assert/strict';
import { InMemoryNonceStore } from './nonce-store.js';

describe('InMemoryNonceStore', () => {
  it('lets a key be claimed once until it expires, then again', async () => {
    let t = 1_000_000;
    const store = new InMemoryNonceStore(() => t);
    assert.equal(await store.claim('app:n1', new Date(t + 1000)), true);
    assert.equal(await store.claim('app:n1', new Date(t + 1000)), false);
    assert.equal(await store.claim('app:n2', new Date(t + 1000)), true);
    t += 1000;
    assert.equal(await store.claim('app:n1', new Date(t + 1000)), true);
  });

  it('gives exactly one of two concurrent claims of a key', async () => {
    const store = new InMemoryNonceStore();
    const until = new Date(Date.now() + 60_000);
    const results = await Promise.all([store.claim('k', until), store.claim('k', until)]);
    assert.deepEqual(results.sort(), [false, true]);
  });

  it('sweeps expired keys, so memory follows the window and not the traffic', async () => {
    let t = 0;
    const store = new InMemoryNonceStore(() => t);
    for (let i = 0; i < 100; i++) await store.claim(`k${i}`, new Date(t + 10));
    assert.equal(store.size, 100);
    t += 60_000;
    await store.claim('fresh', new Date(t + 10));
    assert.equal(store.size, 1);
  });
});
