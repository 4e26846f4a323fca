import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { InMemoryRecordStore, SequentialIdGenerator } from '@signet/core/testing';
import { MasterKey } from '../storage/master-key.js';
import { RecordAppCredentialStore, type AppRecord } from './app-credential-store.js';

describe('RecordAppCredentialStore', () => {
  const key = () => MasterKey.load('/nonexistent', randomBytes(32).toString('base64'));

  it('returns the secret once at registration and stores it sealed, never in clear', async () => {
    const records = new InMemoryRecordStore();
    const store = new RecordAppCredentialStore(records, key());
    const issued = await store.register({ enterpriseId: 'ent_a', name: 'OA' });
    assert.match(issued.appId, /^app_/);
    assert.match(issued.secret, /^sk_[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(await records.collection<AppRecord>({ name: 'auth_apps' }).scan());
    assert.ok(!stored.includes(issued.secret), 'the stored record holds the secret in clear');
    assert.ok(!stored.includes(issued.secret.slice(3)), 'the stored record holds the secret in clear');
    const found = await store.lookup(issued.appId);
    assert.equal(Buffer.from(found!.key).toString('utf8'), issued.secret);
    assert.equal(found!.enterpriseId, 'ent_a');
  });

  it('cannot open a secret under another master key', async () => {
    const records = new InMemoryRecordStore();
    const issued = await new RecordAppCredentialStore(records, key()).register({ enterpriseId: 'ent_a', name: 'OA' });
    await assert.rejects(new RecordAppCredentialStore(records, key()).lookup(issued.appId), /failed authentication/);
  });

  it('binds a sealed secret to its appId: moved to another app, it does not open', async () => {
    const records = new InMemoryRecordStore();
    const store = new RecordAppCredentialStore(records, key());
    const a = await store.register({ enterpriseId: 'ent_a', name: 'A' });
    const b = await store.register({ enterpriseId: 'ent_b', name: 'B' });
    const apps = records.collection<AppRecord>({ name: 'auth_apps' });
    const ra = (await apps.get(a.appId))!;
    const rb = (await apps.get(b.appId))!;
    await apps.update({ ...rb, sealedSecret: ra.sealedSecret }, rb.version);
    await assert.rejects(new RecordAppCredentialStore(records, key()).lookup(b.appId));
    await assert.rejects(store.lookup(b.appId), /failed authentication/);
  });

  it('hides disabled apps from lookup and lists an enterprise\'s apps without secrets', async () => {
    const store = new RecordAppCredentialStore(new InMemoryRecordStore(), key(), { ids: new SequentialIdGenerator() });
    const a = await store.register({ enterpriseId: 'ent_a', name: 'A' });
    await store.register({ enterpriseId: 'ent_b', name: 'B' });
    await store.setStatus(a.appId, 'disabled');
    assert.equal(await store.lookup(a.appId), undefined);
    const list = await store.list('ent_a');
    assert.deepEqual(list.map((x) => [x.appId, x.status]), [[a.appId, 'disabled']]);
    assert.ok(!('secret' in list[0]) && !('sealedSecret' in list[0]));
  });

  it('rotates a secret: lookup returns the new key at once', async () => {
    const store = new RecordAppCredentialStore(new InMemoryRecordStore(), key());
    const a = await store.register({ enterpriseId: 'ent_a', name: 'A' });
    await store.lookup(a.appId);
    const r = await store.rotateSecret(a.appId);
    assert.notEqual(r.secret, a.secret);
    assert.equal(Buffer.from((await store.lookup(a.appId))!.key).toString('utf8'), r.secret);
  });
});
