import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isSignetError, type StoredRecord } from '@signet/core';
import { tempDir } from '@signet/test-support';
import { MasterKey } from './master-key.js';
import { openStorage } from './open-storage.js';

describe('storage/openStorage', () => {
  it('opens records, blobs and the field cipher under the data directory, and they persist', async () => {
    const { dir, cleanup } = tempDir('signet-open-storage-');
    try {
      const masterKey = MasterKey.load(dir, undefined, true);
      const a = await openStorage({ dataDir: dir, masterKey });
      const id = await a.blobs.put(Buffer.from('%PDF-1.7 合同'));
      await a.records.collection<StoredRecord & { blob: string; idNumber: string }>({ name: 'docs' })
        .insert({ id: 'd1', blob: id, idNumber: a.cipher.encrypt('11010519491231002X', 'idNumber') });
      await assert.rejects(openStorage({ dataDir: dir, masterKey }), (e) => isSignetError(e, 'STORE_LOCKED'));
      await a.close();
      assert.ok(existsSync(join(dir, 'records', 'store.json')));
      assert.ok(existsSync(join(dir, 'blobs', id.slice(0, 2), id.slice(2, 4), id)));
      const b = await openStorage({ dataDir: dir, masterKey: MasterKey.load(dir) });
      const d = (await b.records.collection<StoredRecord & { blob: string; idNumber: string }>({ name: 'docs' }).get('d1'))!;
      assert.equal(Buffer.from(await b.blobs.get(d.blob)).toString(), '%PDF-1.7 合同');
      assert.equal(b.cipher.decrypt(d.idNumber, 'idNumber'), '11010519491231002X');
      await b.close();
    } finally {
      cleanup();
    }
  });
});
