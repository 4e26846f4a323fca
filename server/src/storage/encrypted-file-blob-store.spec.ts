import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSignetError } from '@signet/core';
import { tempDir } from '@signet/test-support';
import { EncryptedFileBlobStore } from './encrypted-file-blob-store.js';
import { MasterKey } from './master-key.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('storage/EncryptedFileBlobStore', function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => void;
  let key: MasterKey;
  let store: EncryptedFileBlobStore;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n% 合同 contract\n'), randomBytes(200_000), Buffer.from('\n%%EOF\n')]);

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir('signet-blobs-'));
    key = MasterKey.load(dir, undefined, true);
    store = await EncryptedFileBlobStore.open({ dir: join(dir, 'blobs'), masterKey: key });
  });
  afterEach(() => cleanup());

  it('stores bytes under the SHA-256 of the plaintext at blobs/ab/cd/<id> and reads them back', async () => {
    const id = await store.put(pdf);
    assert.equal(id, sha(pdf));
    const path = join(dir, 'blobs', id.slice(0, 2), id.slice(2, 4), id);
    assert.equal(store.pathOf(id), path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.ok(await store.has(id));
    assert.deepEqual(Buffer.from(await store.get(id)), pdf);
    assert.equal(await store.has(sha(Buffer.from('other'))), false);
  });

  it('encrypts at rest: the file holds neither the plaintext nor any long run of it', async () => {
    const text = Buffer.from('甲方：上海示例科技有限公司 身份证号 11010519491231002X '.repeat(50));
    const id = await store.put(text);
    const file = readFileSync(store.pathOf(id));
    assert.equal(file.subarray(0, 4).toString(), 'SGNB');
    assert.equal(file.length, text.length + 78 + 16);
    assert.equal(file.indexOf(Buffer.from('上海示例')), -1);
    assert.equal(file.indexOf(Buffer.from('11010519491231002X')), -1);
    assert.equal(file.indexOf(text.subarray(100, 116)), -1);
  });

  it('uses a fresh data key per file (一文一密): the same bytes in two stores give unrelated files', async () => {
    const other = await EncryptedFileBlobStore.open({ dir: join(dir, 'blobs2'), masterKey: key });
    const id = await store.put(pdf);
    assert.equal(await other.put(pdf), id);
    const a = readFileSync(store.pathOf(id));
    const b = readFileSync(other.pathOf(id));
    assert.notDeepEqual(a.subarray(6, 78), b.subarray(6, 78), 'wrapped key and IV differ');
    assert.notDeepEqual(a.subarray(78, 200), b.subarray(78, 200), 'ciphertexts differ');
  });

  it('detects tampering: a flipped ciphertext bit, a changed tag, a swapped file or another master key give INTERNAL', async () => {
    const id = await store.put(pdf);
    const small = await store.put(Buffer.from('seal image'));
    const path = store.pathOf(id);
    const good = readFileSync(path);
    const isTampered = (e: unknown) => isSignetError(e, 'INTERNAL') && /failed authentication/.test(e.message);
    for (const at of [10, 70, 1000, good.length - 3]) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x01;
      writeFileSync(path, bad);
      await assert.rejects(store.get(id), isTampered, `byte ${at}`);
    }
    writeFileSync(path, good.subarray(0, 50));
    await assert.rejects(store.get(id), isTampered);
    copyFileSync(store.pathOf(small), path); // a valid file of another blob under this id
    await assert.rejects(store.get(id), isTampered);
    writeFileSync(path, good);
    const stranger = MasterKey.load(join(dir, 'elsewhere'), randomBytes(32).toString('base64'));
    const foreign = await EncryptedFileBlobStore.open({ dir: join(dir, 'blobs'), masterKey: stranger });
    await assert.rejects(foreign.get(id), isTampered);
    assert.deepEqual(Buffer.from(await store.get(id)), pdf);
  });

  it('treats a second put of the same bytes as a no-op and survives concurrent puts of them', async () => {
    const id = await store.put(pdf);
    const path = store.pathOf(id);
    const before = readFileSync(path);
    assert.equal(await store.put(pdf), id);
    assert.deepEqual(readFileSync(path), before, 'the stored file was not rewritten');
    const other = await EncryptedFileBlobStore.open({ dir: join(dir, 'blobs'), masterKey: key });
    const img = randomBytes(300_000);
    const ids = await Promise.all([...Array.from({ length: 5 }, () => store.put(img)), ...Array.from({ length: 5 }, () => other.putStream([img]))]);
    assert.deepEqual(new Set(ids), new Set([sha(img)]));
    assert.deepEqual(Buffer.from(await store.get(sha(img))), img);
    assert.deepEqual(readdirSync(join(dir, 'blobs', 'tmp')), [], 'no temp file is left behind');
  });

  it('refuses ids that are not 64 lower-case hex digits, so no id can reach another path', async () => {
    await store.put(pdf);
    writeFileSync(join(dir, 'secret.txt'), 'top secret');
    for (const id of ['../../secret.txt', `${sha(pdf).slice(0, 62)}/.`, sha(pdf).toUpperCase(), `${sha(pdf)}\u0000`, '', 'ab/cd/ef']) {
      await assert.rejects(store.get(id), (e) => isSignetError(e, 'INVALID_ARGUMENT'), JSON.stringify(id));
      await assert.rejects(store.has(id), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    }
    await assert.rejects(store.get(sha(Buffer.from('never stored'))), (e) => isSignetError(e, 'NOT_FOUND'));
  });

  it('streams a 50 MB file in and out in 1 MiB chunks with the same id as put', async () => {
    const big = randomBytes(50 * 1024 * 1024);
    const chunks = function* () {
      for (let off = 0; off < big.length; off += 64 * 1024) yield big.subarray(off, off + 64 * 1024);
    };
    const id = await store.putStream(chunks());
    assert.equal(id, sha(big));
    const h = createHash('sha256');
    let n = 0;
    for await (const part of store.stream(id)) {
      assert.ok(part.length <= 1 << 20);
      h.update(part);
      n += part.length;
    }
    assert.equal(n, big.length);
    assert.equal(h.digest('hex'), id);
    assert.deepEqual(Buffer.from(await store.get(id)).subarray(-100), big.subarray(-100));
    const path = store.pathOf(id);
    const bad = readFileSync(path);
    bad[40 * 1024 * 1024] ^= 0x80;
    writeFileSync(path, bad);
    let drained = 0;
    await assert.rejects((async () => { for await (const part of store.stream(id)) drained += part.length; })(), (e) => isSignetError(e, 'INTERNAL'));
    assert.equal(drained, big.length, 'the damage is found at the end, when GCM checks the tag');
  });

  it('removes stale temp files of crashed puts at open and keeps fresh ones of puts in flight', async () => {
    const tmp = join(dir, 'blobs', 'tmp');
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'old.tmp'), 'half a file');
    writeFileSync(join(tmp, 'new.tmp'), 'being written');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(tmp, 'old.tmp'), old, old);
    await EncryptedFileBlobStore.open({ dir: join(dir, 'blobs'), masterKey: key });
    assert.deepEqual(readdirSync(tmp), ['new.tmp']);
  });
});
