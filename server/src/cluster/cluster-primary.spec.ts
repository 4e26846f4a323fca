import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { corpusFile, createTestDatabase, repoRoot, requirePostgres, run, tempDir, type TestDatabase } from '@signet/test-support';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');

/** A GET on a fresh connection (no keep-alive), so that the cluster primary hands each to the next worker. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The lines a process prints, and a way to wait for one. */
class Lines {
  readonly all: string[] = [];
  private waiters: { re: RegExp; from: number; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(child: ChildProcess) {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (l) => {
        this.all.push(l);
        this.waiters = this.waiters.filter((w) => {
          const m = l.match(w.re);
          if (m) w.resolve(m);
          return !m;
        });
      });
    }
  }

  /** Resolves with the first line matching `re` printed from index `from` on (default: from now). */
  next(re: RegExp, from = this.all.length, ms = 90_000): Promise<RegExpMatchArray> {
    for (let i = from; i < this.all.length; i++) {
      const m = this.all[i].match(re);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no line matching ${re} in:\n${this.all.join('\n')}`)), ms);
      this.waiters.push({ re, from, resolve: (m) => { clearTimeout(t); resolve(m); } });
    });
  }

  /** How many lines from index `from` match `re`. */
  count(re: RegExp, from = 0): number {
    return this.all.slice(from).filter((l) => re.test(l)).length;
  }
}

describe('signet start --workers N (cluster)', function () {
  this.timeout(180_000);

  it('refuses more than one worker on the embedded store with one line that names DATABASE_URL (STORE_LOCKED)', () => {
    const { dir, cleanup } = tempDir('signet-cluster-lowdb-');
    try {
      const env = { ...process.env };
      delete env.DATABASE_URL;
      const r = run(process.execPath, [bin, 'start', '--workers', '2', '--port', '0', '--data', join(dir, 'data'), '--no-demo'], { env });
      assert.equal(r.status, 1);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /DATABASE_URL.*\[STORE_LOCKED\]$/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      cleanup();
    }
  });

  describe('on PostgreSQL', () => {
    let db: TestDatabase;
    let dir: string;
    let cleanup: () => void;
    before(async function () {
      const admin = await requirePostgres(this);
      db = await createTestDatabase(admin);
      ({ dir, cleanup } = tempDir('signet-cluster-pg-'));
    });
    after(async () => {
      await db?.drop();
      cleanup?.();
    });

    it('serves from both workers, replaces a killed worker, and on SIGTERM (even repeated) finishes a request in flight before exiting', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url };
      delete env.SIGNET_QUIET;
      const primary = spawn(process.execPath, [bin, 'start', '--workers', '2', '--port', '0', '--data', join(dir, 'data'), '--no-demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((r) => primary.once('exit', (code) => r(code)));
      const out = new Lines(primary);
      try {
        const [, url] = await out.next(/is running at (\S+) with 2 workers/, 0);
        const pids = new Map<string, string>();
        for (const m of out.all.map((l) => l.match(/worker (\d) ready \(pid (\d+)\)/)).filter((m) => m)) pids.set(m![1], m![2]);
        assert.equal(pids.size, 2);

        const ready = await get(`${url}/readyz`);
        assert.equal(ready.status, 200, ready.body);
        assert.equal(JSON.parse(ready.body).status, 'ready');
        for (let i = 0; i < 16; i++) assert.equal((await get(`${url}/healthz`)).status, 200);
        await out.next(/\[w2\] .* GET \/healthz 200/, 0);
        await out.next(/\[w1\] .* GET \/healthz 200/, 0);

        // Kill worker 1: the primary notices and forks a new one; worker 2 serves meanwhile.
        process.kill(Number(pids.get('1')), 'SIGKILL');
        await out.next(new RegExp(`worker 1 \\(pid ${pids.get('1')}\\) exited \\(SIGKILL\\); restarting`), 0);
        for (let i = 0; i < 6; i++) assert.equal((await get(`${url}/healthz`)).status, 200);
        const [, newPid] = await out.next(/worker 1 ready \(pid (\d+)\)/, out.all.findIndex((l) => /exited \(SIGKILL\)/.test(l)));
        assert.notEqual(newPid, pids.get('1'));
        const mark = out.all.length;
        for (let i = 0; i < 16; i++) assert.equal((await get(`${url}/healthz`)).status, 200);
        await out.next(/\[w1\] .* GET \/healthz 200/, mark);

        // A request whose body is still arriving when SIGTERM comes is answered before the workers exit.
        const pdf = corpusFile('unsigned.pdf');
        const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = http.request(`${url}/api/v1/verify`, { method: 'POST', agent: false, headers: { 'content-type': 'application/pdf', 'content-length': pdf.length } }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { body += d; });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.write(pdf.subarray(0, 1000));
          setTimeout(async () => {
            primary.kill('SIGTERM');
            await out.next(/Shutting down/, 0).catch(() => undefined);
            // A supervisor signalling the whole process group, once the workers handle the first SIGTERM:
            // the second must not kill the work in flight.
            setTimeout(() => {
              for (const pid of [newPid, pids.get('2')]) {
                try { process.kill(Number(pid), 'SIGTERM'); } catch { /* that worker has already exited */ }
              }
            }, 200);
            setTimeout(() => req.end(pdf.subarray(1000)), 500);
          }, 500);
        });
        const res = await answer;
        assert.equal(res.status, 200, res.body);
        assert.ok(Array.isArray(JSON.parse(res.body).signatures), res.body);
        assert.equal(await exited, 0, out.all.join('\n'));
        for (const pid of [newPid, pids.get('2')]) assert.throws(() => process.kill(Number(pid), 0), 'every worker exited');
      } finally {
        primary.kill('SIGKILL');
      }
    });
  });
});
