import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { writeOp, type StoredRecord } from '../ports/record-store.js';
import { InMemoryRecordStore } from './in-memory-record-store.js';

interface Doc extends StoredRecord { tenant: string; bizNo?: string; tags: string[] }

describe('testing/InMemoryRecordStore', () => {
  const open = () => {
    const store = new InMemoryRecordStore();
    const docs = store.collection<Doc>({
      name: 'docs',
      unique: { bizNo: (d) => (d.bizNo ? `${d.tenant}:${d.bizNo}` : undefined) },
      indexes: { tenant: (d) => d.tenant, tag: (d) => d.tags },
      shard: (d) => d.tenant,
    });
    return { store, docs };
  };

  it('inserts at version 1, updates with the expected version, and refuses a stale one', async () => {
    const { docs } = open();
    const a = await docs.insert({ id: 'a', tenant: 't1', tags: [] });
    assert.equal(a.version, 1);
    const b = await docs.update({ ...a, tags: ['x'] }, 1);
    assert.equal(b.version, 2);
    await assert.rejects(docs.update({ ...a, tags: ['y'] }, 1), (e) => isSignetError(e, 'VERSION_CONFLICT'));
    assert.deepEqual((await docs.get('a'))!.tags, ['x']);
  });

  it('keeps unique keys unique and indexes multi-valued keys', async () => {
    const { docs } = open();
    await docs.insert({ id: 'a', tenant: 't1', bizNo: 'B1', tags: ['x', 'y'] });
    await assert.rejects(docs.insert({ id: 'b', tenant: 't1', bizNo: 'B1', tags: [] }), (e) => isSignetError(e, 'DUPLICATE') && e.details?.existingId === 'a');
    await docs.insert({ id: 'c', tenant: 't2', bizNo: 'B1', tags: ['y'] });
    assert.equal((await docs.getBy('bizNo', 't2:B1'))!.id, 'c');
    assert.deepEqual((await docs.find('tag', 'y')).map((d) => d.id), ['a', 'c']);
    assert.equal(await docs.count('tenant', 't1'), 1);
  });

  it('applies a batch all or nothing', async () => {
    const { store, docs } = open();
    const a = await docs.insert({ id: 'a', tenant: 't1', tags: [] });
    await assert.rejects(store.transact([
      writeOp.update(docs, { ...a, tags: ['changed'] }, 1),
      writeOp.insert(docs, { id: 'a', tenant: 't1', tags: [] }),
    ]), (e) => isSignetError(e, 'DUPLICATE'));
    assert.deepEqual((await docs.get('a'))!.tags, []);
    await assert.rejects(store.transact([writeOp.insert(docs, { id: 'x', tenant: 't1', tags: [] }), writeOp.insert(docs, { id: 'y', tenant: 't2', tags: [] })]), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
  });

  it('returns copies: mutating a result changes nothing stored', async () => {
    const { docs } = open();
    const a = await docs.insert({ id: 'a', tenant: 't1', tags: ['x'] });
    a.tags.push('mutated');
    assert.deepEqual((await docs.get('a'))!.tags, ['x']);
  });
});
