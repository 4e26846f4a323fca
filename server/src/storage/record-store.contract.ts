/**
 * The RecordStore contract-test suite: the same behavioural tests for every adapter (in-memory,
 * lowdb, PostgreSQL), so that they behave alike. Call {@link recordStoreContract} from a spec file.
 *
 * Records in these tests are plain JSON data: adapters that persist store JSON, so a record must not
 * hold Dates, Maps or byte arrays.
 */
import assert from 'node:assert/strict';
import { isSignetError, writeOp, type Collection, type RecordStore, type StoredRecord } from '@signet/core';

/** How the suite opens stores of the adapter under test. */
export interface RecordStoreHarness {
  /** Opens a new, empty store. The suite closes it. */
  open(): Promise<RecordStore>;
  /**
   * Closes `store` and opens the same storage again, for the persistence tests. Omit it for stores
   * that do not persist; those tests are then skipped.
   */
  reopen?(store: RecordStore): Promise<RecordStore>;
}

interface Doc extends StoredRecord {
  tenant: string;
  bizNo?: string;
  tags: string[];
  title?: string;
}

interface Event extends StoredRecord {
  doc: string;
  tenant: string;
  seq: number;
}

const docsSpec = {
  name: 'docs',
  unique: { bizNo: (d: Doc) => (d.bizNo ? `${d.tenant}:${d.bizNo}` : undefined) },
  indexes: { tenant: (d: Doc) => d.tenant, tag: (d: Doc) => d.tags },
  shard: (d: Doc) => d.tenant,
};

const eventsSpec = {
  name: 'events',
  indexes: { doc: (e: Event) => e.doc },
  shard: (e: Event) => e.tenant,
};

function open(store: RecordStore): { docs: Collection<Doc>; events: Collection<Event> } {
  return { docs: store.collection<Doc>(docsSpec), events: store.collection<Event>(eventsSpec) };
}

const code = (c: string) => (e: unknown) => isSignetError(e) && e.code === c;

/**
 * Defines a mocha suite `RecordStore contract: <name>` that checks versions, conflicts, unique
 * keys (with concurrent inserts), multi-valued indexes, paging, all-or-nothing batches, returned
 * copies and, when the harness can reopen, persistence.
 */
export function recordStoreContract(name: string, harness: RecordStoreHarness): void {
  describe(`RecordStore contract: ${name}`, function () {
    let store: RecordStore;
    let docs: Collection<Doc>;
    let events: Collection<Event>;

    beforeEach(async () => {
      store = await harness.open();
      ({ docs, events } = open(store));
    });
    afterEach(async () => {
      await store.close();
    });

    async function reopen(ctx: Mocha.Context): Promise<void> {
      if (!harness.reopen) {
        ctx.skip();
        return;
      }
      store = await harness.reopen(store);
      ({ docs, events } = open(store));
    }

    describe('versions', () => {
      it('inserts at version 1 whatever version the input carries', async () => {
        const a = await docs.insert({ id: 'a', tenant: 't1', tags: [], version: 7 });
        assert.equal(a.version, 1);
        assert.equal((await docs.get('a'))!.version, 1);
      });

      it('adds one to the version on every update and stores the new content', async () => {
        let a = await docs.insert({ id: 'a', tenant: 't1', tags: [] });
        for (let v = 1; v <= 3; v++) {
          a = await docs.update({ ...a, title: `v${v + 1}` }, v);
          assert.equal(a.version, v + 1);
        }
        assert.deepEqual(await docs.get('a'), { id: 'a', tenant: 't1', tags: [], title: 'v4', version: 4 });
      });

      it('answers undefined for an id that was never stored', async () => {
        assert.equal(await docs.get('nope'), undefined);
      });
    });

    describe('conflicts', () => {
      it('refuses an update with a stale version (VERSION_CONFLICT) and keeps the winner', async () => {
        const a = await docs.insert({ id: 'a', tenant: 't1', tags: [] });
        await docs.update({ ...a, title: 'first' }, 1);
        await assert.rejects(docs.update({ ...a, title: 'second' }, 1), code('VERSION_CONFLICT'));
        const now = (await docs.get('a'))!;
        assert.equal(now.title, 'first');
        assert.equal(now.version, 2);
      });

      it('lets exactly one of several concurrent updates from the same version win', async () => {
        const a = await docs.insert({ id: 'a', tenant: 't1', tags: [] });
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => docs.update({ ...a, title: `w${i}` }, a.version)));
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(isSignetError(r.reason, 'VERSION_CONFLICT'), String(r.reason));
        const stored = (await docs.get('a'))!;
        assert.equal(stored.version, 2);
        assert.equal(stored.title, (won[0] as PromiseFulfilledResult<Doc>).value.title);
      });

      it('answers NOT_FOUND when updating a record that does not exist', async () => {
        await assert.rejects(docs.update({ id: 'ghost', tenant: 't1', tags: [], version: 1 }, 1), code('NOT_FOUND'));
        assert.equal(await docs.get('ghost'), undefined);
      });
    });

    describe('unique keys', () => {
      it('refuses a second record with a taken id (DUPLICATE, existingId)', async () => {
        await docs.insert({ id: 'a', tenant: 't1', tags: ['x'] });
        await assert.rejects(docs.insert({ id: 'a', tenant: 't2', tags: [] }), (e) => isSignetError(e, 'DUPLICATE') && e.details?.existingId === 'a');
        assert.equal((await docs.get('a'))!.tenant, 't1');
      });

      it('refuses a taken unique key and names its holder, while records without the key do not take part', async () => {
        await docs.insert({ id: 'a', tenant: 't1', bizNo: 'B1', tags: [] });
        await assert.rejects(
          docs.insert({ id: 'b', tenant: 't1', bizNo: 'B1', tags: [] }),
          (e) => isSignetError(e, 'DUPLICATE') && e.details?.unique === 'bizNo' && e.details?.key === 't1:B1' && e.details?.existingId === 'a',
        );
        assert.equal(await docs.get('b'), undefined);
        await docs.insert({ id: 'c', tenant: 't2', bizNo: 'B1', tags: [] });
        await docs.insert({ id: 'n1', tenant: 't1', tags: [] });
        await docs.insert({ id: 'n2', tenant: 't1', tags: [] });
        assert.equal((await docs.getBy('bizNo', 't1:B1'))!.id, 'a');
        assert.equal((await docs.getBy('bizNo', 't2:B1'))!.id, 'c');
        assert.equal(await docs.getBy('bizNo', 't3:B1'), undefined);
      });

      it('frees the old key when an update changes it, and refuses an update onto a taken key', async () => {
        const a = await docs.insert({ id: 'a', tenant: 't1', bizNo: 'B1', tags: [] });
        await docs.insert({ id: 'b', tenant: 't1', bizNo: 'B2', tags: [] });
        await assert.rejects(docs.update({ ...a, bizNo: 'B2' }, 1), (e) => isSignetError(e, 'DUPLICATE') && e.details?.existingId === 'b');
        const a2 = await docs.update({ ...a, bizNo: 'B3' }, 1);
        assert.equal(await docs.getBy('bizNo', 't1:B1'), undefined);
        assert.equal((await docs.getBy('bizNo', 't1:B3'))!.id, 'a');
        await docs.insert({ id: 'c', tenant: 't1', bizNo: 'B1', tags: [] });
        assert.equal(a2.version, 2);
      });

      it('lets exactly one of many concurrent inserts of the same key win', async () => {
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => docs.insert({ id: `r${String(i).padStart(2, '0')}`, tenant: `t${i % 3}`, bizNo: 'SAME', tags: [] })));
        // Different tenants make different keys (t0:SAME, t1:SAME, t2:SAME): one winner each.
        const won = results.filter((r): r is PromiseFulfilledResult<Doc> => r.status === 'fulfilled').map((r) => r.value);
        assert.deepEqual(won.map((d) => d.tenant).sort(), ['t0', 't1', 't2']);
        for (const r of results) if (r.status === 'rejected') assert.ok(isSignetError(r.reason, 'DUPLICATE'), String(r.reason));
        for (const w of won) assert.equal((await docs.getBy('bizNo', `${w.tenant}:SAME`))!.id, w.id);
        assert.equal((await docs.scan()).length, 3);
      });

      it('answers INVALID_ARGUMENT for a unique key or index the collection does not have', async () => {
        await assert.rejects(docs.getBy('nope', 'x'), code('INVALID_ARGUMENT'));
        await assert.rejects(docs.find('nope', 'x'), code('INVALID_ARGUMENT'));
        await assert.rejects(docs.count('nope', 'x'), code('INVALID_ARGUMENT'));
      });

      it('refuses a collection name outside [a-z][a-z0-9_]*', () => {
        assert.throws(() => store.collection({ name: '../etc' }), code('INVALID_ARGUMENT'));
        assert.throws(() => store.collection({ name: 'Docs' }), code('INVALID_ARGUMENT'));
      });
    });

    describe('multi-valued indexes', () => {
      it('lists a record under each of its keys, ascending by id, counting duplicates once', async () => {
        await docs.insert({ id: 'b', tenant: 't1', tags: ['x', 'y', 'x'] });
        await docs.insert({ id: 'a', tenant: 't2', tags: ['y'] });
        await docs.insert({ id: 'c', tenant: 't1', tags: [] });
        assert.deepEqual((await docs.find('tag', 'x')).map((d) => d.id), ['b']);
        assert.deepEqual((await docs.find('tag', 'y')).map((d) => d.id), ['a', 'b']);
        assert.deepEqual(await docs.find('tag', 'z'), []);
        assert.equal(await docs.count('tag', 'y'), 2);
        assert.equal(await docs.count('tag', 'x'), 1);
        assert.equal(await docs.count('tenant', 't1'), 2);
        assert.equal(await docs.count('tenant', 'none'), 0);
      });

      it('moves a record between keys when an update changes them', async () => {
        const b = await docs.insert({ id: 'b', tenant: 't1', tags: ['x', 'y'] });
        await docs.update({ ...b, tenant: 't1', tags: ['y', 'z'] }, 1);
        assert.deepEqual(await docs.find('tag', 'x'), []);
        assert.equal(await docs.count('tag', 'x'), 0);
        assert.deepEqual((await docs.find('tag', 'z')).map((d) => d.id), ['b']);
        assert.deepEqual((await docs.find('tag', 'y')).map((d) => d.version), [2]);
      });
    });

    describe('paging', () => {
      beforeEach(async () => {
        for (const id of ['d07', 'd03', 'd10', 'd01', 'd05', 'd02', 'd09', 'd04', 'd08', 'd06']) {
          await docs.insert({ id, tenant: Number(id.slice(1)) % 2 ? 'odd' : 'even', tags: ['all'] });
        }
      });

      it('pages an index with limit and after, in ascending id order, without gaps or repeats', async () => {
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await docs.find('tag', 'all', { limit: 3, after });
          if (page.length === 0) break;
          assert.ok(page.length <= 3);
          seen.push(...page.map((d) => d.id));
          after = page[page.length - 1].id;
        }
        assert.deepEqual(seen, ['d01', 'd02', 'd03', 'd04', 'd05', 'd06', 'd07', 'd08', 'd09', 'd10']);
        assert.deepEqual((await docs.find('tenant', 'odd', { after: 'd03', limit: 2 })).map((d) => d.id), ['d05', 'd07']);
        assert.deepEqual((await docs.find('tenant', 'odd', { after: 'd035' })).map((d) => d.id), ['d05', 'd07', 'd09']);
        assert.deepEqual(await docs.find('tag', 'all', { limit: 0 }), []);
      });

      it('scans every record in ascending id order, in pages', async () => {
        const first = await docs.scan({ limit: 4 });
        assert.deepEqual(first.map((d) => d.id), ['d01', 'd02', 'd03', 'd04']);
        const rest = await docs.scan({ after: 'd04' });
        assert.deepEqual(rest.map((d) => d.id), ['d05', 'd06', 'd07', 'd08', 'd09', 'd10']);
        assert.equal((await docs.scan()).length, 10);
        assert.deepEqual(await docs.scan({ after: 'd10' }), []);
      });
    });

    describe('transact', () => {
      it('writes a batch over two collections of one shard and returns the records in order', async () => {
        const a = await docs.insert({ id: 'a', tenant: 't1', tags: [] });
        const out = await store.transact([
          writeOp.update(docs, { ...a, title: 'signed' }, 1),
          writeOp.insert(events, { id: 'e1', doc: 'a', tenant: 't1', seq: 1 }),
          writeOp.insert(events, { id: 'e2', doc: 'a', tenant: 't1', seq: 2 }),
        ]);
        assert.deepEqual(out.map((r) => [r.id, r.version]), [['a', 2], ['e1', 1], ['e2', 1]]);
        assert.equal((out[0] as Doc).title, 'signed');
        assert.deepEqual((await events.find('doc', 'a')).map((e) => e.seq), [1, 2]);
      });

      it('writes nothing when any write of the batch conflicts', async () => {
        const a = await docs.insert({ id: 'a', tenant: 't1', bizNo: 'B1', tags: [] });
        await docs.insert({ id: 'b', tenant: 't1', bizNo: 'B2', tags: [] });
        const attempts = [
          [writeOp.update(docs, { ...a, title: 'changed' }, 1), writeOp.insert(events, { id: 'e1', doc: 'a', tenant: 't1', seq: 1 }), writeOp.insert(docs, { id: 'a', tenant: 't1', tags: [] })],
          [writeOp.insert(events, { id: 'e1', doc: 'a', tenant: 't1', seq: 1 }), writeOp.update(docs, { ...a, title: 'changed' }, 5)],
          [writeOp.insert(events, { id: 'e1', doc: 'a', tenant: 't1', seq: 1 }), writeOp.insert(docs, { id: 'c', tenant: 't1', bizNo: 'B2', tags: [] })],
          [writeOp.insert(docs, { id: 'c', tenant: 't1', bizNo: 'B9', tags: [] }), writeOp.insert(docs, { id: 'd', tenant: 't1', bizNo: 'B9', tags: [] })],
          [writeOp.insert(events, { id: 'e1', doc: 'a', tenant: 't1', seq: 1 }), writeOp.update(docs, { id: 'ghost', tenant: 't1', tags: [], version: 1 }, 1)],
        ];
        const codes = ['DUPLICATE', 'VERSION_CONFLICT', 'DUPLICATE', 'DUPLICATE', 'NOT_FOUND'];
        for (const [i, ops] of attempts.entries()) await assert.rejects(store.transact(ops), code(codes[i]), `batch ${i}`);
        const now = (await docs.get('a'))!;
        assert.equal(now.version, 1);
        assert.equal(now.title, undefined);
        assert.equal(await events.get('e1'), undefined);
        assert.equal(await docs.get('c'), undefined);
        assert.equal(await docs.getBy('bizNo', 't1:B9'), undefined);
        assert.equal(await docs.count('tenant', 't1'), 2);
      });

      it('refuses a batch that spans two shard keys (INVALID_ARGUMENT) before writing anything', async () => {
        await assert.rejects(store.transact([
          writeOp.insert(docs, { id: 'x', tenant: 't1', tags: [] }),
          writeOp.insert(docs, { id: 'y', tenant: 't2', tags: [] }),
        ]), code('INVALID_ARGUMENT'));
        assert.equal(await docs.get('x'), undefined);
        assert.equal(await docs.get('y'), undefined);
      });

      it('lets exactly one of two concurrent batches on the same record win', async () => {
        const a = await docs.insert({ id: 'a', tenant: 't1', tags: [] });
        const results = await Promise.allSettled([1, 2].map((n) => store.transact([
          writeOp.update(docs, { ...a, title: `batch ${n}` }, 1),
          writeOp.insert(events, { id: `e${n}`, doc: 'a', tenant: 't1', seq: n }),
        ])));
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const stored = (await docs.get('a'))!;
        const winner = stored.title === 'batch 1' ? 1 : 2;
        assert.deepEqual((await events.find('doc', 'a')).map((e) => e.id), [`e${winner}`]);
      });
    });

    describe('returned copies', () => {
      it('keeps the store unchanged when a caller mutates what it passed in or got back', async () => {
        const input: Omit<Doc, 'version'> = { id: 'a', tenant: 't1', tags: ['x'] };
        const inserted = await docs.insert(input);
        input.tags.push('from-input');
        inserted.tags.push('from-insert');
        (await docs.get('a'))!.tags.push('from-get');
        (await docs.getBy('bizNo', 'none'))?.tags.push('never');
        (await docs.find('tag', 'x'))[0].tags.push('from-find');
        (await docs.scan())[0].tags.push('from-scan');
        const [t] = await store.transact([writeOp.update(docs, { ...inserted, tags: ['y'] }, 1)]);
        (t as Doc).tags.push('from-transact');
        const updated = (await docs.get('a'))!;
        assert.deepEqual(updated.tags, ['y']);
        updated.tags.push('from-get-again');
        assert.deepEqual((await docs.get('a'))!.tags, ['y']);
        assert.deepEqual((await docs.find('tag', 'y'))[0].tags, ['y']);
        assert.deepEqual(await docs.find('tag', 'from-transact'), []);
      });
    });

    describe('reopening', () => {
      it('keeps records, versions, unique keys, indexes and batches across a close and reopen', async function () {
        let a = await docs.insert({ id: 'a', tenant: 't1', bizNo: 'B1', tags: ['x', 'y'], title: '合同 Contract' });
        a = await docs.update({ ...a, tags: ['y', 'z'] }, 1);
        await docs.insert({ id: 'b', tenant: 't2', bizNo: 'B1', tags: ['z'] });
        await store.transact([writeOp.update(docs, { ...a, title: '已签 signed' }, 2), writeOp.insert(events, { id: 'e1', doc: 'a', tenant: 't1', seq: 1 })]);
        await reopen(this);
        const got = (await docs.get('a'))!;
        assert.deepEqual(got, { id: 'a', tenant: 't1', bizNo: 'B1', tags: ['y', 'z'], title: '已签 signed', version: 3 });
        assert.equal((await docs.getBy('bizNo', 't1:B1'))!.id, 'a');
        assert.deepEqual((await docs.find('tag', 'z')).map((d) => d.id), ['a', 'b']);
        assert.deepEqual(await docs.find('tag', 'x'), []);
        assert.equal((await events.get('e1'))!.doc, 'a');
        await assert.rejects(docs.insert({ id: 'c', tenant: 't1', bizNo: 'B1', tags: [] }), code('DUPLICATE'));
        await assert.rejects(docs.update({ ...got, title: 'stale' }, 2), code('VERSION_CONFLICT'));
        assert.equal((await docs.update({ ...got, title: 'after reopen' }, 3)).version, 4);
      });

      it('keeps many records written concurrently across a reopen', async function () {
        await Promise.all(Array.from({ length: 200 }, (_, i) => docs.insert({ id: `m${String(i).padStart(3, '0')}`, tenant: `t${i % 7}`, tags: [`g${i % 5}`] })));
        await reopen(this);
        assert.equal((await docs.scan()).length, 200);
        assert.equal(await docs.count('tag', 'g0'), 40);
        assert.equal(await docs.count('tenant', 't3'), 29);
      });
    });
  });
}
