/**
 * Storage figures for `npm run bench` (or `npm run bench -- storage`): LowdbRecordStore write
 * latency (p50/p99 of single-record updates, alone and coalesced) and startup time at 1k, 10k and
 * 100k stored contract-sized records (~2 KB of JSON each). Prints the 100k/1k ratios, which should
 * stay near 1 because a write rewrites one shard file, not the store. Then a 50 MB blob put/get in
 * the encrypted blob store against one SHA-256 pass. Asserts nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Collection, StoredRecord } from '@signet/core';
import { EncryptedFileBlobStore } from '../server/src/storage/encrypted-file-blob-store.js';
import { LowdbRecordStore } from '../server/src/storage/lowdb-record-store.js';
import { MasterKey } from '../server/src/storage/master-key.js';

interface BenchContract extends StoredRecord {
  enterpriseId: string;
  bizNo: string;
  title: string;
  state: string;
  signers: { id: string; name: string; mobile: string; order: number; state: string; fields: { page: number; rect: number[] }[] }[];
  documents: { blobId: string; name: string; pages: number }[];
  deadline: string;
  touched: number;
  notes: string;
}

const SIZES = (process.env.BENCH_STORAGE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const SEQUENTIAL = Number(process.env.BENCH_STORAGE_UPDATES ?? 400);

function contract(i: number): Omit<BenchContract, 'version'> {
  const ent = `ent_${i % 97}`;
  return {
    id: `ct_${i.toString(36).padStart(6, '0')}_${randomBytes(4).toString('hex')}`,
    enterpriseId: ent,
    bizNo: `HR-2026-${i}`,
    title: `劳动合同 Labor contract ${i} — 上海示例科技有限公司`,
    state: 'signing',
    signers: [0, 1, 2].map((s) => ({
      id: `sg_${i}_${s}`, name: ['张三', '李四', '上海示例科技有限公司'][s], mobile: `138****${String(i % 10000).padStart(4, '0')}`,
      order: s + 1, state: s === 0 ? 'signed' : 'unread', fields: [{ page: 1 + s, rect: [60 + s * 10, 60, 200, 60] }, { page: 3, rect: [300, 80, 120, 40] }],
    })),
    documents: [{ blobId: randomBytes(32).toString('hex'), name: '劳动合同.pdf', pages: 4 }, { blobId: randomBytes(32).toString('hex'), name: '附件.pdf', pages: 2 }],
    deadline: '2026-03-01T00:00:00.000Z',
    touched: 0,
    notes: '备注 '.repeat(150),
  };
}

function spec() {
  return {
    name: 'contracts',
    unique: { bizNo: (c: BenchContract) => `${c.enterpriseId}:${c.bizNo}` },
    indexes: { enterprise: (c: BenchContract) => c.enterpriseId, signer: (c: BenchContract) => c.signers.map((s) => s.id) },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Arm {
  n: number;
  dir: string;
  store: LowdbRecordStore;
  contracts: Collection<BenchContract>;
  ids: string[];
  recordBytes: number;
  openMs: number;
  openCpuMs: number;
  lat: number[];
  clat: number[];
  cMs: number;
  hot: Collection<BenchContract & { hot: string }>;
  hotIds: string[];
  hotUpdates: number;
  hotWrites: number;
  hotMs: number;
}

/** Fills a store with `n` contracts, closes it, and measures opening it again (wall and CPU time). */
async function prepare(n: number): Promise<Arm> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-bench-store-'));
  let store = await LowdbRecordStore.open({ dir });
  let contracts: Collection<BenchContract> = store.collection(spec());
  const ids: string[] = [];
  const seedChunk = 25_000;
  for (let start = 0; start < n; start += seedChunk) {
    const batch = Array.from({ length: Math.min(seedChunk, n - start) }, (_, k) => contract(start + k));
    await Promise.all(batch.map((c) => contracts.insert(c)));
    ids.push(...batch.map((c) => c.id));
  }
  const recordBytes = Buffer.byteLength(JSON.stringify(await contracts.get(ids[0])));
  await store.close();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  store = await LowdbRecordStore.open({ dir });
  contracts = store.collection(spec());
  const openMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (store.stats().records !== n) throw new Error(`bench precondition: reopened ${store.stats().records} of ${n} records`);
  const hot = store.collection<BenchContract & { hot: string }>({ name: 'hot', shard: (r) => r.hot });
  await Promise.all(Array.from({ length: 32 }, (_, k) => hot.insert({ ...contract(n + k), hot: 'one' })));
  const hotIds = (await hot.scan()).map((r) => r.id);
  return {
    n, dir, store, contracts, ids, recordBytes, openMs, openCpuMs: (cpu.user + cpu.system) / 1000,
    lat: [], clat: [], cMs: 0, hot, hotIds, hotUpdates: 0, hotWrites: 0, hotMs: 0,
  };
}

async function update(c: Collection<BenchContract>, id: string): Promise<number> {
  const cur = (await c.get(id))!;
  const t = performance.now();
  await c.update({ ...cur, touched: cur.touched + 1, state: 'signing' }, cur.version);
  return performance.now() - t;
}

function shuffled<T>(a: T[]): T[] {
  return a.map((x) => [Math.random(), x] as const).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
}

/**
 * Measures every size in the same time slices (interleaved, in random order each round), so that
 * the ratios between sizes do not depend on how busy the machine was at one moment.
 */
async function measureAll(arms: Arm[]): Promise<void> {
  const pick = (a: Arm) => a.ids[Math.floor(Math.random() * a.ids.length)];
  for (const a of arms) for (let i = 0; i < 30; i++) await update(a.contracts, pick(a)); // warm up
  for (let i = 0; i < SEQUENTIAL; i++) {
    for (const a of shuffled(arms)) a.lat.push(await update(a.contracts, pick(a)));
  }
  // 32 writers at once on random records: writes to different files overlap on the thread pool.
  const rounds = 5;
  const perWriter = Math.max(1, Math.ceil(SEQUENTIAL / 32 / rounds) * 2);
  for (let r = 0; r < rounds; r++) {
    for (const a of shuffled(arms)) {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 32 }, async (_, w) => {
        // Each writer owns every 32nd record, so writers never conflict on a version.
        const own = () => a.ids[(Math.floor(Math.random() * Math.floor(a.ids.length / 32)) * 32 + w) % a.ids.length];
        for (let i = 0; i < perWriter; i++) a.clat.push(await update(a.contracts, own()));
      }));
      a.cMs += performance.now() - t0;
    }
  }
  // 32 writers on the records of one shard key: they share one file, so their writes are merged.
  for (let r = 0; r < rounds; r++) {
    for (const a of shuffled(arms)) {
      const w0 = a.store.stats().fileWrites;
      const t0 = performance.now();
      await Promise.all(a.hotIds.map(async (id) => {
        for (let i = 0; i < perWriter; i++) {
          const c = (await a.hot.get(id))!;
          await a.hot.update({ ...c, touched: c.touched + 1 }, c.version);
          a.hotUpdates++;
        }
      }));
      a.hotMs += performance.now() - t0;
      a.hotWrites += a.store.stats().fileWrites - w0;
    }
  }
}

/** put/get of a 50 MB blob in the encrypted blob store, against one SHA-256 pass over the bytes. */
async function measureBlobs(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-bench-blobs-'));
  try {
    const masterKey = MasterKey.load(dir, randomBytes(32).toString('base64'));
    const blobs = await EncryptedFileBlobStore.open({ dir: join(dir, 'blobs'), masterKey });
    const big = randomBytes(50 * 1024 * 1024);
    const t0 = performance.now();
    createHash('sha256').update(big).digest();
    const hashMs = performance.now() - t0;
    const t1 = performance.now();
    const id = await blobs.put(big);
    const putMs = performance.now() - t1;
    const t2 = performance.now();
    await blobs.get(id);
    const getMs = performance.now() - t2;
    const t3 = performance.now();
    await blobs.put(big);
    const againMs = performance.now() - t3;
    console.log(`  50 MB blob: SHA-256 ${hashMs.toFixed(0)} ms; put (hash + AES-256-GCM + fsync) ${putMs.toFixed(0)} ms; get (read + decrypt) ${getMs.toFixed(0)} ms; put again (no-op) ${againMs.toFixed(0)} ms`);
    console.log(`  ${'put / SHA-256'.padEnd(52)} ${(putMs / hashMs).toFixed(2).padStart(10)}`);
    console.log(`  ${'get / SHA-256'.padEnd(52)} ${(getMs / hashMs).toFixed(2).padStart(10)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the storage measurements and prints them with the 100k/1k ratios. */
export async function benchStorage(): Promise<void> {
  console.log(`Storage: LowdbRecordStore (4,096 shard files, fsync on every write), ${SEQUENTIAL} single-record updates per size, sizes interleaved`);
  const arms: Arm[] = [];
  try {
    for (const n of SIZES) arms.push(await prepare(n));
    await measureAll(arms);
    for (const a of arms) {
      a.lat.sort((x, y) => x - y);
      a.clat.sort((x, y) => x - y);
      console.log(`  ${String(a.n).padStart(7)} records of ${(a.recordBytes / 1024).toFixed(1)} KB: open ${a.openMs.toFixed(0)} ms (CPU ${a.openCpuMs.toFixed(0)} ms); `
        + `update p50 ${percentile(a.lat, 50).toFixed(2)} ms, p99 ${percentile(a.lat, 99).toFixed(2)} ms; `
        + `32 writers p50 ${percentile(a.clat, 50).toFixed(2)} ms, p99 ${percentile(a.clat, 99).toFixed(2)} ms, ${((a.clat.length * 1000) / a.cMs).toFixed(0)}/s; `
        + `one hot shard ${((a.hotUpdates * 1000) / a.hotMs).toFixed(0)}/s, ${(a.hotWrites / a.hotUpdates).toFixed(3)} file writes per update`);
    }
    if (arms.length > 1) {
      const small = arms[0];
      const large = arms[arms.length - 1];
      const label = `${large.n / 1000}k/${small.n / 1000}k`;
      const row = (name: string, v: number, note: string) => console.log(`  ${name.padEnd(52)} ${v.toFixed(3).padStart(10)}   (${note})`);
      console.log('\n  ratios');
      row(`update p50 ${label}`, percentile(large.lat, 50) / percentile(small.lat, 50), 'target near 1');
      row(`update p99 ${label}`, percentile(large.lat, 99) / percentile(small.lat, 99), 'target near 1');
      row(`32 writers p50 ${label}`, percentile(large.clat, 50) / percentile(small.clat, 50), 'target near 1');
      row(`32 writers p99 ${label}`, percentile(large.clat, 99) / percentile(small.clat, 99), 'target near 1');
      row(`open time ${label}`, large.openMs / small.openMs, 'grows with the data: every record is read at start');
    }
  } finally {
    for (const a of arms) {
      await a.store.close();
      rmSync(a.dir, { recursive: true, force: true });
    }
  }
  console.log('');
  console.log('Storage: EncryptedFileBlobStore');
  await measureBlobs();
  console.log('');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchStorage().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
