import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isSignetError, type StoredRecord } from '@signet/core';
import { requireTool, run, tempDir } from '@signet/test-support';
import { LowdbRecordStore } from './lowdb-record-store.js';
import { recordStoreContract } from './record-store.contract.js';

interface Doc extends StoredRecord { tenant: string; n?: number; body?: string; blob?: unknown }

/** Every shard file under `dir`, parsed with JSON.parse. */
function shardFiles(dir: string): { path: string; doc: { records: [string, string, StoredRecord][] } }[] {
  const out = [];
  const root = join(dir, 'shards');
  for (const sub of readdirSync(root)) {
    for (const name of readdirSync(join(root, sub))) {
      const path = join(root, sub, name);
      out.push({ path, doc: JSON.parse(readFileSync(path, 'utf8')) });
    }
  }
  return out;
}

describe('storage/LowdbRecordStore', function () {
  const dirs: (() => void)[] = [];
  const fresh = () => {
    const t = tempDir('signet-lowdb-');
    dirs.push(t.cleanup);
    return t.dir;
  };
  after(() => dirs.forEach((c) => c()));

  const dirOf = new WeakMap<object, string>();
  recordStoreContract('LowdbRecordStore', {
    async open() {
      const dir = fresh();
      const s = await LowdbRecordStore.open({ dir, shards: 8 });
      dirOf.set(s, dir);
      return s;
    },
    async reopen(store) {
      const dir = dirOf.get(store)!;
      await store.close();
      const s = await LowdbRecordStore.open({ dir });
      dirOf.set(s, dir);
      return s;
    },
  });

  describe('files', () => {
    it('puts every collection\'s records of one shard key in one file, one record per line, and each file parses', async () => {
      const dir = fresh();
      const store = await LowdbRecordStore.open({ dir, shards: 64 });
      const docs = store.collection<Doc>({ name: 'docs', shard: (d) => d.tenant });
      const events = store.collection<Doc>({ name: 'events', shard: (d) => d.tenant });
      for (let i = 0; i < 20; i++) {
        await docs.insert({ id: `d${i}`, tenant: 'acme' });
        await events.insert({ id: `e${i}`, tenant: 'acme' });
      }
      await docs.insert({ id: 'other', tenant: 'globex' });
      await store.close();
      const files = shardFiles(dir);
      const acme = files.filter((f) => f.doc.records.some((r) => r[2].id === 'd0'));
      assert.equal(acme.length, 1);
      assert.equal(acme[0].doc.records.filter((r) => (r[2] as Doc).tenant === 'acme').length, 40);
      assert.deepEqual(new Set(acme[0].doc.records.map((r) => r[0])), new Set(['docs', 'events']));
      const text = readFileSync(acme[0].path, 'utf8');
      assert.equal(text.split('\n').length, 40 + (files.length === 1 ? 1 : 0) + 3);
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8')).shards, 64);
      assert.equal(existsSync(join(dir, 'LOCK')), false);
    });

    it('keeps the shard count of an existing store whatever the caller asks', async () => {
      const dir = fresh();
      const a = await LowdbRecordStore.open({ dir, shards: 32 });
      await a.close();
      const b = await LowdbRecordStore.open({ dir, shards: 1024 });
      assert.equal(b.stats().shards, 32);
      await b.close();
      await assert.rejects(LowdbRecordStore.open({ dir: fresh(), shards: 1000 }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /power of two/.test(e.message));
    });

    it('reads a shard file that was pretty-printed by hand', async () => {
      const dir = fresh();
      const a = await LowdbRecordStore.open({ dir, shards: 1 });
      await a.collection<Doc>({ name: 'docs' }).insert({ id: 'x', tenant: '张三' });
      await a.close();
      const [f] = shardFiles(dir);
      writeFileSync(f.path, JSON.stringify(f.doc, null, 2));
      const b = await LowdbRecordStore.open({ dir });
      const docs = b.collection<Doc>({ name: 'docs' });
      assert.deepEqual(await docs.get('x'), { id: 'x', tenant: '张三', version: 1 });
      await docs.update({ id: 'x', tenant: '李四', version: 1 }, 1);
      await b.close();
      assert.equal(shardFiles(dir)[0].doc.records[0][2].version, 2);
    });

    it('refuses to open a damaged shard file with a message that says to restore it', async () => {
      const dir = fresh();
      const a = await LowdbRecordStore.open({ dir, shards: 1 });
      await a.collection<Doc>({ name: 'docs' }).insert({ id: 'x', tenant: 't' });
      await a.close();
      const [f] = shardFiles(dir);
      writeFileSync(f.path, readFileSync(f.path, 'utf8').slice(0, 30));
      await assert.rejects(LowdbRecordStore.open({ dir }), (e) => isSignetError(e, 'INTERNAL') && /damaged.*restore it from backup/.test(e.message));
      assert.equal(existsSync(join(dir, 'LOCK')), false);
    });

    it('keeps records of collections it has not opened yet when it rewrites their file', async () => {
      const dir = fresh();
      const a = await LowdbRecordStore.open({ dir, shards: 1 });
      await a.collection<Doc>({ name: 'old' }).insert({ id: 'o', tenant: 't' });
      await a.close();
      const b = await LowdbRecordStore.open({ dir });
      await b.collection<Doc>({ name: 'new' }).insert({ id: 'n', tenant: 't' });
      await b.close();
      const c = await LowdbRecordStore.open({ dir });
      assert.equal((await c.collection<Doc>({ name: 'old' }).get('o'))!.tenant, 't');
      await c.close();
    });
  });

  describe('metadata only', () => {
    it('refuses a record over the size limit (RECORD_TOO_LARGE), e.g. PDF bytes, and stores nothing', async () => {
      const store = await LowdbRecordStore.open({ dir: fresh(), shards: 4 });
      const docs = store.collection<Doc>({ name: 'docs' });
      const pdf = Buffer.alloc(300 * 1024, 0x25);
      await assert.rejects(docs.insert({ id: 'big', tenant: 't', blob: pdf.toString('base64') }), (e) => isSignetError(e, 'RECORD_TOO_LARGE') && /BlobStore/.test(e.message) && (e.details?.bytes as number) > 256 * 1024);
      await assert.rejects(docs.insert({ id: 'big', tenant: 't', blob: Buffer.alloc(200 * 1024) }), (e) => isSignetError(e, 'RECORD_TOO_LARGE'));
      assert.equal(await docs.get('big'), undefined);
      const small = await docs.insert({ id: 'ok', tenant: 't', body: '中'.repeat(80 * 1024) });
      await assert.rejects(docs.update({ ...small, body: '中'.repeat(90 * 1024) }, 1), (e) => isSignetError(e, 'RECORD_TOO_LARGE'));
      assert.equal((await docs.get('ok'))!.version, 1);
      await store.close();
    });

    it('stores JSON: a Date comes back as its ISO string, as after a restart', async () => {
      const store = await LowdbRecordStore.open({ dir: fresh(), shards: 4 });
      const docs = store.collection<Doc>({ name: 'docs' });
      const at = new Date('2026-01-15T08:00:00Z');
      const r = await docs.insert({ id: 'd', tenant: 't', blob: at });
      assert.equal(r.blob, '2026-01-15T08:00:00.000Z');
      assert.equal((await docs.get('d'))!.blob, '2026-01-15T08:00:00.000Z');
      await store.close();
    });
  });

  describe('coalesced writes', () => {
    it('merges concurrent writes to one shard into a few file writes, and resolves each only once durable', async () => {
      const dir = fresh();
      const store = await LowdbRecordStore.open({ dir, shards: 16 });
      const docs = store.collection<Doc>({ name: 'docs', shard: (d) => d.tenant });
      const before = store.stats().fileWrites;
      const written = await Promise.all(Array.from({ length: 100 }, (_, i) => docs.insert({ id: `d${i}`, tenant: 'one' })));
      assert.equal(written.length, 100);
      const writes = store.stats().fileWrites - before;
      assert.ok(writes >= 1 && writes <= 2, `100 concurrent inserts took ${writes} file writes`);
      // Every promise resolved after its data reached the file: read the file, not the store.
      const [f] = shardFiles(dir);
      assert.equal(f.doc.records.length, 100);
      let d = written[0];
      for (let v = 1; v <= 5; v++) {
        const w0 = store.stats().fileWrites;
        d = await docs.update({ ...d, n: v }, v);
        assert.equal(store.stats().fileWrites - w0, 1, 'a lone update is one file write');
      }
      await store.close();
    });

    it('takes the lock: a second open of the same directory fails with STORE_LOCKED until the first closes', async () => {
      const dir = fresh();
      const a = await LowdbRecordStore.open({ dir, shards: 4 });
      await assert.rejects(LowdbRecordStore.open({ dir }), (e) => isSignetError(e, 'STORE_LOCKED') && /close it before opening it again/.test(e.message));
      await a.close();
      const b = await LowdbRecordStore.open({ dir });
      await b.close();
      // A LOCK left by a process that no longer exists is taken over.
      writeFileSync(join(dir, 'LOCK'), '2147483646\n');
      const c = await LowdbRecordStore.open({ dir });
      await c.close();
    });
  });

  describe('crashes', function () {
    this.timeout(120_000);
    const fixture = fileURLToPath(new URL('./lowdb-crash-writer.fixture.ts', import.meta.url));

    /** Runs the writer until it has acknowledged `acks` writes, then kills it with SIGKILL. */
    async function writeUntilKilled(dir: string, acks: number, prefix: string): Promise<string[]> {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, '16', prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b) => { stderr += b; });
      const lines: string[] = [];
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      for await (const line of createInterface({ input: child.stdout })) {
        lines.push(line);
        if (lines.length === acks) child.kill('SIGKILL');
      }
      await exited;
      assert.ok(lines.length >= acks, `the writer stopped after ${lines.length} acknowledged writes: ${stderr}`);
      assert.equal(child.signalCode, 'SIGKILL');
      return lines;
    }

    it('keeps every acknowledged write, whole batches only and parseable files after kill -9 in the middle of heavy writes', async () => {
      const dir = fresh();
      const acked = new Map<string, number>();
      const pairs = new Set<string>();
      for (const [round, acks] of [1500, 700, 2300, 400, 1100].entries()) {
        for (const line of await writeUntilKilled(dir, acks, `r${round}`)) {
          const [kind, id, v] = line.split(' ');
          if (kind === 'ins') acked.set(id, Math.max(acked.get(id) ?? 0, 1));
          else if (kind === 'upd') acked.set(id, Math.max(acked.get(id) ?? 0, Number(v)));
          else if (kind === 'pair') pairs.add(id);
        }
        // The killed process left its LOCK (and maybe temp files): opening takes over and cleans up.
        const store = await LowdbRecordStore.open({ dir });
        const temps = readdirSync(join(dir, 'shards')).flatMap((s) => readdirSync(join(dir, 'shards', s))).filter((n) => n.endsWith('.tmp'));
        assert.deepEqual(temps, []);
        const docs = store.collection<Doc>({ name: 'docs', indexes: { tenant: (d) => d.tenant }, shard: (d) => d.tenant });
        const contracts = store.collection<Doc>({ name: 'contracts', shard: (d) => d.tenant });
        const audit = store.collection<Doc & { contract: string }>({ name: 'audit', indexes: { contract: (a) => a.contract }, shard: (a) => a.tenant });
        for (const [id, version] of acked) {
          const d = await docs.get(id);
          assert.ok(d, `acknowledged insert ${id} is lost (round ${round})`);
          assert.ok(d.version >= version, `${id} is at version ${d.version}, but version ${version} was acknowledged`);
        }
        for (const id of pairs) assert.ok(await contracts.get(id), `acknowledged batch ${id} is lost`);
        // All or nothing: every contract has its audit event and every audit event its contract.
        const allContracts = await contracts.scan();
        const allAudit = await audit.scan();
        assert.equal(allAudit.length, allContracts.length);
        for (const c of allContracts) assert.equal((await audit.find('contract', c.id)).length, 1, `batch ${c.id} was half written`);
        await store.close();
        for (const f of shardFiles(dir)) assert.ok(Array.isArray(f.doc.records));
      }
      assert.ok(acked.size > 1000 && pairs.size > 1000, `only ${acked.size} documents and ${pairs.size} pairs were written`);
    });
  });

  describe('disk failures', () => {
    before(function () {
      requireTool(this, 'chattr', 'e2fsprogs');
      if (process.getuid?.() !== 0) this.skip();
    });

    it('refuses every write with STORAGE_FAILED once a shard file cannot be written, and keeps what was acknowledged', async function () {
      const dir = fresh();
      const store = await LowdbRecordStore.open({ dir, shards: 1 });
      const docs = store.collection<Doc>({ name: 'docs' });
      await docs.insert({ id: 'safe', tenant: 't' });
      const sub = join(dir, 'shards', '00');
      const attr = run('chattr', ['+i', sub]);
      if (attr.status !== 0) this.skip(); // the file system has no immutable attribute
      try {
        await assert.rejects(docs.insert({ id: 'lost', tenant: 't' }), (e) => isSignetError(e, 'STORAGE_FAILED') && /restart Signet/.test(e.message));
        await assert.rejects(docs.insert({ id: 'later', tenant: 't' }), (e) => isSignetError(e, 'STORAGE_FAILED'));
        await assert.rejects(docs.get('lost'), (e) => isSignetError(e, 'STORAGE_FAILED'));
      } finally {
        run('chattr', ['-i', sub]);
      }
      await store.close();
      const again = await LowdbRecordStore.open({ dir });
      const d2 = again.collection<Doc>({ name: 'docs' });
      assert.ok(await d2.get('safe'));
      assert.equal(await d2.get('lost'), undefined);
      await again.close();
    });
  });

  it('removes temp files a crashed write left and ignores their content', async () => {
    const dir = fresh();
    const a = await LowdbRecordStore.open({ dir, shards: 1 });
    await a.collection<Doc>({ name: 'docs' }).insert({ id: 'x', tenant: 't' });
    await a.close();
    mkdirSync(join(dir, 'shards', '00'), { recursive: true });
    const tmp = join(dir, 'shards', '00', '.0000.json.12345.abcd1234.tmp');
    writeFileSync(tmp, '{"signet":"record-shard","format":1,"records":[\n["docs","y",{"id":"y","ver');
    const b = await LowdbRecordStore.open({ dir });
    assert.equal(existsSync(tmp), false);
    const docs = b.collection<Doc>({ name: 'docs' });
    assert.ok(await docs.get('x'));
    assert.equal(await docs.get('y'), undefined);
    await b.close();
  });
});
